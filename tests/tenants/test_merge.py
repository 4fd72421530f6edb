"""Merging a province into its successor (`tenants.merge`), on a throwaway pair of the 2025 reorganisation:
Long An (legacy, 0272) into Tây Ninh (current, 0276 and 0272).

The merger commits for real (it runs outside the tests' transactions), so the pair is provisioned for
this module and dropped at its end; the demo provinces are not touched.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

import pytest
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from cases.demo import cases_seed
from cases.models import Agency, Case, CaseEvent, Reporter, TrackingCodeAlias
from channels.mail.models import InboundMail
from channels.voice.models import Call, IvrMenu, VoiceSettings
from channels.web.services import case_lookup
from cms.demo import faq_seed
from cms.models import FaqPage, MergedUnitPage
from oversight.models import CaseDay, ProvinceDay, RollupState
from oversight.rollups import rollups_refresh
from tenants.merge import MergeRefused, merge_execute, merge_start
from tenants.models import DialingPrefix, MergeRun, Province
from tenants.registry import UnitKind, find_unit
from tenants.routing import province_for_number
from tenants.services import province_provision
from tests.channels.voice_support import Phone

# Run alone, a module fixture would otherwise meet the development database, not the test one.
pytestmark = pytest.mark.django_db

SOURCE, TARGET = "longan", "tayninh"
PASSWORD = "merge-test-password"
TOKEN = "test-auth-token-tayninh-0001"
SHARED_PHONE = "+84987654321"
MENU_PROMPT = "Tổng đài Tây Ninh: bấm phím 1 để gặp điện thoại viên."


def _provision(reference: str, kind: UnitKind) -> Province:
    result = province_provision(
        unit=find_unit(reference, kind=kind), base_domain=settings.BASE_DOMAIN, admin_password=PASSWORD
    )
    return result.province


def _received(province: Province) -> int:
    with schema_context(get_public_schema_name()):
        return sum(ProvinceDay.objects.filter(province=province).values_list("received", flat=True))


def _snapshot(source: Province, target: Province) -> SimpleNamespace:
    with tenant_context(source):
        source_cases = {c.tracking_code: c.category.national_code for c in Case.objects.select_related("category")}
        source_events = CaseEvent.objects.count()
        source_faqs = FaqPage.objects.count()
    with tenant_context(target):
        target_cases = Case.objects.count()
        target_events = CaseEvent.objects.count()
    return SimpleNamespace(
        source_cases=source_cases,
        source_events=source_events,
        source_faqs=source_faqs,
        target_cases=target_cases,
        target_events=target_events,
        received=_received(source) + _received(target),
    )


def _shared_reporter(province: Province, name: str) -> str:
    """A report from the same phone number in both provinces; returns its tracking code."""
    with tenant_context(province):
        reporter, _ = Reporter.objects.get_or_create(phone=SHARED_PHONE, defaults={"name": name})
        case = Case.objects.order_by("pk").first()
        case.reporter = reporter
        case.save(update_fields=["reporter"])
        return case.tracking_code


def _successor_line(target: Province) -> None:
    with tenant_context(target):
        menu = IvrMenu.objects.create(name="Menu thử sáp nhập", prompt=MENU_PROMPT)
        line = VoiceSettings.load()
        line.account_sid, line.auth_token = "ACtayninh000000000000000000000000", TOKEN
        line.day_menu, line.night_menu, line.calendar = menu, None, None
        line.surge_enabled = False
        line.save()


def _drop(*provinces: Province) -> None:
    with schema_context(get_public_schema_name()):
        ids = [p.pk for p in provinces]
        MergeRun.objects.filter(source_id__in=ids).delete()
        for model in (CaseDay, ProvinceDay, RollupState):
            model.objects.filter(province_id__in=ids).delete()
        from oversight.models import CallDay, TransferRollup

        CallDay.objects.filter(province_id__in=ids).delete()
        TransferRollup.objects.filter(province_id__in=ids).delete()
        for province in sorted(provinces, key=lambda p: p.merged_into_id is None):
            Province.objects.get(pk=province.pk).delete(force_drop=True)


@pytest.fixture(scope="module")
def merged(django_db_setup, django_db_blocker):
    """The pair before and after: a dry run, a merger that fails and rolls back, then the merger."""
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        source = _provision(SOURCE, UnitKind.LEGACY)
        target = _provision(TARGET, UnitKind.CURRENT)
        try:
            for province, count in ((source, 30), (target, 20)):
                with tenant_context(province):
                    cases_seed(count=count, seed=province.slug)
                    faq_seed(province.slug, province.name, "1022")
                    rollups_refresh()
            _successor_line(target)
            source_code = _shared_reporter(source, "Nguyễn Văn A")
            _shared_reporter(target, "Nguyễn Văn A")
            # A code the successor already uses: the merger must give a new one and keep the old findable.
            with tenant_context(target):
                taken = Case.objects.exclude(tracking_code=source_code).order_by("pk").first().tracking_code
            with tenant_context(source):
                collided = Case.objects.order_by("-pk").first()
                Case.objects.filter(pk=collided.pk).update(tracking_code=taken)
                collided_description = collided.description
                mail = InboundMail.objects.create(message_id="<same@example.vn>", source="webhook", raw=b"x")
            before = _snapshot(source, target)

            dry = merge_execute(merge_start(source, target, dry_run=True))
            after_dry = _snapshot(source, target)

            # The same e-mail already stored by the successor: the copy breaks a unique constraint.
            with tenant_context(target):
                InboundMail.objects.create(message_id=mail.message_id, source="webhook", raw=b"x")
            failing = merge_start(source, target, dry_run=False)
            with pytest.raises(Exception, match=r"message_id|inboundmail"):
                merge_execute(failing)
            after_failure = _snapshot(source, target)
            with schema_context(get_public_schema_name()):
                source.refresh_from_db()
                status_after_failure = source.status
                prefix_owner_after_failure = DialingPrefix.objects.get(area_code="272").province_id
            with tenant_context(target):
                InboundMail.objects.filter(message_id=mail.message_id).delete()
            target_cases_before = before.target_cases

            run = merge_execute(merge_start(source, target, dry_run=False))
            with schema_context(get_public_schema_name()):
                source.refresh_from_db()
                target.refresh_from_db()
            yield SimpleNamespace(
                source=source,
                target=target,
                before=before,
                dry=dry,
                after_dry=after_dry,
                failing=failing,
                after_failure=after_failure,
                status_after_failure=status_after_failure,
                prefix_owner_after_failure=prefix_owner_after_failure,
                run=run,
                target_cases_before=target_cases_before,
                source_code=source_code,
                collided_code=taken,
                collided_description=collided_description,
            )
        finally:
            connection.set_schema_to_public()
            with schema_context(get_public_schema_name()):
                _drop(*Province.objects.filter(slug__in=[SOURCE, TARGET]))


def test_a_dry_run_reports_every_case_and_changes_nothing(merged, db):
    assert merged.dry.state == MergeRun.State.DONE
    assert merged.dry.report["tables"]["cases_case"]["copied"] == len(merged.before.source_cases)
    assert merged.after_dry == merged.before


def test_a_failed_merger_leaves_nothing_half_moved(merged, db):
    merged.failing.refresh_from_db()
    assert merged.failing.state == MergeRun.State.FAILED
    assert "inboundmail" in merged.failing.error.lower() or "message_id" in merged.failing.error
    assert merged.after_failure == merged.before
    assert merged.status_after_failure == Province.Status.ACTIVE
    assert merged.prefix_owner_after_failure == merged.source.pk


def test_every_case_and_event_moves(merged, db):
    assert merged.run.state == MergeRun.State.DONE
    with tenant_context(merged.target):
        assert Case.objects.count() == merged.target_cases_before + len(merged.before.source_cases)
        assert Case.objects.filter(legacy_unit=SOURCE).count() == len(merged.before.source_cases)
        assert CaseEvent.objects.count() == merged.before.target_events + merged.before.source_events
        # Categories mapped by national code: every report keeps its national category.
        moved = {
            case.tracking_code: case.category.national_code
            for case in Case.objects.filter(legacy_unit=SOURCE).select_related("category")
        }
    assert sorted(moved.values()) == sorted(merged.before.source_cases.values())
    with tenant_context(merged.source):
        assert Case.objects.count() == 0
        assert Reporter.objects.count() == 0


def test_tracking_codes_stay_findable_and_a_taken_code_gets_a_new_one(merged, db):
    with tenant_context(merged.target):
        for code in merged.before.source_cases:
            assert Case.objects.with_code(code).exists(), code
        alias = TrackingCodeAlias.objects.select_related("case").get(code=merged.collided_code, unit=SOURCE)
        assert alias.case.tracking_code != merged.collided_code
        assert alias.case.description == merged.collided_description
        # The successor's own report keeps its code and comes first.
        assert Case.objects.with_code(merged.collided_code).first().legacy_unit == ""
    assert merged.run.report["codes_reissued"] == 1


def test_a_reporter_with_the_same_number_is_one_reporter(merged, db):
    with tenant_context(merged.target):
        reporter = Reporter.objects.get(phone=SHARED_PHONE)
        assert reporter.cases.filter(legacy_unit=SOURCE).exists()
        assert reporter.cases.filter(legacy_unit="").exists()
        # The citizen follows the moved report on the successor's site with the same code and digits.
        assert case_lookup(code=merged.source_code, secret=SHARED_PHONE[-4:]) is not None


def test_agencies_are_kept_and_duplicates_flagged(merged, db):
    with tenant_context(merged.target):
        flagged = Agency.objects.exclude(review_note="")
        assert flagged.exists()
        department = flagged.get(code=f"{SOURCE}-SYT")
        assert department.parent.code == "SYT"
        assert "Long An" in department.review_note
        # Flagged copies take no new reports: routing stays with the successor's agencies.
        assert not department.wards.exists() and not department.categories.exists()


def test_calls_to_the_merged_units_number_reach_the_successors_menu(merged, db):
    with schema_context(get_public_schema_name()):
        assert province_for_number("02721022") == merged.target
        assert DialingPrefix.objects.get(area_code="272").province == merged.target
    phone = Phone(called="+842721022", token=TOKEN)
    response = phone.post("/hooks/twilio/voice/incoming/")
    assert response.status_code == 200
    assert MENU_PROMPT in response.content.decode()
    with tenant_context(merged.target):
        assert Call.objects.filter(call_sid=phone.sid, to_number="+842721022").exists()


def test_faq_pages_move_under_a_section_and_the_old_host_redirects(merged, db):
    with tenant_context(merged.target):
        section = MergedUnitPage.objects.get(unit=SOURCE)
        faqs = FaqPage.objects.live().descendant_of(section)
        assert faqs.count() == merged.before.source_faqs
        faq = faqs.first()
        relative = faq.url_path[len(section.url_path) :]
    section_path = merged.source.merged_section_path
    target_host = f"{TARGET}.{settings.BASE_DOMAIN}"
    page = Client(HTTP_HOST=target_host).get(f"{section_path}{relative}")
    assert page.status_code == 200
    assert faq.title in page.content.decode()
    old = Client(HTTP_HOST=f"{SOURCE}.{settings.BASE_DOMAIN}").get(f"/{relative}")
    assert old.status_code == 301
    assert old["Location"].endswith(f"{target_host}{section_path}{relative}")


def test_accounts_move_and_log_in_on_the_successor(merged, db):
    with tenant_context(merged.target):
        moved = get_user_model().objects.get(username=f"admin.{SOURCE}")
        assert moved.is_active
    client = Client(HTTP_HOST=f"{TARGET}.{settings.BASE_DOMAIN}")
    login = client.post("/accounts/login/", {"username": f"admin.{SOURCE}", "password": PASSWORD})
    assert login.status_code == 302
    with tenant_context(merged.source):
        assert not get_user_model().objects.filter(is_active=True).exists()


def test_national_totals_are_unchanged_and_stay_with_the_merged_unit(merged, db):
    assert _received(merged.source) + _received(merged.target) == merged.before.received
    assert _received(merged.source) == len(merged.before.source_cases)
    with tenant_context(merged.target):
        rollups_refresh(rebuild=True)
    assert _received(merged.source) == len(merged.before.source_cases)
    assert _received(merged.source) + _received(merged.target) == merged.before.received


def test_the_merged_province_is_marked_and_cannot_be_merged_again(merged, db):
    assert merged.source.status == Province.Status.MERGED
    assert merged.source.merged_into == merged.target
    with pytest.raises(MergeRefused):
        merge_start(merged.source, merged.target, dry_run=True)
    with pytest.raises(MergeRefused):
        merge_start(merged.target, merged.target, dry_run=True)
    with pytest.raises(CommandError, match="đã sáp nhập"):
        call_command("province_provision", SOURCE, "--legacy")


def test_nothing_can_be_stored_in_the_merged_units_schema_any_more(merged, db):
    """A webhook that raced the merger is refused (its provider retries and reaches the successor),
    never stored where nobody looks."""
    with tenant_context(merged.source), pytest.raises(DatabaseError, match="merged"), transaction.atomic():
        Reporter.objects.create(phone="+84911111111")
