"""A local stand-in for Facebook's Graph API Send endpoint: the project's real client talks to it over HTTP.

It answers `POST /<page id or me>/messages` as Facebook does, and keeps every request for the test
to inspect. A test can make it refuse the next requests, with Facebook's error shape, to check
what the project does when Facebook is down or says no.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from tests.fakes.json_server import Answer, FakeJsonServer, Received, route, serving

VERSION = "/v21.0"


def graph_error(error: dict) -> dict:
    """A Graph API error body, as Facebook wraps it."""
    return {"error": {**error, "fbtrace_id": "AfakeTrace"}}


SERVICE_DOWN = graph_error(
    {
        "message": "An unexpected error has occurred. Please retry your request later.",
        "type": "OAuthException",
        "code": 2,
        "is_transient": True,
    }
)
OUTSIDE_WINDOW = graph_error(
    {
        "message": "(#10) This message is sent outside of allowed window.",
        "type": "OAuthException",
        "code": 10,
        "error_subcode": 2018278,
    }
)


def _send(fake: FakeJsonServer, request: Received, _match: re.Match) -> Answer:
    recipient = request.json.get("recipient", {}).get("id", "")
    return 200, {"recipient_id": recipient, "message_id": f"m_fake{fake.next_id():024d}"}


@contextlib.contextmanager
def fake_graph_server() -> Iterator[FakeJsonServer]:
    fake = FakeJsonServer(
        routes=[route("POST", r"^/v[0-9.]+/(?P<page>[^/]+)/messages$", _send)],
        not_found=(404, graph_error({"message": "Unknown path", "type": "OAuthException", "code": 803})),
        fail_body=SERVICE_DOWN,
    )
    with serving(fake, VERSION) as running:
        yield running
