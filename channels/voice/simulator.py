"""Walks a whole call through the voice webhooks, signed as Twilio signs them ("Thử tổng đài").

The simulator plays Twilio's part: it posts to the same URLs with the same parameters and an
`X-Twilio-Signature` made with the province's auth token, reads each TwiML answer and makes
the request Twilio would make next (the key pressed, the transfer's result, the queue, the
voice message), then the final status callback. So what it shows is what a caller would get,
produced by the real flow, and the call it leaves behind (its outcome, the callback owed)
is a real record, marked as a test call and left out of the measures.

It talks to the application in-process (Django's test client) or over HTTP to a running
server (`base_url`), e.g. to check a deployment end to end.
"""

from __future__ import annotations

import contextlib
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import Resolver404, get_urlconf, resolve, reverse, set_urlconf
from django.utils import translation

import phonenumbers
import requests
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from cases.models import AgencyPhone
from channels.twilio_api import signature_for
from channels.voice.models import Call, IvrMenu, OperatorLine, VoiceSettings
from tenants.models import Province
from tenants.routing import province_for_number

SID_PREFIX = "CAsim"
# A flow that keeps asking (a menu that loops back on itself) must not walk forever.
MAX_STEPS = 25
DIAL_STATUSES = ("no-answer", "busy", "failed", "completed")
QUEUE_RESULTS = ("leave", "hangup", "bridged")
# The talk time reported for a transfer that was answered, and the time a caller spends per step.
ANSWERED_TALK_SECONDS = 30
SECONDS_PER_STEP = 5
# How long a caller waits before hanging up or being bridged (leaving waits the line's longest wait).
QUEUE_SECONDS = {"hangup": 40, "bridged": 15}
HTTP_TIMEOUT_SECONDS = 20

# The parameters worth reading in each request; the rest (CallSid, From, To…) are the same every time.
KEY_PARAMS = (
    "Digits",
    "DialCallStatus",
    "DialCallDuration",
    "QueueResult",
    "QueueTime",
    "RecordingDuration",
    "CallStatus",
    "CallDuration",
)

DIAL_STATUS_WORDS = {
    "completed": "có người nghe",
    "answered": "có người nghe",
    "busy": "máy bận",
    "no-answer": "không nghe máy",
    "failed": "không gọi được",
    "canceled": "đã huỷ",
}
QUEUE_RESULT_WORDS = {
    "leave": "chờ quá lâu",
    "hangup": "người gọi gác máy",
    "bridged": "điện thoại viên nghe máy",
}


class SimulationError(Exception):
    """The call cannot be simulated (unknown number, no auth token); the message is for the user."""


@dataclass
class SimStep:
    """One request the simulator made as Twilio, and the answer it got."""

    url: str
    params: dict[str, str]
    status_code: int
    twiml: str
    summary: str


@dataclass
class Simulation:
    """The steps of a simulated call and the call record they left. Iterates as its steps."""

    province: Province
    call_sid: str
    steps: list[SimStep] = field(default_factory=list)
    call: Call | None = None

    def __iter__(self) -> Iterator[SimStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index):
        return self.steps[index]

    @property
    def callback(self):
        return self.call.callback if self.call is not None else None


def call_simulate(
    *,
    to: str,
    caller: str,
    digits: str = "",
    dial_statuses: Sequence[str] = ("no-answer",),
    queue_result: str = "leave",
    recording_seconds: int = 20,
    base_url: str | None = None,
    host: str | None = None,
    simulated: bool = True,
) -> Simulation:
    """Walk one call from the greeting to the status callback; see the module docstring."""
    unknown = [status for status in dial_statuses if status not in DIAL_STATUSES]
    if unknown or queue_result not in QUEUE_RESULTS:
        raise SimulationError(
            f"Kết quả không hợp lệ: chuyển máy là một trong {', '.join(DIAL_STATUSES)}; "
            f"hàng chờ là một trong {', '.join(QUEUE_RESULTS)}."
        )
    to_e164, caller_e164 = number_e164(to), number_e164(caller)
    if to_e164 is None:
        raise SimulationError(f"«{to}» không phải là số điện thoại.")
    if caller_e164 is None:
        raise SimulationError(f"Số người gọi «{caller}» không phải là số điện thoại.")
    province = _province_of(to_e164, shown=to)
    line = _line_of(province)
    transport = _HttpTransport(base_url, host) if base_url else _InProcessTransport(host or settings.BASE_DOMAIN)
    walk = _CallWalk(
        province=province,
        line=line,
        transport=transport,
        call_sid=f"{SID_PREFIX}{uuid.uuid4().hex}",
        base_params={"From": caller_e164, "To": to_e164, "Direction": "inbound", "CallStatus": "in-progress"},
        digits=digits,
        dial_statuses=list(dial_statuses) or ["no-answer"],
        queue_result=queue_result,
        recording_seconds=recording_seconds,
        simulated=simulated,
    )
    with _request_state_kept():
        walk.run()
    return walk.result()


