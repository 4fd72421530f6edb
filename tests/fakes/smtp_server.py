"""A recording SMTP server on 127.0.0.1 (aiosmtpd), standing in for a province's mail server.

It takes AUTH PLAIN/LOGIN without TLS (loopback only), keeps every mail it accepts, and can be
told to refuse the next ones with an SMTP status, like a server that is full or greylisting.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.servers import free_port


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    # The login the client authenticated with ("" when it did not).
    login: str

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.raw)


@dataclass
class FakeSmtpServer:
    user: str
    password: str
    host: str = "127.0.0.1"
    port: int = 0
    received: list[ReceivedMail] = field(default_factory=list)
    fail_next: int = 0
    fail_reply: str = "451 4.3.0 Try again later"

    def fail(self, count: int = 1, reply: str | None = None) -> None:
        self.fail_next = count
        self.fail_reply = reply or self.fail_reply

    # aiosmtpd's handler hooks.
    async def handle_DATA(self, server, session, envelope) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            return self.fail_reply
        login = session.auth_data.decode() if session.authenticated and isinstance(session.auth_data, bytes) else ""
        self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, login))
        return "250 2.0.0 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        valid = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            self.user.encode(),
            self.password.encode(),
        )
        return AuthResult(success=valid, handled=False, auth_data=auth_data.login if valid else None)


@contextlib.contextmanager
def fake_smtp_server(*, user: str, password: str) -> Iterator[FakeSmtpServer]:
    fake = FakeSmtpServer(user=user, password=password, port=free_port())
    controller = Controller(
        fake,
        hostname=fake.host,
        port=fake.port,
        decode_data=False,
        authenticator=fake.authenticate,
        auth_require_tls=False,
        auth_exclude_mechanism=["CRAM-MD5"],
    )
    controller.start()
    try:
        yield fake
    finally:
        controller.stop()
