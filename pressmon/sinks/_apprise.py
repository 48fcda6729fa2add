"""The apprise sink: one notification per run to chat and push services (Telegram, Teams,
Discord, Mattermost, ntfy, Slack, ...) through the `apprise` library (`pressmon[apprise]`).

Each URL gets its own notification: a title from the `title` template and a body
from the Markdown (or plain-text) alert renderer, cut to fit the service (the
smallest of `max_length` and apprise's limit for it): whole stories first, then
the rest by title, then a count. apprise reports success or failure per URL:
all succeeded -> delivered; any failed -> `DeliveryFailed`, the alerts stay
pending and the next run notifies every URL again.

apprise is imported when the sink is built (or its URLs checked), never by
`import pressmon`. Its log lines are kept out of standard error (they could
quote a URL): the ones of a failing notification go into the error message,
with the sink's secrets removed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timezone
from typing import TextIO

from pressmon._apprise import apprise_logs, require_apprise
from pressmon.config import AppriseSinkConfig
from pressmon.models import Alert
from pressmon.sinks._base import DeliveryContext, DeliveryFailed
from pressmon.sinks._common import count_label, headline
from pressmon.sinks._markdown import escape, render_alert, render_alert_line
from pressmon.sinks._plain import render_alert_line as text_line
from pressmon.sinks._plain import render_alert_text

__all__ = ["AppriseSink", "fit_body"]


def fit_body(
    header: str, sections: Sequence[str], lines: Sequence[str], limit: int, separator: str
) -> str:
    """A body of at most `limit` characters: the header, whole sections while they fit,
    then one-line entries for the next alerts, then how many are left out."""

    def more(count: int) -> str:
        return f"… and {count} more {'story' if count == 1 else 'stories'}."

    total = len(sections)
    reserve = len(more(total)) + len(separator)
    parts = [header]
    size = len(header)
    index = 0
    while index < total:
        room = reserve if index + 1 < total else 0
        if size + len(separator) + len(sections[index]) + room > limit:
            break
        parts.append(sections[index])
        size += len(separator) + len(sections[index])
        index += 1
    listed: list[str] = []
    while index < total:
        room = reserve if index + 1 < total else 0
        if size + len(separator) + len(lines[index]) + room > limit:
            break
        listed.append(lines[index])
        size += len(separator) + len(lines[index])
        index += 1
    if listed:
        parts.append("\n".join(listed))
    if index < total:
        parts.append(more(total - index))
    body = separator.join(parts)
    return body if len(body) <= limit else body[: limit - 1] + "…"


class AppriseSink:
    """Notify each apprise URL of the run's new stories."""

    always = False

    def __init__(self, config: AppriseSinkConfig, *, stdout: TextIO | None = None) -> None:
        self.key = config.key()
        self.config = config
        self._secrets = sorted(config.secrets(), key=len, reverse=True)
        self._apprise = require_apprise()

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    def _body(self, alerts: Sequence[Alert], context: DeliveryContext, limit: int) -> str:
        started = context.started.strftime("%Y-%m-%d %H:%M UTC")
        summary = f"{count_label(len(alerts))}, {started}"
        render: Callable[[Alert], str]
        if self.config.format == "markdown":
            header = f"_{escape(summary)}_"

            def render(alert: Alert) -> str:
                return render_alert(alert, heading="###")

            line = render_alert_line
        else:
            header, render, line = summary, render_alert_text, text_line
        sections = [render(alert) for alert in alerts]
        lines = [line(alert) for alert in alerts]
        return fit_body(header, sections, lines, limit, "\n\n")

    def _notify(
        self, url: str, title: str, alerts: Sequence[Alert], context: DeliveryContext
    ) -> str | None:
        """Notify one URL; None when apprise reports success, else why it did not."""
        apprise = self._apprise
        formats = {"markdown": apprise.NotifyFormat.MARKDOWN, "text": apprise.NotifyFormat.TEXT}
        with apprise_logs() as logs:
            notifier = apprise.Apprise()
            if not notifier.add(url):
                return "apprise cannot use this URL"
            service = notifier[0]
            limits = [self.config.max_length or 0, int(getattr(service, "body_maxlen", 0) or 0)]
            limit = min([value for value in limits if value > 0] or [32768])
            if int(getattr(service, "title_maxlen", 0) or 0) <= 0:
                limit -= len(title) + 2  # the service puts the title into the body
            body = self._body(alerts, context, max(limit, 100))
            try:
                ok = bool(
                    notifier.notify(body=body, title=title, body_format=formats[self.config.format])
                )
            except Exception as error:  # apprise reports failures; a plugin may still raise
                logs.append(f"{type(error).__name__} in apprise")
                ok = False
        if ok:
            return None
        said = " / ".join(dict.fromkeys(self._scrub(message) for message in logs))
        return said[:300] or "apprise reported a failure"

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        """Send one notification per URL; raise if any of them failed."""
        if not alerts:
            return
        title = headline(self.config.title, alerts, now=context.started, zone=timezone.utc)
        failures = []
        for index, url in enumerate(self.config.urls):
            secret = url.get_secret_value()
            problem = self._notify(secret, title, alerts, context)
            if problem is not None:
                scheme = secret.partition("://")[0].lower()
                failures.append(f"urls.{index} ({scheme}://): {problem}")
        if failures:
            raise DeliveryFailed(
                f"apprise {self.key}: {len(failures)} of {len(self.config.urls)} "
                f"notification{'s' if len(self.config.urls) != 1 else ''} failed: "
                + "; ".join(failures)
            )