def number_e164(number: str) -> str | None:
    """A number as Twilio writes it (02901022 → +842901022); short hotline numbers are kept, not validated."""
    try:
        parsed = phonenumbers.parse(number.strip(), "VN")
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _province_of(to_e164: str, *, shown: str) -> Province:
    # The routing cache is keyed per schema: look numbers up from the public one, as the webhooks do.
    with schema_context(get_public_schema_name()):
        province = province_for_number(to_e164)
    if province is None:
        raise SimulationError(
            f"Số «{shown}» ({to_e164}) không thuộc tỉnh/thành nào: không có đầu số hay số tổng đài nào như vậy."
        )
    return province


def _line_of(province: Province) -> VoiceSettings:
    with tenant_context(province):
        line = VoiceSettings.load()
    if not line.auth_token:
        raise SimulationError(
            f"Đường dây của {province.name} chưa có Twilio auth token: nhập trong Quản trị → Cài đặt → Đường dây."
        )
    return line


@contextlib.contextmanager
def _request_state_kept() -> Iterator[None]:
    """An in-process request switches the connection's schema, the URLconf and the language: put them back."""
    tenant, urlconf, language = connection.tenant, get_urlconf(), translation.get_language()
    try:
        yield
    finally:
        if tenant is None:
            connection.set_schema_to_public()
        else:
            connection.set_tenant(tenant)
        set_urlconf(urlconf)
        if language:
            translation.activate(language)
        else:
            translation.deactivate_all()


# --- Transport ----------------------------------------------------------------------------------------


class _InProcessTransport:
    def __init__(self, host: str):
        # A site that redirects plain HTTP to HTTPS (production) would answer every step with a redirect.
        self.secure = settings.SECURE_SSL_REDIRECT
        self.origin = f"{'https' if self.secure else 'http'}://{host}"
        self.client = Client(HTTP_HOST=host, raise_request_exception=False)

    def post(self, url: str, params: dict[str, str], signature: str) -> tuple[int, str]:
        parts = urlsplit(url)
        path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        response = self.client.post(
            path,
            data=urlencode(params),
            content_type="application/x-www-form-urlencoded",
            secure=self.secure,
            HTTP_X_TWILIO_SIGNATURE=signature,
        )
        return response.status_code, response.content.decode()


