"""What the chat providers' tests (Zalo, Messenger, Viber) share: posting a stored, signed webhook
event, finding what it stored, and the flows every provider must pass the same way, parametrised by
a `ChatProvider` that names the provider's channel, fixtures, signature and fake server."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client

from django_tenants.utils import tenant_context

from cases import clock, rules
from cases.models import Case, CaseEvent, CaseStatus, OutboxMessage
from cases.outbox import outbox_deliver_one
from cases.services import case_note_add, case_request_info
from channels.messaging.models import InboundEvent
from channels.messaging.views import BODY_MAX
from tests.fakes.json_server import FakeJsonServer, Received

FIXTURES = Path(__file__).parent / "fixtures"
HOST = "camau.localhost"

Action = CaseEvent.Action
Sent = OutboxMessage.Status.SENT
Retrying = OutboxMessage.Status.RETRYING


@dataclass(frozen=True)
class ChatProvider:
    channel: str
    # The webhook's path, and the fixture file of stored events ("<name>_webhook.json").
    url: str
    fixtures: str
    # The Django test client's name for the signature header, and the signature of a body.
    signature_header: str
    sign: Callable[[bytes], str]
    # A stored event's message object, and the id the project stores the event under.
    message: Callable[[dict], dict]
    event_id: Callable[[dict], str]
    # The reporter's id with the provider, and the operator's reply the outbound tests send.
    sender_id: str
    reply: str
    # The fake server, the setting pointing the client at it, and the text of a request it got.
    fake_server: Callable[[], contextlib.AbstractContextManager[FakeJsonServer]]
    api_setting: str
    sent_text: Callable[[Received], str]

    def payload(self, name: str) -> dict:
        return json.loads((FIXTURES / self.fixtures).read_text(encoding="utf-8"))[name]

    def body(self, name: str = "text", **dumps) -> bytes:
        return json.dumps(self.payload(name), **dumps).encode()

    def post(self, name: str = "text", *, body: bytes | None = None, signature: str | None = None, host=HOST):
        """Post a stored event as the provider does: JSON, signed over the exact bytes sent."""
        body = self.body(name, ensure_ascii=False) if body is None else body
        signature = self.sign(body) if signature is None else signature
        headers = {self.signature_header: signature} if signature else {}
        return Client(HTTP_HOST=host).post(self.url, body, content_type="application/json", **headers)

    def id_of(self, name: str) -> str:
        return self.event_id(self.payload(name))

    def text_of(self, name: str) -> str:
        return self.message(self.payload(name))["text"]

    def event_of(self, province, name: str = "text") -> InboundEvent:
        with tenant_context(province):
            events = InboundEvent.objects.select_related("case__reporter")
            return events.get(channel=self.channel, event_id=self.id_of(name))

    def events(self, province) -> int:
        with tenant_context(province):
            return InboundEvent.objects.filter(channel=self.channel).count()


# --- fixtures' bodies -----------------------------------------------------------------------------


def configured(province, settings_model, **values) -> Iterator:
    """Give the province's provider settings the values the tests sign with; for a fixture to yield from."""
    rules.rules_clear()
    with tenant_context(province):
        account = settings_model.load()
        for name, value in values.items():
            setattr(account, name, value)
        account.save()
    yield province
    rules.rules_clear()


def serving(provider: ChatProvider, settings) -> Iterator[FakeJsonServer]:
    """Point the project's client at a running fake; for a fixture to yield from."""
    with provider.fake_server() as fake:
        setattr(settings, provider.api_setting, fake.url)
        yield fake


# --- steps ----------------------------------------------------------------------------------------


def operator(province):
    return get_user_model().objects.get(username=f"operator.{province.slug}")


def acknowledgement_of(province, case: Case) -> OutboxMessage:
    with tenant_context(province):
        return OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.ACKNOWLEDGEMENT)


def reply_to_reporter(province, case: Case, text: str) -> OutboxMessage:
    with tenant_context(province):
        case_note_add(case=case, actor=operator(province), text=text, to_reporter=True)
        return OutboxMessage.objects.get(case=case, kind=OutboxMessage.Kind.REPLY)


def deliver(province, message: OutboxMessage) -> OutboxMessage:
    with tenant_context(province):
        outbox_deliver_one(message.pk)
        message.refresh_from_db()
    return message


def reported_and_replied(provider: ChatProvider, province, text: str | None = None) -> OutboxMessage:
    """The reporter's first message, then the operator's reply to it (not yet delivered)."""
    provider.post("text")
    return reply_to_reporter(province, provider.event_of(province).case, provider.reply if text is None else text)


# --- the flows every provider shares ----------------------------------------------------------------


def check_only_post_is_allowed(provider: ChatProvider, method: str = "get", allow: str = "POST") -> None:
    response = getattr(Client(HTTP_HOST=HOST), method)(provider.url)
    assert response.status_code == 405
    assert response["Allow"] == allow


