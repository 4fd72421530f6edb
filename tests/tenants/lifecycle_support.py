"""Suspending a demo province in a test, and putting it back as found."""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name, schema_context

from tenants.lifecycle import province_caches_forget, province_suspend
from tenants.models import Province

SLUG = "thanhhoa"
NOTICE = "Tổng đài 1022 Thanh Hóa tạm ngừng để hợp nhất với tỉnh mới từ ngày 1/7. Xin gọi số trực."
FALLBACK = "+842373852022"


def suspended(unit: Province, *, notice: str = NOTICE, fallback: str = "0237 3852 022") -> Province:
    return province_suspend(unit, notice=notice, fallback_number=fallback)


def merge_by_hand(unit: Province, successor: Province, section: str) -> None:
    """The state a merger leaves on the unit's row, without moving anything (tenants.merge does that)."""
    with schema_context(get_public_schema_name()):
        Province.objects.filter(pk=unit.pk).update(
            status=Province.Status.MERGED, merged_into=successor, merged_section_path=section
        )
        province_caches_forget(unit)


def status_restore(unit: Province) -> None:
    """Active again, in the database and in every cache, whatever the test did to it."""
    with schema_context(get_public_schema_name()):
        Province.objects.filter(pk=unit.pk).update(
            status=Province.Status.ACTIVE, merged_into=None, merged_section_path=""
        )
        province_caches_forget(unit)
