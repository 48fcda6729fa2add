"""The webhook sink: one JSON POST per alert, retried, with an `Idempotency-Key`.

The key is the alert id, so a receiver that honours it (or deduplicates on the
`id` field) shows an alert once even when pressmon sends it again after a crash.
Timeouts, connection errors, 429 and 5xx answers are retried with exponential
backoff (tenacity), a `Retry-After` answer is waited for (up to 30 s). The URL
and headers may hold secrets: no message this module produces contains them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from pressmon._version import __version__
from pressmon.config import WebhookSinkConfig
from pressmon.models import Alert
from pressmon.sinks._base import DeliveryContext, DeliveryFailed
from pressmon.sinks._common import date_label, evidence_segments, source_label, title_of

__all__ = ["WebhookSink", "slack_body"]

_MAX_WAIT = 30.0


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(alert: Alert) -> dict[str, Any]:
    """A Slack incoming-webhook body (`text` in mrkdwn) for one alert."""
    article = alert.article
    title = _slack_escape(title_of(article))
    headline = f"<{article.url}|{title}>" if article.url else title
    lines = [
        f"*{headline}*",
        f"{_slack_escape(source_label(article))} · {date_label(alert)} · "
        + ", ".join(f"{flag.topic} ({flag.score:.2f})" for flag in alert.flags),
    ]
    if alert.flags and alert.flags[0].evidence:
        evidence = "".join(
            f"*{_slack_escape(piece)}*" if marked else _slack_escape(piece)
            for piece, marked in evidence_segments(alert.flags[0].evidence[0], limit=280)
        )
        lines.append(f"> {evidence}")
    if alert.copies:
        lines.append(
            "Also in: " + ", ".join(_slack_escape(source_label(copy)) for copy in alert.copies)
        )
    return {"text": "\n".join(lines), "unfurl_links": False}


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class WebhookSink:
    """POST each alert to a URL."""

    always = False

    def __init__(self, config: WebhookSinkConfig, *, stdout: TextIO | None = None) -> None:
        self.key = config.key()
        self._url = config.url
        self._headers = config.headers
        self.format = config.format
        self.timeout = config.timeout
        self.retries = config.retries
        self.backoff = config.backoff

    def _body(self, alert: Alert) -> bytes:
        record = slack_body(alert) if self.format == "slack" else alert.model_dump(mode="json")
        return json.dumps(record, ensure_ascii=False).encode("utf-8")

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        """POST the alerts one by one; stop at the first that fails after its retries."""
        import httpx
        from tenacity import (
            RetryCallState,
            retry,
            retry_if_exception_type,
            stop_after_attempt,
            wait_exponential,
        )

        exponential = wait_exponential(multiplier=self.backoff, max=_MAX_WAIT)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, _Retryable) and error.retry_after is not None:
                return min(error.retry_after, _MAX_WAIT)
            return float(exponential(state))

        headers = {name: value.get_secret_value() for name, value in self._headers.items()}
        headers.setdefault("Content-Type", "application/json")
        headers.setdefault("User-Agent", f"pressmon/{__version__}")
        delivered: list[str] = []
        with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:

            @retry(
                retry=retry_if_exception_type(_Retryable),
                stop=stop_after_attempt(self.retries + 1),
                wait=wait,
                reraise=True,
            )
            def post(alert: Alert) -> None:
                try:
                    response = client.post(
                        self._url.get_secret_value(),
                        content=self._body(alert),
                        headers={**headers, "Idempotency-Key": alert.id},
                    )
                except httpx.TimeoutException:
                    raise _Retryable("timed out") from None
                except httpx.TransportError as error:
                    # The exception's text may quote the URL: keep only its kind.
                    raise _Retryable(f"connection failed ({type(error).__name__})") from None
                if response.status_code == 429 or response.status_code >= 500:
                    raise _Retryable(
                        f"HTTP {response.status_code}",
                        _retry_after(response.headers.get("retry-after")),
                    )
                if response.status_code >= 400:
                    raise DeliveryFailed(f"HTTP {response.status_code} (not retried)")

            for alert in alerts:
                try:
                    post(alert)
                except (_Retryable, DeliveryFailed) as error:
                    attempts = self.retries + 1 if isinstance(error, _Retryable) else 1
                    raise DeliveryFailed(
                        f"webhook {self.key}: alert {alert.id}: {error} "
                        f"after {attempts} attempt{'s' if attempts != 1 else ''}",
                        delivered,
                    ) from None
                delivered.append(alert.id)
