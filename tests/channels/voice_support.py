"""Playing Twilio in tests: signed webhook requests for one call, following the TwiML answers."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

from django.test import Client

from channels.twilio_api import signature_for

FIXTURES = Path(__file__).parent / "fixtures"
# The token the stored fixtures are signed with; tests give it to Cà Mau's line.
TOKEN = "test-auth-token-camau-0001"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def parse(body: bytes | str) -> ET.Element:
    return ET.fromstring(body)


class Phone:
    """One call as Twilio would make it: every request signed, each step posted to the URL the last answer gave."""

    def __init__(
        self,
        *,
        host: str = "localhost",
        token: str = TOKEN,
        caller: str = "+84912345678",
        called: str = "+842901022",
        call_sid: str | None = None,
    ):
        self.client = Client(HTTP_HOST=host)
        self.host, self.token = host, token
        self.params = {
            "AccountSid": "AC0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "ApiVersion": "2010-04-01",
            "CallSid": call_sid or f"CA{uuid.uuid4().hex}",
            "From": caller,
            "To": called,
            "Caller": caller,
            "Called": called,
            "Direction": "inbound",
            "CallStatus": "in-progress",
        }
        self.answers: list[ET.Element] = []

    @property
    def sid(self) -> str:
        return self.params["CallSid"]

    @property
    def last(self) -> ET.Element:
        return self.answers[-1]

    def post(self, path: str, **extra):
        self.last_request = (path, extra)
        params = {**self.params, **{k: str(v) for k, v in extra.items()}}
        signature = signature_for(f"http://{self.host}{path}", params, self.token)
        response = self.client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
        if response.status_code == 200 and response.content:
            self.answers.append(parse(response.content))
        return response

    def repeat(self):
        """The last request again, as Twilio retries it; the answer is not followed."""
        path, extra = self.last_request
        params = {**self.params, **{k: str(v) for k, v in extra.items()}}
        signature = signature_for(f"http://{self.host}{path}", params, self.token)
        return self.client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)

    def _action(self, tag: str, attribute: str = "action") -> str:
        element = self.last.find(f".//{tag}")
        assert element is not None, f"no <{tag}> in {ET.tostring(self.last, encoding='unicode')}"
        path = element.get(attribute)
        # Twilio resolves relative URLs against the document's; ours are absolute paths on the same host.
        assert not urlsplit(path).netloc
        return path

    def start(self):
        return self.post("/hooks/twilio/voice/incoming/", CallStatus="ringing")

    def press(self, digits: str):
        return self.post(self._action("Gather"), Digits=digits)

    def dial_result(self, status: str, duration: int = 0):
        extra = {"DialCallStatus": status, "DialCallSid": f"CA{uuid.uuid4().hex}"}
        if duration:
            extra["DialCallDuration"] = duration
        return self.post(self._action("Dial"), **extra)

    def _enqueue(self) -> ET.Element:
        # After the wait music, the <Enqueue> that put the caller in the queue is in an earlier answer.
        found = [answer.find(".//Enqueue") for answer in reversed(self.answers)]
        return next(element for element in found if element is not None)

    def queue_wait(self, seconds: int):
        wait_url = self._enqueue().get("waitUrl")
        return self.post(wait_url, QueueTime=seconds, QueuePosition=1, CurrentQueueSize=1)

    def queue_done(self, result: str, seconds: int):
        return self.post(self._enqueue().get("action"), QueueResult=result, QueueTime=seconds)

    def record(self, seconds: int):
        return self.post(
            self._action("Record"),
            RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE{uuid.uuid4().hex}",
            RecordingSid=f"RE{uuid.uuid4().hex}",
            RecordingDuration=seconds,
        )

    def hang_up(self, duration: int = 60, sequence: int | None = None):
        extra = {"CallStatus": "completed", "CallDuration": duration}
        if sequence is not None:
            extra["SequenceNumber"] = sequence
        return self.post("/hooks/twilio/voice/status/", **extra)

    def said(self) -> str:
        return " ".join(element.text or "" for element in self.last.iter("Say"))
