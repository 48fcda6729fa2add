"""The email sink against a real SMTP server on 127.0.0.1: the message it sends, how it
connects (plain, STARTTLS, TLS, login), how each failure maps to delivered or pending,
and the daily schedule."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pressmon.config import EmailSinkConfig
from pressmon.sinks import DeliveryContext, DeliveryFailed, ScheduledSink, build_sink
from pressmon.sinks._email import EmailSink, day_over, message_id
from sinks.alert_support import CONTEXT, NOW, Certificates, make_alert, off_loopback
from sinks.chromium import render_email_html
from sinks.smtpserver import SMTPServer


def email_config(server: SMTPServer, **keys: Any) -> EmailSinkConfig:
    """An email sink for the test server: no TLS, no retry, two recipients."""
    values: dict[str, Any] = {
        "type": "email",
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "from": "pressmon <alerts@example.org>",
        "to": ["analyst@example.org", "editor@example.org"],
        "retries": 0,
        **keys,
    }
    return EmailSinkConfig.model_validate(values)


def email_sink(server: SMTPServer, **keys: Any) -> EmailSink:
    sink = build_sink(email_config(server, **keys))
    assert isinstance(sink, EmailSink)
    return sink


def test_one_message_with_both_parts_headers_and_links(smtp_server: SMTPServer) -> None:
    """One run's alerts make one message to every recipient: the subject counts the stories
    and names the topic, the Message-ID is derived from the alert ids, and the plain-text and
    HTML parts both carry each story's link, each copy's link and the highlighted evidence;
    feed text is escaped in the HTML."""
    sink = email_sink(smtp_server, reply_to="desk@example.org")
    alerts = [make_alert(1), make_alert(2)]
    sink.deliver(alerts, CONTEXT)
    (received,) = smtp_server.received
    assert received.envelope_from == "alerts@example.org"
    assert received.recipients == ["analyst@example.org", "editor@example.org"]
    message = received.message
    assert message["Subject"] == "[pressmon] 2 new stories: alpine-us-expansion"
    assert message["From"] == "pressmon <alerts@example.org>"
    assert message["To"] == "analyst@example.org, editor@example.org"
    assert message["Reply-To"] == "desk@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == message_id(["alert0001", "alert0002"], "example.org")
    assert re.fullmatch(r"<pressmon\.[0-9a-f]{32}@example\.org>", message["Message-ID"])
    assert message["X-Pressmon-Alerts"] == "alert0001 alert0002"
    assert message.get_content_type() == "multipart/alternative"
    text_part = message.get_body(("plain",))
    html_part = message.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content(), html_part.get_content()
    for n in (1, 2):
        assert f"https://wire.example/alpine-{n}" in text
        assert f"https://daily.example/copy-{n}" in text
        assert f'href="https://wire.example/alpine-{n}"' in html
        assert f'href="https://daily.example/copy-{n}"' in html
    assert "*AutoNation*" in text and "1. Alpine <b>to enter</b> the US" in text
    assert re.search(r"<mark style=\"[^\"]+\">AutoNation</mark>", html)
    assert "Alpine &lt;b&gt;to enter&lt;/b&gt;" in html and "<b>to enter</b>" not in html


def test_the_html_part_is_self_contained_and_email_safe(smtp_server: SMTPServer) -> None:
    """The HTML part has no script, no style sheet, no class to style, no image, no external
    resource of any kind; its only URLs are the links to the stories and their copies."""
    email_sink(smtp_server).deliver([make_alert(1)], CONTEXT)
    html_part = smtp_server.messages()[0].get_body(("html",))
    assert html_part is not None
    html = html_part.get_content()
    for forbidden in ("<script", "<style", "<link", "<img", "<svg", "src=", "url(", "class="):
        assert forbidden not in html, forbidden
    assert 'style="' in html
    urls = re.findall(r"https?://[^\s\"'<>]+", html)
    assert sorted(set(urls)) == ["https://daily.example/copy-1", "https://wire.example/alpine-1"]


def test_the_html_part_renders_in_headless_chromium_without_a_request(
    smtp_server: SMTPServer, tmp_path: Path
) -> None:
    """Chromium renders the email's HTML with the evidence in <mark>, the linked titles and
    copies, and the page asks for nothing (every request would reach the loopback proxy)."""
    email_sink(smtp_server).deliver([make_alert(1), make_alert(2)], CONTEXT)
    dom = render_email_html(smtp_server.messages()[0], tmp_path)
    assert re.search(r"<mark style=\"[^\"]+\">AutoNation</mark>", dom)
    assert dom.count('href="https://wire.example/alpine-') == 2
    assert dom.count('href="https://daily.example/copy-') == 2
    assert "Alpine &lt;b&gt;to enter&lt;/b&gt;" in dom


def test_starttls_with_a_login_and_never_plain_text(
    certificates: Certificates, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With STARTTLS the sink upgrades the connection (verifying the certificate against
    ca_file), logs in with the password from the environment and sends; a server that offers
    no STARTTLS gets no message at all, and the error says why."""
    monkeypatch.setenv("SMTP_PASSWORD", "app-password-123")
    server = SMTPServer(starttls=certificates.server, logins={"alerts": "app-password-123"})
    server.start()
    plain = SMTPServer().start()
    try:
        password = "${SMTP_PASSWORD}"
        keys = {"security": "starttls", "user": "alerts", "password": password}
        email_sink(server, ca_file=certificates.ca_file, **keys).deliver([make_alert(1)], CONTEXT)
        (received,) = server.received
        assert received.encrypted and received.login == "alerts"
        with pytest.raises(DeliveryFailed, match=r"does not support it.*STARTTLS") as caught:
            email_sink(plain, ca_file=certificates.ca_file, **keys).deliver(
                [make_alert(1)], CONTEXT
            )
        assert plain.transactions == 0 and caught.value.delivered == ()
        assert "app-password-123" not in str(caught.value)
    finally:
        server.stop()
        plain.stop()


