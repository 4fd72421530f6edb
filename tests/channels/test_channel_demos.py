"""Each channel's demo delivers its messages through the channel's real inbound path, once."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from cases.models import Case
from channels.registry import demo_seeders


@pytest.mark.django_db
def test_every_channel_demo_opens_cases_in_its_province_and_a_rerun_adds_nothing(province_a, province_b):
    seeders = demo_seeders()
    assert len(seeders) >= 3  # Zalo, Messenger, Viber at least
    lines: list[str] = []
    with tenant_context(province_a):
        other_before = _by_channel()
    with tenant_context(province_b):
        before = dict(_by_channel())
        for seed in seeders:
            seed(log=lines.append)
        after = dict(_by_channel())
        again: list[str] = []
        for seed in seeders:
            seed(log=again.append)
        assert dict(_by_channel()) == after
    assert not any("HTTP" in line for line in again), again
    assert all("HTTP 200" in line for line in lines if "HTTP" in line), lines
    grown = {channel for channel, count in after.items() if count > before.get(channel, 0)}
    assert {"zalo", "messenger", "viber"} <= grown
    with tenant_context(province_a):
        assert _by_channel() == other_before


def _by_channel() -> dict[str, int]:
    counts: dict[str, int] = {}
    for channel in Case.objects.values_list("channel", flat=True):
        counts[channel] = counts.get(channel, 0) + 1
    return counts
