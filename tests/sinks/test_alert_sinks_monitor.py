"""The email and apprise sinks in whole monitor runs: `pressmon.run_monitor(CONFIG.toml)`
against the loopback feed server, a loopback SMTP server and a loopback apprise receiver.

Each new story reaches each sink once; a failing SMTP server keeps the alerts pending for
the email sink only, and a later run sends them in one message, once; a daily digest waits
for its day; no secret reaches a log line, an error or the state."""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from httpserver import FeedRoute, TestServer
from monitor_support import write_config

import pressmon
from pressmon._monitor import Progress
from sinks.alert_support import Certificates, notifications, off_loopback
from sinks.chromium import render_email_html
from sinks.smtpserver import SMTPServer

TITLES = ["Alpine postpones its US launch", "Alpine to enter the US with AutoNation in 2027"]


def sinks_toml(smtp: SMTPServer, receiver: TestServer, email_extra: str = "") -> str:
    host, port = receiver.host, receiver.port
    return (
        '[[sinks]]\ntype = "email"\nname = "desk-mail"\nhost = "127.0.0.1"\n'
        f'port = {smtp.port}\nsecurity = "none"\nretries = 0\nhelo = "monitor.example.org"\n'
        'from = "pressmon <alerts@example.org>"\n'
        'to = ["analyst@example.org", "editor@example.org"]\n'
        f"{email_extra}\n"
        '[[sinks]]\ntype = "apprise"\nname = "chat"\n'
        f'urls = ["json://{host!s}:{port}/notify"]\n'
    )


def monitor_config(
    tmp_path: Path, feed_server: TestServer, smtp: SMTPServer, receiver: TestServer, **kw: str
) -> Path:
    feeds = [feed_server.url("/wire.xml"), feed_server.url("/daily.xml")]
    return write_config(tmp_path, feeds, sinks=sinks_toml(smtp, receiver, **kw))


def alert_ids_in(message: Any) -> list[str]:
    return str(message["X-Pressmon-Alerts"]).split()


def test_each_new_story_reaches_email_and_apprise_once(
    feed_server: TestServer,
    smtp_server: SMTPServer,
    receiver: TestServer,
    tmp_path: Path,
    network_calls: list[tuple[str, tuple[Any, ...]]],
) -> None:
    """The first run sends one email and one notification carrying both new stories (the
    syndicated copy is listed, not alerted); the next run, on unchanged feeds, sends nothing;
    everything stayed on 127.0.0.1."""
    config = monitor_config(tmp_path, feed_server, smtp_server, receiver)
    first = pressmon.run_monitor(config)
    assert sorted(alert.article.title for alert in first.alerts) == TITLES
    assert first.delivered == 2 and first.pending == 0 and first.sink_errors == ()
    (message,) = smtp_server.messages()
    assert sorted(alert_ids_in(message)) == sorted(alert.id for alert in first.alerts)
    assert message["Subject"] == "[pressmon] 2 new stories: alpine-us-expansion"
    text_part = message.get_body(("plain",))
    assert text_part is not None
    assert "https://daily.example/2025/alpine-america" in text_part.get_content()  # the copy
    (notification,) = notifications(receiver)
    assert all(title in notification["message"] for title in TITLES)
    second = pressmon.run_monitor(config)
    assert second.alerts == () and second.delivered == 0
    assert len(smtp_server.received) == 1 and len(notifications(receiver)) == 1
    assert off_loopback(network_calls) == []


def test_a_failing_smtp_server_keeps_the_alerts_pending_then_one_message(
    feed_server: TestServer, smtp_server: SMTPServer, receiver: TestServer, tmp_path: Path
) -> None:
    """While the SMTP server answers 421 or resets the connection, the run reports the email
    sink's failure and the alerts stay pending (apprise got them, once); the first run after
    the server recovers sends one message with both, and later runs send nothing again."""
    config = monitor_config(tmp_path, feed_server, smtp_server, receiver)
    smtp_server.fail = "data-421"
    first = pressmon.run_monitor(config)
    assert len(first.alerts) == 2 and first.pending == 2
    (error,) = first.sink_errors
    assert error.startswith("desk-mail: ") and "421 4.7.0" in error
    smtp_server.fail = "reset"
    second = pressmon.run_monitor(config)
    assert second.alerts == () and second.pending == 2 and len(second.sink_errors) == 1
    assert smtp_server.received == [] and smtp_server.transactions == 2
    assert len(notifications(receiver)) == 1
    smtp_server.fail = None
    third = pressmon.run_monitor(config)
    assert third.delivered == 2 and third.pending == 0 and third.sink_errors == ()
    (message,) = smtp_server.messages()
    assert sorted(alert_ids_in(message)) == sorted(alert.id for alert in first.alerts)
    fourth = pressmon.run_monitor(config)
    assert fourth.delivered == 0 and len(smtp_server.received) == 1
    assert len(notifications(receiver)) == 1