def test_a_refused_login_is_reported_without_the_password(
    certificates: Certificates, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong password is a refusal (535): not retried, nothing sent, the alerts stay pending,
    and neither the password nor its variable's value is in the message."""
    monkeypatch.setenv("SMTP_PASSWORD", "wrong-password-456")
    server = SMTPServer(starttls=certificates.server, logins={"alerts": "right"}).start()
    try:
        sink = email_sink(
            server,
            security="starttls",
            user="alerts",
            password="${SMTP_PASSWORD}",
            ca_file=certificates.ca_file,
            retries=3,
            backoff=0,
        )
        with pytest.raises(DeliveryFailed, match="refused the login") as caught:
            sink.deliver([make_alert(1)], CONTEXT)
        assert caught.value.delivered == () and server.received == []
        assert "wrong-password-456" not in str(caught.value)
        assert server.transactions == 0
    finally:
        server.stop()


def test_implicit_tls_verifies_the_certificate(certificates: Certificates) -> None:
    """`security = "tls"` speaks TLS from the first byte: with the CA in ca_file the message
    goes through; without it the certificate is refused and nothing is sent (not retried)."""
    server = SMTPServer(tls=certificates.server).start()
    try:
        email_sink(server, security="tls", ca_file=certificates.ca_file).deliver(
            [make_alert(1)], CONTEXT
        )
        assert len(server.received) == 1 and server.received[0].encrypted
        with pytest.raises(DeliveryFailed, match="certificate was not accepted"):
            email_sink(server, security="tls", retries=2, backoff=0).deliver(
                [make_alert(2)], CONTEXT
            )
        assert len(server.received) == 1
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        ("mail-421", "answered 421 4.3.2"),
        ("data-421", "answered 421 4.7.0"),
        ("reset", "closed the connection|connection failed"),
        ("data-554", "answered 554 5.7.1"),
    ],
)
def test_a_failing_server_leaves_every_alert_pending(
    smtp_server: SMTPServer, failure: Any, reason: str
) -> None:
    """421 to MAIL FROM or to the message, a connection reset while the message arrives, or
    a 554 refusal: delivery fails with no alert counted as delivered, and the server kept no
    message."""
    smtp_server.fail = failure
    with pytest.raises(DeliveryFailed, match=reason) as caught:
        email_sink(smtp_server).deliver([make_alert(1), make_alert(2)], CONTEXT)
    assert caught.value.delivered == ()
    assert smtp_server.received == [] and smtp_server.transactions == 1


