"""A small IMAP4rev1 server on 127.0.0.1 holding one mailbox, for the mailbox reader's tests.

It speaks what `imaplib` sends for reading mail: CAPABILITY, LOGIN, SELECT, SEARCH UNSEEN, FETCH
BODY.PEEK[] / BODY[] (the latter sets \\Seen, as a real server does), STORE +FLAGS, the UID forms of
the last three, NOOP, CLOSE and LOGOUT; it records every command for the test to inspect.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class StoredMail:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class FakeMailbox:
    user: str
    password: str
    folder: str = "INBOX"
    mails: list[StoredMail] = field(default_factory=list)
    # Every command as received, without its tag (the password replaced).
    commands: list[str] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    _next_uid: int = 101

    def add(self, raw: bytes, *, seen: bool = False) -> StoredMail:
        mail = StoredMail(self._next_uid, raw, {"\\Seen"} if seen else set())
        self._next_uid += 1
        self.mails.append(mail)
        return mail

    def unseen(self) -> list[StoredMail]:
        return [mail for mail in self.mails if "\\Seen" not in mail.flags]


class _Handler(socketserver.StreamRequestHandler):
    box: FakeMailbox

    def send(self, line: str | bytes) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self) -> None:
        self.selected = False
        self.authenticated = False
        self.send("* OK Fake IMAP4rev1 ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _, args = rest.partition(" ")
            if not self.answer(tag, command.upper(), args):
                return

    def answer(self, tag: str, command: str, args: str) -> bool:
        box = self.box
        box.commands.append(f"{command} {args}".strip() if command != "LOGIN" else "LOGIN")
        if command == "CAPABILITY":
            self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
        elif command == "NOOP":
            pass
        elif command == "LOGOUT":
            self.send("* BYE logging out")
            self.send(f"{tag} OK LOGOUT completed")
            return False
        elif command == "LOGIN":
            user, password = shlex.split(args)
            if (user, password) != (box.user, box.password):
                self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
                return True
            self.authenticated = True
        elif not self.authenticated:
            self.send(f"{tag} BAD not authenticated")
            return True
        elif command == "SELECT":
            if shlex.split(args)[0] != box.folder:
                self.send(f"{tag} NO no such mailbox")
                return True
            self.selected = True
            self.send(f"* {len(box.mails)} EXISTS")
            self.send("* 0 RECENT")
            self.send("* OK [UIDVALIDITY 1] UIDs valid")
            self.send(f"* OK [UIDNEXT {box._next_uid}] next")
            self.send(f"{tag} OK [READ-WRITE] SELECT completed")
            return True
        elif command == "CLOSE":
            self.selected = False
        elif command == "UID":
            sub, _, sub_args = args.partition(" ")
            return self.mail_command(tag, sub.upper(), sub_args, by_uid=True)
        elif command in ("SEARCH", "FETCH", "STORE"):
            return self.mail_command(tag, command, args, by_uid=False)
        else:
            self.send(f"{tag} BAD unknown command")
            return True
        self.send(f"{tag} OK {command} completed")
        return True

    def mail_command(self, tag: str, command: str, args: str, *, by_uid: bool) -> bool:
        box = self.box
        if not self.selected:
            self.send(f"{tag} BAD no mailbox selected")
            return True
        prefix = "UID " if by_uid else ""
        if command == "SEARCH":
            if args.strip().upper() != "UNSEEN":
                self.send(f"{tag} BAD only UNSEEN is searched here")
                return True
            found = [str(m.uid if by_uid else box.mails.index(m) + 1) for m in box.unseen()]
            self.send("* SEARCH" + "".join(f" {n}" for n in found))
        elif command in ("FETCH", "STORE"):
            number, _, what = args.partition(" ")
            mail, sequence = self.find(int(number), by_uid=by_uid)
            if mail is not None and command == "FETCH":
                self.fetch(mail, sequence, what.upper(), by_uid=by_uid)
            elif mail is not None:
                match = re.fullmatch(r"([+-]?)FLAGS(?:\.SILENT)? \(?([^)]*)\)?", what.strip(), re.IGNORECASE)
                if match is None:
                    self.send(f"{tag} BAD bad STORE")
                    return True
                flags = set(match.group(2).split())
                mail.flags = mail.flags | flags if match.group(1) == "+" else mail.flags - flags
                self.send(f"* {sequence} FETCH (UID {mail.uid} FLAGS ({' '.join(sorted(mail.flags))}))")
        else:
            self.send(f"{tag} BAD unknown command")
            return True
        self.send(f"{tag} OK {prefix}{command} completed")
        return True

    def find(self, number: int, *, by_uid: bool) -> tuple[StoredMail | None, int]:
        for sequence, mail in enumerate(self.box.mails, start=1):
            if (mail.uid if by_uid else sequence) == number:
                return mail, sequence
        return None, 0

    def fetch(self, mail: StoredMail, sequence: int, what: str, *, by_uid: bool) -> None:
        if "BODY[]" in what and "PEEK" not in what:
            mail.flags.add("\\Seen")
        head = f"* {sequence} FETCH (UID {mail.uid} BODY[] {{{len(mail.raw)}}}"
        self.wfile.write(head.encode() + b"\r\n" + mail.raw + b")\r\n")


@contextlib.contextmanager
def fake_imap_server(*, user: str, password: str, folder: str = "INBOX") -> Iterator[FakeMailbox]:
    box = FakeMailbox(user=user, password=password, folder=folder)
    handler = type("Handler", (_Handler,), {"box": box})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    box.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()
