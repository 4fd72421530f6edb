"""A local stand-in for Twilio's REST API: the real `twilio` client talks to it over HTTP.

It answers the calls the project makes (create a call, redirect a call, send an SMS) with
the JSON shapes Twilio returns, and keeps every request for the test to inspect. A test can
make it fail the next requests to check what the project does when Twilio is down.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

_CALLS = re.compile(r"^/2010-04-01/Accounts/(?P<account>\w+)/Calls\.json$")
_CALL = re.compile(r"^/2010-04-01/Accounts/(?P<account>\w+)/Calls/(?P<sid>\w+)\.json$")
_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<account>\w+)/Messages\.json$")


@dataclass
class Received:
    method: str
    path: str
    form: dict[str, str]
    # The account SID of the HTTP Basic credentials the client sent.
    username: str


@dataclass
class FakeTwilio:
    url: str = ""
    requests: list[Received] = field(default_factory=list)
    # Answer the next N requests with this HTTP status (e.g. 503) instead of success.
    fail_next: int = 0
    fail_status: int = 503
    # Calls Twilio knows, as GET Calls/<sid>.json returns them (tests add what they need).
    calls: dict[str, dict] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def new_sid(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):032x}"

    def of(self, kind: str) -> list[Received]:
        patterns = {"calls": _CALLS, "call": _CALL, "messages": _MESSAGES}
        return [r for r in self.requests if patterns[kind].match(r.path)]


def _handler(fake: FakeTwilio):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def do_GET(self):
            fake.requests.append(Received("GET", self.path, {}, ""))
            if fake.fail_next > 0:
                fake.fail_next -= 1
                return self._json(fake.fail_status, {"code": 20500, "message": "Service unavailable", "status": 503})
            if (match := _CALL.match(self.path)) and match["sid"] in fake.calls:
                return self._json(200, fake.calls[match["sid"]])
            return self._json(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
            username = ""
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                username = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
            fake.requests.append(Received("POST", self.path, form, username))
            if fake.fail_next > 0:
                fake.fail_next -= 1
                return self._json(fake.fail_status, {"code": 20500, "message": "Service unavailable", "status": 503})
            if match := _CALLS.match(self.path):
                sid = fake.new_sid("CA")
                return self._json(201, _call_json(sid, match["account"], form, "queued"))
            if match := _CALL.match(self.path):
                return self._json(200, _call_json(match["sid"], match["account"], form, "in-progress"))
            if match := _MESSAGES.match(self.path):
                sid = fake.new_sid("SM")
                return self._json(201, _message_json(sid, match["account"], form))
            return self._json(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})

        def _json(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _call_json(sid: str, account: str, form: dict, status: str) -> dict:
    return {
        "sid": sid,
        "account_sid": account,
        "to": form.get("To", ""),
        "from": form.get("From", ""),
        "status": status,
        "direction": "outbound-api",
        "uri": f"/2010-04-01/Accounts/{account}/Calls/{sid}.json",
    }


def _message_json(sid: str, account: str, form: dict) -> dict:
    return {
        "sid": sid,
        "account_sid": account,
        "to": form.get("To", ""),
        "from": form.get("From", ""),
        "body": form.get("Body", ""),
        "status": "queued",
        "direction": "outbound-api",
        "num_segments": "1",
        "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
    }


@contextlib.contextmanager
def fake_twilio_server() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