def test_temporary_failures_are_retried_within_the_run_permanent_ones_not(
    smtp_server: SMTPServer,
) -> None:
    """A 421 then an acceptance: the second attempt delivers, one message in all; a 554 is
    tried once however many retries are allowed."""
    smtp_server.fail, smtp_server.fail_times = "data-421", 1
    email_sink(smtp_server, retries=2, backoff=0).deliver([make_alert(1)], CONTEXT)
    assert smtp_server.transactions == 2 and len(smtp_server.received) == 1
    smtp_server.fail, smtp_server.fail_times, smtp_server.transactions = "data-554", None, 0
    with pytest.raises(DeliveryFailed, match="554"):
        email_sink(smtp_server, retries=2, backoff=0).deliver([make_alert(2)], CONTEXT)
    assert smtp_server.transactions == 1


def test_a_server_that_is_not_there_fails_after_the_retries() -> None:
    """Connection refused (nothing listens on the port): each attempt fails, the message says
    how many were made, and the alerts stay pending."""
    server = SMTPServer().start()
    server.stop()  # its port is free now
    with pytest.raises(DeliveryFailed, match=r"connection failed.*after 2 attempts") as caught:
        email_sink(server, retries=1, backoff=0).deliver([make_alert(1)], CONTEXT)
    assert caught.value.delivered == ()


def test_a_refused_recipient_does_not_resend_to_the_others(smtp_server: SMTPServer) -> None:
    """When the server takes the message for one recipient and refuses the other, the alerts
    are reported delivered (sending again would repeat it for the first) and the refusal is
    named in the error."""
    smtp_server.refuse["editor@example.org"] = "550 5.1.1 no such user"
    alerts = [make_alert(1), make_alert(2)]
    with pytest.raises(DeliveryFailed, match=r"editor@example\.org: 550 5\.1\.1") as caught:
        email_sink(smtp_server).deliver(alerts, CONTEXT)
    assert caught.value.delivered == ("alert0001", "alert0002")
    assert [item.recipients for item in smtp_server.received] == [["analyst@example.org"]]


def test_the_same_alerts_give_the_same_message_id(smtp_server: SMTPServer) -> None:
    """A message sent again with the same alerts (after a crash before its delivery was
    recorded) has the Message-ID of the first, in any order; other alerts, another id."""
    sink = email_sink(smtp_server)
    sink.deliver([make_alert(1), make_alert(2)], CONTEXT)
    later = DeliveryContext(started=NOW + timedelta(hours=1))
    sink.deliver([make_alert(2), make_alert(1)], later)
    sink.deliver([make_alert(1), make_alert(3)], later)
    ids = [message["Message-ID"] for message in smtp_server.messages()]
    assert ids[0] == ids[1] and ids[2] != ids[0]


def test_subject_template_and_topics(smtp_server: SMTPServer) -> None:
    """The subject template's placeholders are filled: the count, story/stories, the topics
    and the day of the newest story in the sink's time zone."""
    sink = email_sink(
        smtp_server, subject="Press {date}: {count} {stories} ({topics})", timezone="Asia/Tokyo"
    )
    late = datetime(2025, 6, 2, 20, 0, tzinfo=timezone.utc)  # already June 3 in Tokyo
    sink.deliver([make_alert(1, created=late)], CONTEXT)
    assert smtp_server.messages()[0]["Subject"] == (
        "Press 2025-06-03: 1 story (alpine-us-expansion)"
    )


