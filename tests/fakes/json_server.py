"""A recording JSON HTTP server on 127.0.0.1, the base of the chat providers' local stand-ins.

A provider's fake declares only its routes (method, path pattern, handler giving status and JSON
body), what an unknown path answers, and its default failure; the server keeps every request for
the test to inspect. A test can make it refuse the next requests with `fail(...)`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict]


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    # Header names in lower case.
    headers: dict[str, str]
    # The body parsed as JSON ({} when it is not), or as a form when sent as one.
    json: dict
    form: dict[str, str] = field(default_factory=dict)
    # Whether the path matched one of the server's routes.
    routed: bool = False

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


# A route's handler: the server, the request and the path's match give the status and body.
Handler = Callable[["FakeJsonServer", Received, re.Match], Answer]


@dataclass
class Route:
    method: str
    pattern: re.Pattern
    handler: Handler


def route(method: str, pattern: str, handler: Handler) -> Route:
    return Route(method, re.compile(pattern), handler)


@dataclass
class FakeJsonServer:
    routes: list[Route]
    not_found: Answer
    url: str = ""
    requests: list[Received] = field(default_factory=list)
    # Answer the next N requests with this HTTP status and body instead of success.
    fail_next: int = 0
    fail_status: int = 500
    fail_body: dict = field(default_factory=dict)
    id_start: int = 1
    _ids: Iterator[int] | None = None

    def fail(self, count: int = 1, *, status: int | None = None, body: dict | None = None) -> None:
        self.fail_next = count
        self.fail_status = self.fail_status if status is None else status
        self.fail_body = self.fail_body if body is None else body

    def next_id(self) -> int:
        if self._ids is None:
            self._ids = itertools.count(self.id_start)
        return next(self._ids)

    def sent(self) -> list[Received]:
        """The requests made to one of the routes."""
        return [r for r in self.requests if r.routed]

    def answer(self, request: Received) -> Answer:
        self.requests.append(request)
        matches = [(r, r.pattern.match(request.path)) for r in self.routes if r.method == request.method]
        found = next(((r, m) for r, m in matches if m), None)
        request.routed = found is not None
        if self.fail_next > 0:
            self.fail_next -= 1
            return self.fail_status, self.fail_body
        if found is None:
            return self.not_found
        handler, match = found[0].handler, found[1]
        return handler(self, request, match)


def _parse(method: str, raw_path: str, headers, raw: bytes) -> Received:
    url = urlsplit(raw_path)
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    lowered = {k.lower(): v for k, v in headers.items()}
    body, form = {}, {}
    if lowered.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = {k: v[-1] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
    else:
        with contextlib.suppress(ValueError):
            body = json.loads(raw or b"{}")
    return Received(method, url.path, query, lowered, body if isinstance(body, dict) else {}, form)


def _handler_for(fake: FakeJsonServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def _serve(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, body = fake.answer(_parse(self.command, self.path, self.headers, raw))
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in (("Content-Type", "application/json"), ("Content-Length", str(len(data)))):
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler


@contextlib.contextmanager
def serving(fake: FakeJsonServer, prefix: str = "") -> Iterator[FakeJsonServer]:
    """Run the fake on a free port; its url is the server's address followed by prefix."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
