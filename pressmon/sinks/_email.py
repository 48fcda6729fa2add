"""The email sink: the new stories in one message, over SMTP (stdlib `smtplib`).

One message per run that has new stories, or with `schedule = "daily"` one a day
(`due` holds the alerts back until their day is over). The message has an HTML
part (the digest's alert markup with inline styles) and a plain-text part, the
same content; its `Message-ID` is derived from the alert ids, so a message sent
again after a crash (the server accepted it, the run died before recording it)
carries the same id as the first one and can be recognised.

Outcomes: the server accepted the message -> delivered. A refusal (4xx, 5xx),
a lost connection, a timeout, a TLS failure -> `DeliveryFailed`, the alerts
stay pending and the next run sends them again. Connection errors, timeouts and
4xx answers are first retried within the run (tenacity). When the server takes
the message for some recipients and refuses others, the alerts count as
delivered (sending again would repeat the message for the others) and the
refusal is reported. The password never appears in a message of this module.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from typing import TYPE_CHECKING, TextIO

from pressmon._version import __version__
from pressmon.config import EmailSinkConfig
from pressmon.models import Alert
from pressmon.sinks._base import DeliveryContext, DeliveryFailed
from pressmon.sinks._common import count_label, headline
from pressmon.sinks._html import render_html_email
from pressmon.sinks._plain import render_text

if TYPE_CHECKING:
    import smtplib

__all__ = ["EmailSink", "day_over", "message_id"]

_MAX_WAIT = 30.0
_SPACES = re.compile(r"\s+")


class _Transient(Exception):
    """A failure worth trying again within the run."""


def message_id(alert_ids: Sequence[str], domain: str) -> str:
    """The `Message-ID` of a message carrying these alerts: the same alerts, the same id."""
    digest = hashlib.sha256("\n".join(sorted(set(alert_ids))).encode()).hexdigest()[:32]
    return f"<pressmon.{digest}@{domain}>"


def day_over(created: datetime, zone: tzinfo, send_at: time) -> datetime:
    """When a daily digest may carry an alert made at `created`: the next day at `send_at`,
    in `zone` (the alert's day is over, and the hour of the digest has come)."""
    day = created.astimezone(zone).date()
    return datetime.combine(day + timedelta(days=1), send_at, tzinfo=zone)


def _address(value: str) -> str:
    return getaddresses([value])[0][1]


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {_SPACES.sub(' ', text).strip()[:200]}".strip()


def _explain(error: BaseException) -> tuple[str, bool]:
    """What went wrong, in words that hold no secret, and whether to try again now."""
    import smtplib
    import ssl

    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (
            f"the server refused the login ({_reply(error.smtp_code, error.smtp_error)}): "
            "check user and the password's environment variable",
            False,
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        answers = "; ".join(
            f"{address}: {_reply(code, text)}" for address, (code, text) in error.recipients.items()
        )
        return f"the server refused every recipient ({answers})", all(
            400 <= code < 500 for code in codes
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return (
            f"the server answered {_reply(error.smtp_code, error.smtp_error)}",
            400 <= error.smtp_code < 500,
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the server closed the connection", True
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return f"the server does not support it ({error})", False
    if isinstance(error, smtplib.SMTPException):  # before OSError, of which it is a kind
        return f"SMTP error ({type(error).__name__})", False
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            f"the server's certificate was not accepted ({error.verify_message}): "
            "check host, or set ca_file for a private relay",
            False,
        )
    if isinstance(error, ssl.SSLError):
        return (
            f"TLS failed ({error.reason or type(error).__name__}): check security and port "
            "(starttls: usually 587; tls: usually 465)",
            False,
        )
    if isinstance(error, TimeoutError):
        return "timed out", True
    if isinstance(error, OSError):
        return f"connection failed ({error.strerror or type(error).__name__})", True
    raise error


class EmailSink:
    """Send the new stories as one email."""

    always = False

    def __init__(self, config: EmailSinkConfig, *, stdout: TextIO | None = None) -> None:
        self.key = config.key()
        self.config = config
        self.zone = config.zone()
        self.send_at = config.send_at or time(0, 0)

    # ------------------------------------------------------------ what and when

    def due(self, alerts: Sequence[Alert], context: DeliveryContext) -> list[Alert]:
        """Every pending alert each run; with `schedule = "daily"`, those whose day (in
        `timezone`) is over and whose `send_at` hour has come."""
        if self.config.schedule != "daily":
            return list(alerts)
        return [
            alert
            for alert in alerts
            if context.started >= day_over(alert.created, self.zone, self.send_at)
        ]

    def _days(self, alerts: Sequence[Alert]) -> tuple[date, date]:
        days = [alert.created.astimezone(self.zone).date() for alert in alerts]
        return min(days), max(days)

    def _summary(self, alerts: Sequence[Alert], context: DeliveryContext) -> str:
        count = count_label(len(alerts))
        if self.config.schedule == "daily":
            first, last = self._days(alerts)
            span = first.isoformat() if first == last else f"{first} to {last}"
            return f"{count}, {span} ({self.config.timezone})"
        when = context.started.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")
        return f"{count}, {when} ({self.config.timezone})"

    def message(self, alerts: Sequence[Alert], context: DeliveryContext) -> EmailMessage:
        """The message that carries these alerts (HTML and plain-text alternatives)."""
        config = self.config
        subject = headline(config.subject, alerts, now=context.started, zone=self.zone)
        summary = self._summary(alerts, context)
        footer = f"Sent by pressmon {__version__}."
        sender = _address(config.sender)
        domain = sender.rpartition("@")[2]
        if not domain.isascii() or not domain:
            domain = "pressmon.invalid"
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = config.sender
        message["To"] = ", ".join(config.to)
        if config.reply_to:
            message["Reply-To"] = config.reply_to
        message["Date"] = format_datetime(context.started)
        message["Message-ID"] = message_id([alert.id for alert in alerts], domain)
        message["Auto-Submitted"] = "auto-generated"
        message["X-Mailer"] = f"pressmon/{__version__}"
        message["X-Pressmon-Alerts"] = " ".join(alert.id for alert in alerts)
        message.set_content(
            render_text(
                alerts, title=config.title, summary=summary, notes=context.notes, footer=footer
            )
        )
        message.add_alternative(
            render_html_email(
                alerts, title=config.title, summary=summary, notes=context.notes, footer=footer
            ),
            subtype="html",
        )
        return message

    # ------------------------------------------------------------ sending

    def _connect(self) -> smtplib.SMTP:
        import smtplib
        import ssl

        config = self.config
        tls = ssl.create_default_context(
            cafile=str(config.ca_file) if config.ca_file is not None else None
        )
        client: smtplib.SMTP
        port, name = config.smtp_port(), config.helo
        if config.security == "tls":
            client = smtplib.SMTP_SSL(
                config.host, port, local_hostname=name, timeout=config.timeout, context=tls
            )
        else:
            client = smtplib.SMTP(config.host, port, local_hostname=name, timeout=config.timeout)
        try:
            client.ehlo()
            if config.security == "starttls":
                client.starttls(context=tls)  # refused: SMTPNotSupportedError, never plain
                client.ehlo()
            if config.user is not None and config.password is not None:
                client.login(config.user, config.password.get_secret_value())
        except BaseException:
            client.close()
            raise
        return client

    def _send(self, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        """One attempt: connect, log in, send; the recipients the server refused."""
        import smtplib

        config = self.config
        try:
            client = self._connect()
            try:
                refused = client.send_message(
                    message,
                    from_addr=_address(config.sender),
                    to_addrs=[_address(address) for address in config.to],
                )
            except BaseException:
                client.close()
                raise
        except (smtplib.SMTPException, OSError) as error:
            reason, transient = _explain(error)
            if transient:
                raise _Transient(reason) from None
            raise DeliveryFailed(reason) from None
        # The server has the message: a failing QUIT changes nothing.
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
        return dict(refused)

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        """Send one message with the alerts (retrying transient failures within the run)."""
        if not alerts:
            return
        from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

        config = self.config
        message = self.message(alerts, context)
        send = retry(
            retry=retry_if_exception_type(_Transient),
            stop=stop_after_attempt(config.retries + 1),
            wait=wait_exponential(multiplier=config.backoff, max=_MAX_WAIT),
            reraise=True,
        )(self._send)
        where = f"SMTP {config.host}:{config.smtp_port()}"
        try:
            refused = send(message)
        except _Transient as error:
            attempts = config.retries + 1
            raise DeliveryFailed(
                f"{where}: {error} after {attempts} attempt{'s' if attempts != 1 else ''}"
            ) from None
        except DeliveryFailed as error:
            raise DeliveryFailed(f"{where}: {error}") from None
        if refused:
            answers = "; ".join(
                f"{address}: {_reply(code, text)}" for address, (code, text) in refused.items()
            )
            raise DeliveryFailed(
                f"{where}: sent, but the server refused {len(refused)} of {len(config.to)} "
                f"recipients ({answers}); the others received it and it is not sent again",
                delivered=[alert.id for alert in alerts],
            )
