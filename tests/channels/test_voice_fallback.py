"""Twilio's fallback URL answers valid TwiML without the database: greeting, the fallback number, a message."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from django.test import Client

import pytest
import requests
from django_tenants.utils import tenant_context

from channels.twilio_api import signature_for
from channels.voice.fallback import FALLBACK_PATH, snapshot_path, snapshot_write
from channels.voice.models import VoiceSettings
from tests.channels.voice_support import TOKEN, fixture
from tests.servers import free_port, gunicorn

FALLBACK_NUMBER = "+842903999999"


@pytest.fixture
def camau_snapshot(province_b, settings, tmp_path):
    settings.VOICE_FALLBACK_DIR = tmp_path / "voice-fallback"
    with tenant_context(province_b):
        line = VoiceSettings.load()
        line.auth_token, line.fallback_number = TOKEN, FALLBACK_NUMBER
        line.greeting = "Tổng đài 1022 tỉnh Cà Mau xin kính chào."
        line.save()
        path = snapshot_write()
    return path


def test_the_snapshot_holds_what_the_fallback_needs_and_is_private(camau_snapshot, province_b):
    data = json.loads(camau_snapshot.read_text(encoding="utf-8"))
    assert camau_snapshot == snapshot_path("camau")
    assert "+842901022" in data["numbers"] and "290" in data["area_codes"]
    assert "camau.localhost" in data["hosts"]
    assert data["fallback_number"] == FALLBACK_NUMBER and data["auth_token"] == TOKEN
    assert camau_snapshot.stat().st_mode & 0o077 == 0


def _post(client: Client, path: str, params: dict, *, host: str = "localhost", token: str = TOKEN):
    signature = signature_for(f"http://{host}{path}", params, token)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_greeting_then_the_fallback_number_then_a_message(camau_snapshot):
    params = fixture("voice_incoming_camau")["params"]
    client = Client(HTTP_HOST="localhost")
    answer = ET.fromstring(_post(client, FALLBACK_PATH, params).content)
    assert answer.find("Say").text == "Tổng đài 1022 tỉnh Cà Mau xin kính chào."
    dial = answer.find("Dial")
    assert dial.find("Number").text == FALLBACK_NUMBER
    after = ET.fromstring(_post(client, dial.get("action"), {**params, "DialCallStatus": "no-answer"}).content)
    record = after.find("Record")
    assert record is not None
    done = ET.fromstring(_post(client, record.get("action"), {**params, "RecordingUrl": "https://x/RE1"}).content)
    assert done.find("Hangup") is not None
    answered = ET.fromstring(_post(client, dial.get("action"), {**params, "DialCallStatus": "completed"}).content)
    assert answered.find("Hangup") is not None and answered.find("Record") is None


def test_the_fallback_checks_the_signature_when_it_knows_the_token(camau_snapshot):
    params = fixture("voice_incoming_camau")["params"]
    response = _post(Client(HTTP_HOST="localhost"), FALLBACK_PATH, params, token="wrong")
    assert response.status_code == 403


@pytest.mark.slow
def test_with_the_database_unreachable_the_fallback_still_answers(camau_snapshot, tmp_path):
    """A server whose database port refuses connections: the menu fails, the fallback does not."""
    dead = f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    overrides = {
        "DATABASE_URL": dead,
        "DATABASE_CONNECT_TIMEOUT": "1",
        "VAR_DIR": str(tmp_path),
        "EXTRA_ALLOWED_HOSTS": "127.0.0.1",
    }
    params = fixture("voice_incoming_camau")["params"]
    with gunicorn(overrides) as base_url:
        url = f"{base_url}{FALLBACK_PATH}"
        signature = signature_for(f"http://localhost{FALLBACK_PATH}", params, TOKEN)
        # The Host Twilio used: the national host, whose snapshot lookup goes by the called number.
        response = requests.post(
            url, data=params, headers={"Host": "localhost", "X-Twilio-Signature": signature}, timeout=15
        )
        assert requests.get(f"{base_url}/healthz", timeout=15).json()["database"]["status"] == "down"
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    answer = ET.fromstring(response.content)
    assert answer.find("Say").text == "Tổng đài 1022 tỉnh Cà Mau xin kính chào."
    assert answer.find("Dial/Number").text == FALLBACK_NUMBER
