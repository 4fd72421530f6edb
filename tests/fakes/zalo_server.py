"""A local stand-in for Zalo's OA message API: the project's real client talks to it over HTTP.

It answers `POST /v3.0/oa/message/cs` as Zalo does (HTTP 200 and "error": 0), and keeps every
request for the test to inspect. A test can make it refuse the next requests, with an HTTP error or
with Zalo's own way of refusing (HTTP 200 and a negative "error"), to check what the project does.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from tests.fakes.json_server import Answer, FakeJsonServer, Received, route, serving

MESSAGE_PATH = "/v3.0/oa/message/cs"
# Zalo's refusals: an expired token, and a person who last wrote more than 7 days ago.
TOKEN_INVALID = {"error": -216, "message": "Access token is invalid"}
OUTSIDE_WINDOW = {"error": -230, "message": "User has not interacted with the OA in the past 7 days"}
INTERNAL_ERROR = {"error": -32, "message": "Internal server error"}


def _send(fake: FakeJsonServer, request: Received, _match: re.Match) -> Answer:
    user_id = request.json.get("recipient", {}).get("user_id", "")
    data = {"message_id": f"fake{fake.next_id():028x}", "user_id": user_id}
    return 200, {"error": 0, "message": "Success", "data": data}


@contextlib.contextmanager
def fake_zalo_server() -> Iterator[FakeJsonServer]:
    fake = FakeJsonServer(
        routes=[route("POST", re.escape(MESSAGE_PATH) + "$", _send)],
        not_found=(404, {"error": 404, "message": "Not found"}),
        fail_body=dict(INTERNAL_ERROR),
    )
    with serving(fake) as running:
        yield running