class _HttpTransport:
    def __init__(self, base_url: str, host: str | None):
        self.base = base_url.rstrip("/")
        # Signed over the URL as the server rebuilds it: the Host header, when one is given, decides the host.
        self.origin = f"{urlsplit(self.base).scheme}://{host}" if host else self.base
        self.headers = {"Host": host} if host else {}
        self.session = requests.Session()

    def post(self, url: str, params: dict[str, str], signature: str) -> tuple[int, str]:
        parts = urlsplit(url)
        target = f"{self.base}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        try:
            response = self.session.post(
                target,
                data=params,
                headers={**self.headers, "X-Twilio-Signature": signature},
                timeout=HTTP_TIMEOUT_SECONDS,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise SimulationError(f"Không kết nối được {target}: {exc}") from exc
        return response.status_code, response.text


# --- The walk -------------------------------------------------------------------------------------------


@dataclass
class _Next:
    """The request Twilio would make next."""

    url: str
    params: dict[str, str]
    label: str
    # The queue's wait music is played, not followed: the queue's own action says what happens next.
    follow: bool = True


class _CallWalk:
    def __init__(
        self,
        *,
        province: Province,
        line: VoiceSettings,
        transport,
        call_sid: str,
        base_params: dict[str, str],
        digits: str,
        dial_statuses: list[str],
        queue_result: str,
        recording_seconds: int,
        simulated: bool,
    ):
        self.province, self.line, self.transport = province, line, transport
        self.call_sid = call_sid
        self.base_params = {"CallSid": call_sid, **base_params}
        if line.account_sid:
            self.base_params["AccountSid"] = line.account_sid
        self.digits = digits
        self.dial_statuses = dial_statuses
        self.dials = 0
        self.queue_result = queue_result
        self.recording_seconds = max(0, recording_seconds)
        self.simulated = simulated
        self.steps: list[SimStep] = []
        self.elapsed = 0
        self._menu_names: dict[int, str] = {}
        self._number_names: dict[str, str] = {}

    def run(self) -> None:
        pending: list[_Next] = [_Next(self.transport.origin + reverse("voice:incoming"), {}, "Cuộc gọi đến")]
        while pending:
            if len(self.steps) >= MAX_STEPS:
                self.steps.append(SimStep("", {}, 0, "", f"Dừng sau {MAX_STEPS} bước: kịch bản lặp lại."))
                break
            request = pending.pop(0)
            step = self.post(request)
            if len(self.steps) == 1 and self.simulated:
                # A signed request cannot carry an extra flag; mark the call before anything counts it.
                with tenant_context(self.province):
                    Call.objects.filter(call_sid=self.call_sid).update(simulated=True)
            if step.status_code != 200:
                break
            if request.follow:
                pending = self.answer_follow(step) + pending
        self.elapsed += SECONDS_PER_STEP
        self.post(
            _Next(
                self.transport.origin + reverse("voice:status"),
                {"CallStatus": "completed", "CallDuration": str(self.elapsed)},
                "Kết thúc cuộc gọi",
            )
        )

    def post(self, request: _Next) -> SimStep:
        params = {**self.base_params, **request.params}
        signature = signature_for(request.url, params, self.line.auth_token)
        status_code, body = self.transport.post(request.url, params, signature)
        step = SimStep(url=request.url, params=params, status_code=status_code, twiml=body, summary="")
        step.summary = f"{request.label} → {self.answer_describe(step)}"
        self.steps.append(step)
        self.elapsed += SECONDS_PER_STEP
        return step

    def result(self) -> Simulation:
        with tenant_context(self.province):
            call = Call.objects.select_related("callback", "option", "case").filter(call_sid=self.call_sid).first()
        return Simulation(province=self.province, call_sid=self.call_sid, steps=self.steps, call=call)

    # --- What Twilio does with an answer ---

    def answer_follow(self, step: SimStep) -> list[_Next]:
        """The requests Twilio makes after this TwiML, in order (the queue's wait music comes before its action)."""
        root = _twiml_root(step.twiml)
        if root is None:
            return []
        for verb in root:
            if verb.tag == "Gather":
                return [self.gather_next(verb, step.url)]
            if verb.tag == "Dial":
                following = self.dial_next(verb, step.url)
                if following:
                    return following
            elif verb.tag == "Enqueue":
                following = self.enqueue_next(verb, step.url)
                if following:
                    return following
            elif verb.tag == "Record":
                recorded = self.record_next(verb, step.url)
                if recorded is not None:
                    return [recorded]
            elif verb.tag == "Redirect":
                return [_Next(urljoin(step.url, (verb.text or "").strip()), {}, "Chuyển hướng")]
            elif verb.tag in ("Hangup", "Reject"):
                return []
        return []

    def gather_next(self, gather: ET.Element, current: str) -> _Next:
        pressed = self.digits_take(gather)
        label = f"Bấm {pressed}" if pressed else "Không bấm phím"
        return _Next(urljoin(current, gather.get("action") or current), {"Digits": pressed}, label)

    def digits_take(self, gather: ET.Element) -> str:
        """The keys the caller presses for this Gather: up to numDigits, ending early on finishOnKey (as Twilio)."""
        limit = int(gather.get("numDigits") or 0)
        finish = gather.get("finishOnKey", "#")
        taken = ""
        while self.digits:
            key, self.digits = self.digits[0], self.digits[1:]
            if finish and key in finish:
                break
            taken += key
            if limit and len(taken) >= limit:
                break
        return taken

    def dial_next(self, dial: ET.Element, current: str) -> list[_Next]:
        status = self.dial_statuses[min(self.dials, len(self.dial_statuses) - 1)]
        self.dials += 1
        answered = status in ("completed", "answered")
        self.elapsed += ANSWERED_TALK_SECONDS if answered else int(dial.get("timeout") or 30)
        action = dial.get("action")
        if not action:
            return []  # Twilio goes on with the verbs after the <Dial>
        params = {"DialCallStatus": status, "DialCallSid": f"{SID_PREFIX}{uuid.uuid4().hex}"}
        if answered:
            params["DialCallDuration"] = str(ANSWERED_TALK_SECONDS)
        return [_Next(urljoin(current, action), params, f"Chuyển máy: {DIAL_STATUS_WORDS.get(status, status)}")]

    def enqueue_next(self, enqueue: ET.Element, current: str) -> list[_Next]:
        waited = self.line.queue_max_wait if self.queue_result == "leave" else QUEUE_SECONDS.get(self.queue_result, 0)
        following = []
        wait_url = enqueue.get("waitUrl")
        if wait_url:
            following.append(_Next(urljoin(current, wait_url), {"QueueTime": "0"}, "Hàng chờ, vừa vào", follow=False))
            if self.queue_result == "leave":
                # Past the longest wait the wait music answers <Leave/>: shown once, as the caller would reach it.
                following.append(
                    _Next(
                        urljoin(current, wait_url),
                        {"QueueTime": str(waited)},
                        f"Hàng chờ, đã chờ {waited} giây",
                        follow=False,
                    )
                )
        self.elapsed += waited
        action = enqueue.get("action")
        if action:
            result = {"QueueResult": self.queue_result, "QueueTime": str(waited)}
            following.append(
                _Next(urljoin(current, action), result, f"Rời hàng chờ: {QUEUE_RESULT_WORDS.get(self.queue_result)}")
            )
        return following

    def record_next(self, record: ET.Element, current: str) -> _Next | None:
        """The message's request; none for silence: Twilio then skips the action and plays the next verbs."""
        if not self.recording_seconds:
            return None
        self.elapsed += self.recording_seconds
        sid = f"RE{uuid.uuid4().hex}"
        account = self.line.account_sid or "ACsimulated"
        params = {
            "RecordingDuration": str(self.recording_seconds),
            "RecordingSid": sid,
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{account}/Recordings/{sid}",
        }
        label = f"Để lại lời nhắn {self.recording_seconds} giây"
        return _Next(urljoin(current, record.get("action") or current), params, label)

    # --- Describing an answer ---

    def answer_describe(self, step: SimStep) -> str:
        if step.status_code == 204 or (step.status_code == 200 and not step.twiml.strip()):
            return "đã ghi nhận"
        if step.status_code != 200:
            return f"lỗi HTTP {step.status_code}" + (": sai chữ ký Twilio" if step.status_code == 403 else "")
        root = _twiml_root(step.twiml)
        if root is None:
            return "câu trả lời không phải TwiML"
        parts = [part for verb in root if (part := self.verb_describe(verb, step.url))]
        return ", ".join(_collapse(parts)) or "im lặng"

    def verb_describe(self, verb: ET.Element, current: str) -> str:
        if verb.tag in ("Say", "Play"):
            return "lời chào" if urlsplit(current).path == reverse("voice:incoming") else "thông báo"
        if verb.tag == "Pause":
            return f"chờ {verb.get('length', '1')} giây"
        if verb.tag == "Gather":
            return self.gather_describe(verb, current)
        if verb.tag == "Dial":
            numbers = [self.number_named((child.text or "").strip()) for child in verb]
            return f"đổ chuông {', '.join(numbers)} ({verb.get('timeout', '30')} giây)"
        if verb.tag == "Enqueue":
            return "vào hàng chờ điện thoại viên"
        if verb.tag == "Leave":
            return "rời hàng chờ"
        if verb.tag == "Record":
            return "ghi âm lời nhắn"
        if verb.tag in ("Hangup", "Reject"):
            return "gác máy"
        if verb.tag == "Redirect":
            return "chuyển hướng"
        return verb.tag

    def gather_describe(self, gather: ET.Element, current: str) -> str:
        match = _resolve(urljoin(current, gather.get("action") or current))
        if match is not None and match.url_name == "menu":
            return f"menu «{self.menu_name(match.kwargs['menu_id'])}» (bấm phím)"
        if match is not None and match.url_name == "status_lookup":
            return "nhập mã phản ánh"
        return "chờ bấm phím"

    def number_named(self, number: str) -> str:
        """Whose phone rings, when it is an agency's or an operator's: "CDC +842903828289"."""
        if number not in self._number_names:
            with tenant_context(self.province):
                agency_phone = AgencyPhone.objects.select_related("agency").filter(number=number).first()
                operator_line = OperatorLine.objects.select_related("user").filter(number=number).first()
            owner = agency_phone.agency.code if agency_phone else operator_line.user.username if operator_line else ""
            self._number_names[number] = f"{owner} {number}".strip()
        return self._number_names[number]

    def menu_name(self, menu_id: int) -> str:
        if menu_id not in self._menu_names:
            with tenant_context(self.province):
                menu = IvrMenu.objects.filter(pk=menu_id).only("name").first()
            self._menu_names[menu_id] = menu.name if menu else f"#{menu_id}"
        return self._menu_names[menu_id]


def _twiml_root(text: str) -> ET.Element | None:
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None
    return root if root.tag == "Response" else None


def _resolve(url: str):
    try:
        return resolve(urlsplit(url).path)
    except Resolver404:
        return None


def _collapse(parts: list[str]) -> list[str]:
    """Repeated neighbours read better once: "thông báo, thông báo, menu" → "thông báo, menu"."""
    return [part for index, part in enumerate(parts) if index == 0 or part != parts[index - 1]]


def key_params(step: SimStep) -> list[tuple[str, str]]:
    # "in-progress" is every request's status but the last: only the final one is worth printing.
    return [
        (name, step.params[name])
        for name in KEY_PARAMS
        if name in step.params and not (name == "CallStatus" and step.params[name] == "in-progress")
    ]


def twiml_pretty(text: str) -> str:
    """The TwiML indented for reading (unchanged if it is not XML)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return text
    ET.indent(root)
    return ET.tostring(root, encoding="unicode")
