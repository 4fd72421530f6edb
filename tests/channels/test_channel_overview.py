"""The registry of channel providers and the admin's channel overview page."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from cases.models import Case, Channel
from channels import registry
from channels.base import ChannelType
from channels.overview import channel_rows
from tests.channels.test_voice_admin import signed_in

URL = "/admin/channels/"


def test_every_provider_declares_one_channel_type_once():
    types = registry.types_load()
    assert {Channel.VOICE, Channel.SMS, Channel.ZALO, Channel.MESSENGER, Channel.VIBER} <= set(types)
    assert all(isinstance(channel_type, ChannelType) for channel_type in types.values())


def test_a_channel_declared_twice_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "CHANNEL_TYPES", {})
    monkeypatch.setattr(registry, "PROVIDERS", ("channels.zalo", "channels.zalo"))
    with pytest.raises(RuntimeError, match="declared by two providers"):
        registry.types_load()


@pytest.mark.django_db
def test_the_admin_sees_each_channel_with_its_webhook_on_the_provinces_own_host(province_b):
    response = signed_in("camau", "admin.camau").get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for path in ("/hooks/zalo/", "/hooks/messenger/", "/hooks/viber/", "/hooks/twilio/sms/"):
        assert f"http://camau.localhost{path}" in page
    assert "binhduong.localhost" not in page
    # Each row links to the channel's settings and to its cases in the console.
    assert "/admin/settings/hotline_channels/zalosettings/" in page
    assert "/cases/?queue=all&amp;channel=zalo" in page


@pytest.mark.django_db
def test_the_counts_are_the_provinces_own(province_a, province_b):
    for province in (province_a, province_b):
        with tenant_context(province):
            totals = {row.type.channel: row.total for row in channel_rows(base_url="")}
            for channel, total in totals.items():
                assert total == Case.objects.filter(channel=channel).count()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["operator.camau", "agency.camau", "supervisor.camau"])
def test_staff_who_do_not_configure_the_province_are_refused(province_b, username):
    assert signed_in("camau", username).get(URL).status_code in (302, 403)
