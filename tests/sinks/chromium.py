"""Headless Chromium for the sink tests (the HTML digest, the email's HTML part): render an
HTML file, get its DOM, and see every request it makes (all go to a loopback proxy)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from httpserver import TestServer


def require_chromium() -> str:
    """The chromium executable; a skip saying how to install it, or a failure when
    `PRESSMON_REQUIRE_CHROMIUM=1` (as in CI)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("PRESSMON_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is required (PRESSMON_REQUIRE_CHROMIUM=1) but not on PATH")
        pytest.skip("chromium is not installed: apt-get install chromium to run this check")
    return found


def render_dom(page: Path, proxy: TestServer, profile: Path) -> str:
    """The DOM Chromium builds from `page`; every request goes through `proxy`."""
    result = subprocess.run(
        [
            require_chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            f"--proxy-server={proxy.url('')}",
            "--proxy-bypass-list=<-loopback>",
            "--virtual-time-budget=2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def requests_from_page(proxy: TestServer) -> list[str]:
    """What the proxy received, less Chromium's own calls to Google services."""

    def service(url: str) -> bool:
        host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
        return host.endswith((".google.com", ".googleapis.com", ".gvt1.com", ".gstatic.com"))

    return [hit.target for hit in proxy.requests if not service(hit.target)]


def render_email_html(message: Any, folder: Path) -> str:
    """The DOM Chromium builds from an email's HTML part, checking on the way that the page
    asks for nothing over the network (a loopback proxy would receive it)."""
    html_part = message.get_body(("html",))
    assert html_part is not None, "the message has no HTML part"
    page = folder / "email.html"
    page.write_text(html_part.get_content(), encoding="utf-8")
    proxy = TestServer().start()
    try:
        dom = render_dom(page, proxy, folder / "profile")
        assert requests_from_page(proxy) == []
    finally:
        proxy.stop()
    return dom