def check_a_message_opens_a_case(provider: ChatProvider, province, other_province) -> InboundEvent:
    response = provider.post("text")

    assert response.status_code == 200
    event = provider.event_of(province)
    assert event.sender_id == provider.sender_id
    case = event.case
    assert (case.channel, case.status, case.description) == (provider.channel, CaseStatus.NEW, provider.text_of("text"))
    assert case.reporter.identities.get(channel=provider.channel).external_id == provider.sender_id
    assert acknowledgement_of(province, case).channel == provider.channel
    with tenant_context(other_province):
        assert not InboundEvent.objects.filter(event_id=provider.id_of("text")).exists()
    return event


def check_a_repeated_delivery_leaves_one_case(provider: ChatProvider, province) -> None:
    first, again = provider.post("text"), provider.post("text")

    assert (first.status_code, again.status_code) == (200, 200)
    with tenant_context(province):
        events = InboundEvent.objects.filter(channel=provider.channel, event_id=provider.id_of("text"))
        assert events.count() == 1
        case = Case.objects.get(channel=provider.channel, reporter__identities__external_id=provider.sender_id)
        assert not case.events.filter(action=Action.RECEIVED_AGAIN).exists()
        assert case.outbox_messages.count() == 1


def check_a_follow_up_joins_the_open_case(provider: ChatProvider, province) -> None:
    provider.post("text")
    assert provider.post("follow_up").status_code == 200
    provider.post("follow_up")  # the provider retrying adds nothing either

    case = provider.event_of(province, "text").case
    assert provider.event_of(province, "follow_up").case == case
    with tenant_context(province):
        assert Case.objects.filter(reporter=case.reporter).count() == 1
        again = case.events.filter(action=Action.RECEIVED_AGAIN)
        assert [event.note for event in again] == [provider.text_of("follow_up")]
        assert case.outbox_messages.count() == 1  # no second acknowledgement


def check_an_answer_resumes_the_waiting_case(provider: ChatProvider, province, question: str) -> None:
    provider.post("text")
    case = provider.event_of(province).case
    with tenant_context(province):
        case_request_info(case=case, actor=operator(province), question=question)

    provider.post("follow_up")

    with tenant_context(province):
        case.refresh_from_db()
        assert case.status == CaseStatus.NEW
        assert case.events.get(action=Action.INFO_RECEIVED).note == provider.text_of("follow_up")
        assert not case.events.filter(action=Action.RECEIVED_AGAIN).exists()


def check_an_oversized_body_is_refused(provider: ChatProvider, padded: dict) -> None:
    body = json.dumps({**padded, "padding": "x" * BODY_MAX}).encode()
    assert provider.post(body=body).status_code == 413


def check_acknowledgement_and_reply_reach_the_fake(
    provider: ChatProvider, province, fake: FakeJsonServer
) -> tuple[list[Received], OutboxMessage]:
    """Both reach the fake, in order, the acknowledgement naming the case; gives the requests and the reply."""
    provider.post("text")
    case = provider.event_of(province).case
    acknowledgement = acknowledgement_of(province, case)
    reply = reply_to_reporter(province, case, provider.reply)

    for message in (acknowledgement, reply):
        assert deliver(province, message).status == Sent

    sent = fake.sent()
    assert [provider.sent_text(request) for request in sent] == [acknowledgement.body, provider.reply]
    assert case.display_code in provider.sent_text(sent[0])
    reply.refresh_from_db()
    return sent, reply


def check_a_long_reply_is_cut(provider: ChatProvider, province, fake: FakeJsonServer, limit: int, times: int) -> None:
    reply = reported_and_replied(provider, province, "Nội dung trả lời. " * times)

    assert deliver(province, reply).status == Sent

    (request,) = fake.sent()
    text = provider.sent_text(request)
    assert len(text) == limit and text.endswith("…")


def check_failing_leaves_the_message_to_retry(provider: ChatProvider, province, fake: FakeJsonServer, secret: str):
    reply = reported_and_replied(provider, province)
    fake.fail(1)

    reply = deliver(province, reply)

    assert reply.status == Retrying
    assert "HTTP 500" in reply.last_error
    assert provider.sender_id not in reply.last_error and secret not in reply.last_error
    with tenant_context(province):
        OutboxMessage.objects.filter(pk=reply.pk).update(next_attempt_at=clock.now())
    assert deliver(province, reply).status == Sent


def refused_with(provider: ChatProvider, province, fake: FakeJsonServer, status: int, body: dict | None = None):
    """The operator's reply, once the fake has refused it with this status and body."""
    reply = reported_and_replied(provider, province)
    fake.fail(1, status=status, body=body)
    return deliver(province, reply)


def check_unreachable_leaves_the_message_to_retry(provider: ChatProvider, province, settings, secret: str) -> None:
    reply = reported_and_replied(provider, province)
    with provider.fake_server() as gone:
        setattr(settings, provider.api_setting, gone.url)
    # The server is shut: the connection is refused.

    reply = deliver(province, reply)

    assert reply.status == Retrying
    assert "not reachable" in reply.last_error and secret not in reply.last_error


def unconfigured_reply(provider: ChatProvider, province, fake: FakeJsonServer, settings_model, **cleared):
    """The operator's reply once the provider settings lost a value: kept to retry, nothing sent."""
    reply = reported_and_replied(provider, province)
    with tenant_context(province):
        settings_model.objects.update(**cleared)

    reply = deliver(province, reply)

    assert reply.status == Retrying
    assert fake.sent() == []
    return reply