def test_every_run_schedule_sends_every_pending_alert() -> None:
    """Without a schedule the sink is still asked (it is a ScheduledSink) and takes them all."""
    sink = build_sink(
        EmailSinkConfig.model_validate(
            {"type": "email", "host": "smtp.example.org", "from": "a@example.org", "to": "b@x.org"}
        )
    )
    assert isinstance(sink, ScheduledSink)
    alerts = [make_alert(1), make_alert(2)]
    assert sink.due(alerts, CONTEXT) == alerts


def test_daily_digest_waits_for_the_day_to_be_over_in_its_time_zone() -> None:
    """With `schedule = "daily"` in Europe/Paris and send_at 07:00, an alert made on June 2
    (Paris) is due from June 3 07:00 Paris time, with every earlier alert; an alert of
    June 3 waits for June 4. Late on June 1 UTC is June 2 in Paris."""
    sink = build_sink(
        EmailSinkConfig.model_validate(
            {
                "type": "email",
                "host": "smtp.example.org",
                "from": "a@example.org",
                "to": "b@example.org",
                "schedule": "daily",
                "timezone": "Europe/Paris",
                "send_at": "07:00",
            }
        )
    )
    assert isinstance(sink, EmailSink)
    paris = ZoneInfo("Europe/Paris")
    older = make_alert(1, created=datetime(2025, 6, 1, 9, 0, tzinfo=timezone.utc))
    midnight = make_alert(2, created=datetime(2025, 6, 1, 22, 30, tzinfo=timezone.utc))
    june_2 = make_alert(3, created=datetime(2025, 6, 2, 15, 0, tzinfo=timezone.utc))
    june_3 = make_alert(4, created=datetime(2025, 6, 3, 4, 0, tzinfo=timezone.utc))
    pending = [older, midnight, june_2, june_3]

    def due_at(year: int, month: int, day: int, hour: int, minute: int) -> list[str]:
        started = datetime(year, month, day, hour, minute, tzinfo=paris).astimezone(timezone.utc)
        return [alert.id for alert in sink.due(pending, DeliveryContext(started=started))]

    assert due_at(2025, 6, 2, 6, 59) == []
    assert due_at(2025, 6, 2, 7, 0) == ["alert0001"]
    assert due_at(2025, 6, 3, 6, 59) == ["alert0001"]
    assert due_at(2025, 6, 3, 7, 0) == ["alert0001", "alert0002", "alert0003"]
    assert due_at(2025, 6, 4, 7, 0) == ["alert0001", "alert0002", "alert0003", "alert0004"]
    assert day_over(midnight.created, paris, time(7, 0)) == datetime(2025, 6, 3, 7, 0, tzinfo=paris)


def test_daily_digest_message_names_the_days(smtp_server: SMTPServer) -> None:
    """The daily message gathers the due alerts in one message and says which days they
    are from."""
    sink = email_sink(smtp_server, schedule="daily")
    alerts = [
        make_alert(1, created=datetime(2025, 5, 31, 10, 0, tzinfo=timezone.utc)),
        make_alert(2, created=datetime(2025, 6, 1, 10, 0, tzinfo=timezone.utc)),
    ]
    due = sink.due(alerts, CONTEXT)
    sink.deliver(due, CONTEXT)
    (message,) = smtp_server.messages()
    text_part = message.get_body(("plain",))
    assert text_part is not None
    assert "2 new stories, 2025-05-31 to 2025-06-01 (UTC)" in text_part.get_content()


def test_with_helo_the_sink_reaches_nothing_beyond_loopback(
    smtp_server: SMTPServer, network_calls: list[tuple[str, tuple[Any, ...]]]
) -> None:
    """With `helo` set, sending connects to the configured server on 127.0.0.1 and makes no
    other call, not even a lookup of the machine's own name; the server hears that name."""
    email_sink(smtp_server, helo="monitor.example.org").deliver([make_alert(1)], CONTEXT)
    assert any(event == "socket.connect" for event, _ in network_calls)
    assert off_loopback(network_calls) == []
    assert smtp_server.received[0].helo == "monitor.example.org"
