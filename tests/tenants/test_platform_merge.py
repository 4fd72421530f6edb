"""The merger on the platform admins' province page: a dry run, its report, and who may start one.

The real merger is `tests/tenants/test_merge.py`'s; here the dry run changes nothing, so the demo's
Bình Phước and Đồng Nai can serve.
"""

from __future__ import annotations

from django.test import Client

import pytest
from django_tenants.utils import tenant_context

from cases.models import Case
from tenants.models import MergeRun, Province
from tenants.tasks import province_merge
from tests.conftest import province
from tests.tenants.test_platform import national, task_messages_take

UNIT, SUCCESSOR = "binhphuoc", "dongnai"
MERGE = f"/platform/{UNIT}/sap-nhap/"


def merge_messages_take(run_id: int) -> int:
    """Take the run's task off the broker's default queue (no worker consumes it in tests)."""
    return task_messages_take(province_merge.name, lambda argsrepr: argsrepr == repr((run_id,)))


@pytest.fixture
def admin(db) -> Client:
    return national("quantri")


def test_the_province_page_offers_the_merger_into_the_official_successor(admin):
    page = admin.get(f"/platform/{UNIT}/")
    assert page.status_code == 200
    form = page.context["merge_form"]
    assert form.fields["target"].initial == province(SUCCESSOR)
    assert 'id="merge-form"' in page.content.decode()


def test_a_dry_run_from_the_page_reports_what_would_move_and_changes_nothing(admin):
    unit, successor = province(UNIT), province(SUCCESSOR)
    with tenant_context(unit):
        cases = Case.objects.count()

    response = admin.post(MERGE, {"target": successor.pk, "users": MergeRun.Users.MOVE, "mode": "dry_run"})

    run = MergeRun.objects.get(source=unit)
    assert response.status_code == 302
    assert response["Location"] == f"/platform/{UNIT}/sap-nhap/{run.pk}/"
    assert run.dry_run and run.requested_by == "quantri"
    assert merge_messages_take(run.pk) == 1
    assert province_merge(run.pk) == MergeRun.State.DONE  # what the worker does with the message

    page = admin.get(response["Location"]).content.decode()
    assert "merge-report" in page and "merge-confirm" in page
    run.refresh_from_db()
    assert run.report["tables"]["cases_case"]["copied"] == cases
    unit.refresh_from_db()
    assert unit.status == Province.Status.ACTIVE
    with tenant_context(unit):
        assert Case.objects.count() == cases


def test_merging_a_province_into_itself_is_refused_with_the_form(admin):
    unit = province(UNIT)
    response = admin.post(MERGE, {"target": unit.pk, "users": MergeRun.Users.MOVE, "mode": "dry_run"})
    assert response.status_code == 400
    assert not MergeRun.objects.filter(source=unit).exists()


def test_only_platform_admins_may_merge(db):
    response = national("giamsat").post(
        MERGE, {"target": province(SUCCESSOR).pk, "users": MergeRun.Users.MOVE, "mode": "dry_run"}
    )
    assert response.status_code == 403
    assert not MergeRun.objects.exists()
