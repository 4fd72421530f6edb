"""The answer when this system cannot run the menu: the database is down, or a step failed.

Configure `https://<host>/hooks/twilio/voice/fallback/` as each number's fallback URL in
Twilio. It is answered by `FallbackMiddleware`, ahead of the tenant middleware, from a
snapshot file per province (greeting, voice, fallback number, auth token) that the province
writes whenever its line or numbers change and every few minutes (`snapshot_write`). So a
caller always hears the greeting, then rings the fallback number, then can leave a message,
without a single query. The call's status callback records it once the database is back.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from twilio.twiml.voice_response import Dial, VoiceResponse

from channels.twilio_api import signature_valid

logger = logging.getLogger(__name__)

FALLBACK_PATH = "/hooks/twilio/voice/fallback/"
LANGUAGE = "vi-VN"
DEFAULT_VOICE = "Google.vi-VN-Wavenet-A"
DEFAULT_GREETING = "Tổng đài 1022 xin kính chào quý vị."
WAIT_PROMPT = "Hệ thống đang bận, xin chuyển quý vị tới cán bộ trực."
MESSAGE_PROMPT = "Xin quý vị để lại lời nhắn sau tiếng bíp. Tổng đài sẽ gọi lại sớm nhất."
THANKS = "Xin cảm ơn quý vị."
RING_SECONDS = 30
MESSAGE_MAX_SECONDS = 180


# --- The snapshot (written by each province, read without the database) -------------------------


def snapshot_path(schema_name: str) -> Path:
    return Path(settings.VOICE_FALLBACK_DIR) / f"{schema_name}.json"


def snapshot_write() -> Path:
    """Write the current province's snapshot atomically (readers never see half a file)."""
    from channels.voice.models import VoiceSettings
    from tenants.models import Domain, PhoneNumber

    province = connection.tenant
    line = VoiceSettings.load()
    data = {
        "hosts": sorted(Domain.objects.filter(tenant_id=province.pk).values_list("domain", flat=True)),
        "numbers": sorted(PhoneNumber.objects.filter(province_id=province.pk).values_list("number", flat=True)),
        "area_codes": sorted(province.dialing_prefixes.values_list("area_code", flat=True)),
        "greeting": line.greeting,
        "voice": line.voice,
        "fallback_number": line.fallback_number,
        "auth_token": line.auth_token,
    }
    path = snapshot_path(connection.schema_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The auth token is a secret: the file is readable by this user only.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".snapshot-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
    os.replace(temporary, path)
    return path


_cache: dict[Path, tuple[float, dict]] = {}


def snapshots() -> list[dict]:
    """Every province's snapshot, re-read only when its file changed."""
    directory = Path(settings.VOICE_FALLBACK_DIR)
    found = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            mtime = path.stat().st_mtime
            cached = _cache.get(path)
            if cached is None or cached[0] != mtime:
                cached = (mtime, json.loads(path.read_text(encoding="utf-8")))
                _cache[path] = cached
            found.append(cached[1])
        except (OSError, ValueError):
            logger.warning("voice fallback snapshot %s unreadable", path.name)
    return found


def snapshot_for(host: str, called: str) -> dict | None:
    """The snapshot of the province whose host was requested, else the one that owns the called number."""
    all_snapshots = snapshots()
    for snapshot in all_snapshots:
        if host in snapshot.get("hosts", ()):
            return snapshot
    digits = "".join(ch for ch in called if ch.isdigit() or ch == "+")
    for snapshot in all_snapshots:
        if digits in snapshot.get("numbers", ()):
            return snapshot
    national = digits[3:] if digits.startswith("+84") else digits.lstrip("0")
    for area_code in (national[:3], national[:2]):
        for snapshot in all_snapshots:
            if area_code and area_code in snapshot.get("area_codes", ()):
                return snapshot
    return None


# --- The static answer ---------------------------------------------------------------------------


def fallback_twiml(*, greeting: str, voice: str, number: str, stage: str = "") -> str:
    """Greeting → ring the fallback number → record a message. `stage` is where the call is in that."""
    response = VoiceResponse()
    say = {"language": LANGUAGE, "voice": voice or DEFAULT_VOICE}
    if stage == "dialled":
        pass  # fall through to the message
    elif stage == "recorded":
        response.say(THANKS, **say)
        response.hangup()
        return str(response)
    else:
        response.say(greeting or DEFAULT_GREETING, **say)
        if number:
            response.say(WAIT_PROMPT, **say)
            dial = Dial(action=f"{FALLBACK_PATH}?stage=dialled", timeout=RING_SECONDS)
            dial.number(number)
            response.append(dial)
            return str(response)
    response.say(MESSAGE_PROMPT, **say)
    response.record(
        action=f"{FALLBACK_PATH}?stage=recorded", max_length=MESSAGE_MAX_SECONDS, finish_on_key="#", play_beep=True
    )
    response.say(THANKS, **say)
    response.hangup()
    return str(response)


def fallback_response(request: HttpRequest) -> HttpResponse:
    """The fallback URL: the static answer, once the request is verified against the province's token.

    With no snapshot there is no token to check against; the answer reveals nothing and changes
    nothing, and a caller must never get silence because this system is down.
    """
    snapshot = _snapshot_of(request)
    token = snapshot.get("auth_token", "")
    if token and not signature_valid(request, token):
        return HttpResponseForbidden("Invalid Twilio signature")
    return fallback_answer(request, snapshot)


def fallback_answer(request: HttpRequest, snapshot: dict | None = None) -> HttpResponse:
    """The static answer for a request already verified (a webhook whose step failed), or by the above."""
    snapshot = _snapshot_of(request) if snapshot is None else snapshot
    stage = request.GET.get("stage", "")
    if stage == "dialled" and request.POST.get("DialCallStatus") in ("completed", "answered"):
        response = VoiceResponse()
        response.hangup()
        return HttpResponse(str(response), content_type="text/xml; charset=utf-8")
    body = fallback_twiml(
        greeting=snapshot.get("greeting", ""),
        voice=snapshot.get("voice", ""),
        number=snapshot.get("fallback_number") or settings.VOICE_FALLBACK_NUMBER,
        stage=stage,
    )
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _snapshot_of(request: HttpRequest) -> dict:
    return snapshot_for(request.get_host().split(":")[0], request.POST.get("To", "")) or {}


class FallbackMiddleware:
    """Answers the fallback URL before any middleware that needs the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == FALLBACK_PATH:
            if request.method != "POST":
                return HttpResponse(status=405, headers={"Allow": "POST"})
            return fallback_response(request)
        return self.get_response(request)
