"""A real SMTP server on 127.0.0.1 for the email tests: aiosmtpd on its own event loop in
a background thread, on a free port.

It keeps every message it accepts (`received`), and can be told to fail the way
real servers do (`fail`): answer 421 to MAIL FROM or to the end of DATA, refuse the
message for good (554), or reset the connection while the message arrives. It can
refuse single recipients (`refuse`), speak implicit TLS or STARTTLS, and require a
login.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import struct
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any, Literal

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

Failure = Literal["mail-421", "data-421", "data-554", "reset"]


@dataclass
class Received:
    """A message the server accepted."""

    envelope_from: str
    recipients: list[str]
    data: bytes
    encrypted: bool
    login: str | None
    helo: str | None

    @property
    def message(self) -> EmailMessage:
        """The message, parsed."""
        parsed = BytesParser(policy=policy.default).parsebytes(self.data)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SMTPServer:
    """Serve SMTP on 127.0.0.1 until `stop`."""

    tls: ssl.SSLContext | None = None
    """Implicit TLS (as on port 465) with this context."""
    starttls: ssl.SSLContext | None = None
    """Offer STARTTLS with this context, and require it before MAIL."""
    logins: dict[str, str] | None = None
    """Require AUTH (after TLS) with one of these user -> password pairs."""
    fail: Failure | None = None
    """How to fail the next transactions (None: accept)."""
    fail_times: int | None = None
    """Fail only this many transactions, then accept (None: every one while `fail` is set)."""
    refuse: dict[str, str] = field(default_factory=dict)
    """Recipients refused with this reply (as "550 5.1.1 no such user")."""
    received: list[Received] = field(default_factory=list)
    transactions: int = 0
    """MAIL FROM commands seen (attempts to send), failed ones included."""
    port: int = 0

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._ready = threading.Event()
        self._server: asyncio.Server | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------ aiosmtpd handler hooks

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        with self._lock:
            self.transactions += 1
            failing = self.fail is not None and (self.fail_times is None or self.fail_times > 0)
            if failing and self.fail_times is not None:
                self.fail_times -= 1
        mode = self.fail if failing else None
        if mode == "mail-421":
            return "421 4.3.2 Service not available, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        envelope.failure = mode  # type: ignore[attr-defined]  # read back in handle_DATA
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        mode = getattr(envelope, "failure", None)
        if mode == "data-421":
            return "421 4.7.0 Temporary failure, try again later"
        if mode == "data-554":
            return "554 5.7.1 Message refused"
        if mode == "reset":
            transport = server.transport
            assert transport is not None
            raw = transport.get_extra_info("socket")
            # SO_LINGER 0: closing sends a TCP reset instead of a clean FIN.
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
            return "250 never sent"
        auth = session.auth_data
        with self._lock:
            self.received.append(
                Received(
                    envelope_from=str(envelope.mail_from),
                    recipients=list(envelope.rcpt_tos),
                    data=bytes(envelope.original_content or envelope.content or b""),
                    encrypted=session.ssl is not None or self.tls is not None,
                    login=auth.login.decode() if isinstance(auth, LoginPassword) else None,
                    helo=session.host_name,
                )
            )
        return "250 2.0.0 OK queued"

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and self.logins is not None
            and self.logins.get(data.login.decode()) == data.password.decode()
        )
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

    # ------------------------------------------------------------ running

    def _protocol(self) -> SMTP:
        return SMTP(
            self,
            hostname="smtp.test",
            tls_context=self.starttls,
            require_starttls=self.starttls is not None,
            auth_required=self.logins is not None,
            authenticator=self._authenticate if self.logins is not None else None,
            enable_SMTPUTF8=True,
            loop=self._loop,
        )

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            self._loop.create_server(self._protocol, "127.0.0.1", 0, ssl=self.tls)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._server.close()
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    def start(self) -> SMTPServer:
        """Start serving; `port` is set when this returns."""
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the SMTP test server did not start")
        return self

    def stop(self) -> None:
        """Stop serving and close every connection."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def messages(self) -> list[EmailMessage]:
        """The accepted messages, parsed."""
        with self._lock:
            return [item.message for item in self.received]
