"""The national figures read from the rollups: the same totals as the provinces' own records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from cases import clock
from cases.models import Case
from cases.sla import VN_TZ
from channels.voice.models import TransferDay
from oversight import selectors, tables
from oversight.rollups import rollups_refresh
from oversight.selectors import Scope
from tenants.demo import DEMO_PROVINCES
from tests.conftest import province


@pytest.fixture
def rolled_up(db):
    """Every demo province counted into the rollups."""
    provinces = [province(demo.slug) for demo in DEMO_PROVINCES]
    for tenant in provinces:
        with tenant_context(tenant):
            rollups_refresh()
    return provinces


def last_days(days: int = 30) -> Scope:
    today = clock.now().astimezone(VN_TZ).date()
    return Scope(start=today - timedelta(days=days), end=today)


def test_the_comparison_has_every_demo_province_with_its_own_totals(rolled_up):
    scope = last_days()
    rows = {row.province.slug: row.figures for row in selectors.comparison(scope)}

    for tenant in rolled_up:
        start, end = scope.start, scope.end
        with tenant_context(tenant):
            received = sum(
                1 for case in Case.objects.all() if start <= case.received_at.astimezone(VN_TZ).date() <= end
            )
        assert rows[tenant.slug].received == received, tenant.slug
        assert rows[tenant.slug].offered > 0
    nation = selectors.national(selectors.comparison(scope))
    assert nation.received == sum(figures.received for figures in rows.values())


def test_camaus_worst_transfer_is_the_cdc_on_key_2(rolled_up):
    camau = province("camau")
    scope = last_days()

    worst = selectors.transfer_rates(scope, camau)[0]

    with tenant_context(camau):
        day_rows = TransferDay.objects.filter(
            ivr_key="2", agency__code="CDC", date__gte=scope.start, date__lte=scope.end
        )
        attempted = sum(row.attempted for row in day_rows)
        answered = sum(row.answered for row in day_rows)
    assert (worst.ivr_key, worst.agency_code) == ("2", "CDC")
    assert (worst.attempted, worst.answered) == (attempted, answered)
    assert worst.answer_rate < 0.6


def test_the_tables_carry_the_selectors_figures(rolled_up):
    scope = last_days()
    camau = province("camau")

    comparison = tables.comparison_table(scope)
    categories = tables.category_table(scope, camau)

    by_name = {row["province"]: row for row in comparison.as_dicts()}
    assert by_name["Cà Mau"]["received"] == sum(row["received"] for row in categories.as_dicts())
    assert [row.figures.received for row in selectors.comparison(scope)] == [row[1] for row in comparison.rows]
    assert sum(day.received for day in selectors.trend(scope, camau)) == by_name["Cà Mau"]["received"]
    assert tables.transfer_table(scope, camau).rows[0][:2] == ("2", "Trung tâm Kiểm soát bệnh tật tỉnh Cà Mau")


def test_the_median_is_the_bound_of_the_middle_bucket():
    assert selectors.median_minutes([0] * 16) is None
    assert selectors.median_minutes([1, 0, 3] + [0] * 13) == 60
    assert selectors.median_minutes([1, 1] + [0] * 14) == 15


def test_each_breakdown_row_has_its_own_medians(rolled_up):
    camau = province("camau")
    rows = selectors.breakdown(last_days(), camau, "channel")

    assert rows
    for _channel, figures in rows:
        assert sum(figures.response_histogram) <= figures.received
    assert any(figures.median_response_minutes is not None for _channel, figures in rows)
    nation_rows = selectors.comparison(last_days())
    camau_total = next(row.figures for row in nation_rows if row.province.slug == "camau")
    assert sum(sum(figures.response_histogram) for _channel, figures in rows) == sum(camau_total.response_histogram)


def test_a_merged_units_history_rolls_up_into_its_successor_and_stays_its_own(rolled_up):
    scope = last_days()
    before = {row.province.slug: row.figures for row in selectors.comparison(scope)}
    camau, successor = province("camau"), province("laocai")
    camau.status, camau.merged_into = camau.Status.MERGED, successor
    camau.save(update_fields=["status", "merged_into"])

    after = {row.province.slug: row.figures for row in selectors.comparison(scope)}

    assert "camau" not in after
    assert after["laocai"].received == before["laocai"].received + before["camau"].received
    assert after["laocai"].response_histogram == [
        a + b for a, b in zip(before["laocai"].response_histogram, before["camau"].response_histogram, strict=True)
    ]
    assert selectors.units_of(successor) == [successor.pk, camau.pk]
    # The legacy unit keeps its own rows: its drill-down still reads them.
    own = sum(figures.received for _code, figures in selectors.breakdown(scope, camau, "channel"))
    assert own == before["camau"].received
    assert selectors.transfer_rates(scope, successor)[0].agency_code == "CDC"
