"""The call simulator walks a whole call through the signed voice webhooks, as Twilio would."""

from __future__ import annotations

import random
import re
import uuid
from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

import pytest
from django_tenants.utils import tenant_context

from cases.models import Agency, AgencyPhone, Callback
from channels.voice.models import Call, IvrMenu, IvrOption, VoiceSettings
from channels.voice.simulator import SimulationError, call_simulate
from tests.conftest import host_of

CAMAU_HOTLINE = "02901022"
AUTH_TOKEN = "test-auth-token-camau"


def random_mobile() -> str:
    # A caller no other test uses: a pending callback for the same number would absorb this one.
    return f"091{random.randrange(10**7):07d}"


@pytest.fixture
def camau_menu(province_b):
    """Cà Mau's line with a menu of its own: key 2 rings the CDC, then the operators' queue."""
    with tenant_context(province_b):
        cdc = Agency.objects.get(code="CDC")
        # One number of the test's own, whatever the demo gives the CDC (rolled back after the test).
        cdc.phones.all().delete()
        cdc_number = f"+84290{random.randrange(10**7):07d}"
        AgencyPhone.objects.create(agency=cdc, number=cdc_number, order=0)
        menu = IvrMenu.objects.create(name=f"Thử mô phỏng {uuid.uuid4().hex[:8]}", prompt="Bấm phím 2 để gặp CDC.")
        IvrOption.objects.create(
            menu=menu,
            key="2",
            label="Phòng chống dịch",
            action=IvrOption.Action.TRANSFER,
            agency=cdc,
            fallback_to_operators=True,
        )
        line = VoiceSettings.load()
        line.auth_token = AUTH_TOKEN
        line.day_menu, line.night_menu, line.calendar = menu, None, None
        line.surge_enabled = False
        line.callback_minutes = 30
        line.save()
    return {"menu": menu, "cdc_number": cdc_number, "province": province_b}


def test_command_walks_camau_from_the_menu_to_a_callback(camau_menu):
    caller = random_mobile()
    out = StringIO()

    call_command(
        "call_simulate",
        "--to",
        CAMAU_HOTLINE,
        "--from",
        caller,
        "--digits",
        "2",
        "--dial-status",
        "no-answer",
        "--queue-result",
        "leave",
        stdout=out,
    )

    output = out.getvalue()
    dial = output.index(f"<Number>{camau_menu['cdc_number']}</Number>")
    enqueue = output.index("<Enqueue", dial)
    leave = output.index("<Leave", enqueue)
    record = output.index("<Record", leave)
    assert dial < enqueue < leave < record
    assert f"menu «{camau_menu['menu'].name}» (bấm phím)" in output
    assert "DialCallStatus=no-answer" in output
    assert "QueueResult=leave" in output
    assert "/cases/callbacks/" in output

    call_sid = re.search(r"CAsim[0-9a-f]{32}", output).group()
    with tenant_context(camau_menu["province"]):
        call = Call.objects.select_related("callback").get(call_sid=call_sid)
        assert call.simulated
        assert call.outcome in (Call.Outcome.MISSED, Call.Outcome.VOICEMAIL)
        assert call.ivr_key == "2"
        assert list(call.transfers.values_list("number", "dial_status")) == [(camau_menu["cdc_number"], "no-answer")]
        callback = call.callback
        assert callback.reason == Callback.Reason.MISSED_CALL
        assert callback.done_at is None
        assert callback.phone == "+84" + caller[1:]
        assert abs(callback.due_at - (timezone.now() + timedelta(minutes=30))) < timedelta(minutes=2)
    assert f"Gọi lại trước {timezone.localtime(callback.due_at):%H:%M %d/%m}" in output


def test_simulation_signs_every_request_and_keeps_the_connection_schema(camau_menu):
    before = connection.schema_name

    simulation = call_simulate(to=CAMAU_HOTLINE, caller=random_mobile(), digits="2", dial_statuses=["completed"])

    assert connection.schema_name == before
    assert all(step.status_code in (200, 204) for step in simulation)
    assert simulation.steps[0].params["To"] == "+842901022"
    assert simulation.steps[-1].params["CallStatus"] == "completed"
    assert simulation.call.outcome == Call.Outcome.AGENCY
    assert simulation.callback is None
    assert not any("<Enqueue" in step.twiml for step in simulation)


def test_simulation_on_the_province_host_answers_the_same(camau_menu):
    simulation = call_simulate(
        to=CAMAU_HOTLINE,
        caller=random_mobile(),
        digits="2",
        dial_statuses=["busy"],
        queue_result="bridged",
        host=host_of("camau"),
    )

    assert simulation.steps[0].url.startswith(f"http://{host_of('camau')}/hooks/twilio/voice/incoming/")
    assert simulation.call.outcome == Call.Outcome.OPERATOR
    assert simulation.callback is None


def test_a_wrong_token_is_refused_and_shown(camau_menu):
    with tenant_context(camau_menu["province"]):
        line = VoiceSettings.load()
    line.auth_token = "not-the-token"

    from channels.voice import simulator

    walk = simulator._CallWalk(
        province=camau_menu["province"],
        line=line,
        transport=simulator._InProcessTransport("localhost"),
        call_sid="CAsimwrongtoken",
        base_params={"From": "+84912345678", "To": "+842901022", "Direction": "inbound", "CallStatus": "in-progress"},
        digits="",
        dial_statuses=["no-answer"],
        queue_result="leave",
        recording_seconds=0,
        simulated=True,
    )
    walk.run()

    assert walk.steps[0].status_code == 403
    assert "sai chữ ký" in walk.steps[0].summary


def test_unknown_number_is_a_command_error(db):
    with pytest.raises(CommandError, match="không thuộc tỉnh/thành nào"):
        call_command("call_simulate", "--to", "+1 415 555 0100", stdout=StringIO())


def test_a_line_without_auth_token_is_a_command_error(province_b):
    with tenant_context(province_b):
        line = VoiceSettings.load()
        line.auth_token = ""
        line.save()

    with pytest.raises(CommandError, match="chưa có Twilio auth token"):
        call_command("call_simulate", "--to", CAMAU_HOTLINE, stdout=StringIO())


def test_a_number_that_is_not_a_number_is_refused(db):
    with pytest.raises(SimulationError):
        call_simulate(to="abc", caller="0912345678")


def test_behind_an_https_redirect_the_simulator_speaks_https(camau_menu, settings):
    settings.SECURE_SSL_REDIRECT = True

    simulation = call_simulate(to=CAMAU_HOTLINE, caller=random_mobile(), digits="2", dial_statuses=["completed"])

    assert simulation.steps[0].url.startswith("https://")
    assert [step.status_code for step in simulation][:2] == [200, 200]
    assert simulation.call.outcome == Call.Outcome.AGENCY


def test_unknown_results_are_refused(camau_menu):
    with pytest.raises(SimulationError):
        call_simulate(to=CAMAU_HOTLINE, caller=random_mobile(), dial_statuses=["ringing"])


def test_silence_at_the_beep_skips_the_recording_action_and_still_owes_a_callback(camau_menu):
    simulation = call_simulate(to=CAMAU_HOTLINE, caller=random_mobile(), digits="2", recording_seconds=0)

    assert not any("/recording/" in step.url for step in simulation)
    assert simulation.call.outcome == Call.Outcome.MISSED
    assert simulation.callback is not None