def test_the_emailed_html_renders_in_headless_chromium(
    feed_server: TestServer, smtp_server: SMTPServer, receiver: TestServer, tmp_path: Path
) -> None:
    """The HTML part of the email a run sent renders in Chromium with the evidence marked and
    every story and copy linked, and asks for nothing over the network."""
    pressmon.run_monitor(monitor_config(tmp_path, feed_server, smtp_server, receiver))
    dom = render_email_html(smtp_server.messages()[0], tmp_path)
    assert re.search(r"<mark style=\"[^\"]+\">AutoNation</mark>", dom)
    assert 'href="https://daily.example/2025/alpine-postponed"' in dom
    assert 'href="https://daily.example/2025/alpine-america"' in dom  # the copy
    assert "Alpine to enter the US with AutoNation in 2027" in dom


def test_a_daily_digest_waits_for_the_end_of_the_day(
    feed_server: TestServer, smtp_server: SMTPServer, receiver: TestServer, tmp_path: Path
) -> None:
    """With schedule = "daily" in Europe/Paris, a run on June 2 sends the chat notification but
    no email; a run on June 2 late evening UTC (June 3 in Paris) sends the digest, once."""
    config = monitor_config(
        tmp_path,
        feed_server,
        smtp_server,
        receiver,
        email_extra='schedule = "daily"\ntimezone = "Europe/Paris"',
    )
    june_2 = datetime(2025, 6, 2, 9, 0, tzinfo=timezone.utc)
    first = pressmon.run_monitor(config, now=june_2)
    assert len(first.alerts) == 2 and first.sink_errors == () and first.pending == 2
    assert smtp_server.received == [] and len(notifications(receiver)) == 1
    evening = pressmon.run_monitor(config, now=datetime(2025, 6, 2, 21, 59, tzinfo=timezone.utc))
    assert evening.delivered == 0 and smtp_server.received == []
    night = pressmon.run_monitor(config, now=datetime(2025, 6, 2, 22, 0, tzinfo=timezone.utc))
    assert night.delivered == 2 and night.pending == 0
    (message,) = smtp_server.messages()
    assert sorted(alert_ids_in(message)) == sorted(alert.id for alert in first.alerts)
    later = pressmon.run_monitor(config, now=datetime(2025, 6, 3, 9, 0, tzinfo=timezone.utc))
    assert later.delivered == 0 and len(smtp_server.received) == 1


def test_secrets_never_reach_logs_errors_or_the_state(
    feed_server: TestServer,
    receiver: TestServer,
    certificates: Certificates,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The SMTP password and a secret apprise URL path (both from the environment) appear in
    no log line, sink error, repr or state byte, while both sinks fail and report why."""
    password, hook = "pw-4b1d8e92c7", "/hook-9c7e1f2a0d5b"
    monkeypatch.setenv("SMTP_PASSWORD", password)
    monkeypatch.setenv("CHAT_PATH", hook.lstrip("/"))
    receiver.routes[hook] = FeedRoute(b"down", status=503, validators=False)
    smtp = SMTPServer(starttls=certificates.server, logins={"alerts": "another"}).start()
    host, port = receiver.host, receiver.port
    try:
        sinks = (
            f'[[sinks]]\ntype = "email"\nhost = "127.0.0.1"\nport = {smtp.port}\n'
            f'ca_file = "{certificates.ca_file}"\nuser = "alerts"\n'
            'password = "${SMTP_PASSWORD}"\nretries = 0\n'
            'from = "alerts@example.org"\nto = "analyst@example.org"\n'
            f'[[sinks]]\ntype = "apprise"\nurls = ["json://{host!s}:{port}/${{CHAT_PATH}}"]\n'
        )
        config = write_config(tmp_path, [feed_server.url("/wire.xml")], sinks=sinks)
        log = io.StringIO()
        report = pressmon.run_monitor(config, progress=Progress(log, verbose=True))
    finally:
        smtp.stop()
    assert len(report.sink_errors) == 2 and report.pending == 1
    assert "refused the login" in " ".join(report.sink_errors)
    assert "503" in " ".join(report.sink_errors)
    assert len(receiver.requests_to(hook)) == 1
    texts = [log.getvalue(), " ".join(report.sink_errors), repr(pressmon.load_config(config))]
    state = b"".join(path.read_bytes() for path in tmp_path.glob("state.db*"))
    for secret in (password, hook.lstrip("/")):
        assert all(secret not in text for text in texts), secret
        assert secret.encode() not in state
