"""A local stand-in for Viber's REST bot API: the project's real client talks to it over HTTP.

It answers `POST /send_message` as Viber does (HTTP 200 with a status in the body), and keeps every
request for the test to inspect. A test can make it refuse the next requests, with an HTTP error or
with one of Viber's status codes, to check what the project does when Viber is down or says no.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from tests.fakes.json_server import Answer, FakeJsonServer, Received, route, serving

# Viber's status codes (REST bot API, "Error codes").
INVALID_AUTH_TOKEN = {"status": 2, "status_message": "invalidAuthToken"}
RECEIVER_NOT_SUBSCRIBED = {"status": 6, "status_message": "receiverNotSubscribed"}
MISSING_DATA = {"status": 4, "status_message": "missingData"}
INTERNAL_ERROR = {"status": 13, "status_message": "internalError"}


def _send(fake: FakeJsonServer, request: Received, _match: re.Match) -> Answer:
    body = request.json
    if not request.header("X-Viber-Auth-Token"):
        return 200, INVALID_AUTH_TOKEN
    if not body.get("receiver") or not body.get("text") or not body.get("sender", {}).get("name"):
        return 200, MISSING_DATA
    token = fake.next_id()
    return 200, {
        "status": 0,
        "status_message": "ok",
        "message_token": token,
        "chat_hostname": "SN-CHAT-05_",
        "billing_status": 1,
    }


@contextlib.contextmanager
def fake_viber_server() -> Iterator[FakeJsonServer]:
    fake = FakeJsonServer(
        routes=[route("POST", r"^/pa/send_message$", _send)],
        not_found=(404, {"status": 1, "status_message": "invalidUrl"}),
        fail_body=dict(INTERNAL_ERROR),
        id_start=5_741_311_803_571_800_001,
    )
    with serving(fake, "/pa") as running:
        yield running
