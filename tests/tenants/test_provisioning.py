"""Provisioning from the official registry: complete, idempotent, clear about what it cannot do."""

from io import StringIO

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

import pytest
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from cases.models import AgencyMember
from tenants import demo, roles
from tenants.models import DialingPrefix, Domain, PhoneNumber, Province
from tenants.registry import UnitKind, find_unit
from tenants.services import province_provision
from tests.servers import run_manage


def snapshot(province: Province) -> dict:
    with schema_context(get_public_schema_name()):
        counts = {
            "provinces": Province.objects.count(),
            "domains": Domain.objects.count(),
            "prefixes": DialingPrefix.objects.count(),
            "numbers": PhoneNumber.objects.count(),
            "national_groups": Group.objects.count(),
            "national_users": User.objects.count(),
        }
    with tenant_context(province):
        counts |= {"groups": Group.objects.count(), "users": User.objects.count()}
    return counts


def test_demo_provinces_are_legacy_units_with_their_prefixes(db):
    expected = {"binhduong": (74, "0274"), "thanhhoa": (38, "0237"), "camau": (96, "0290"), "binhphuoc": (70, "0271")}
    with schema_context(get_public_schema_name()):
        for slug, (legacy_code, prefix) in expected.items():
            province = Province.objects.get(slug=slug)
            assert province.schema_name == slug
            assert province.legacy_code == legacy_code
            assert province.trunk_prefixes() == [prefix]
            assert PhoneNumber.objects.filter(province=province, number=f"+84{prefix[1:]}1022").exists()
            assert province.primary_host == f"{slug}.{settings.BASE_DOMAIN}"
        # Thanh Hóa did not change in 2025: its tenant carries the same new code; Bình Dương's territory did.
        assert Province.objects.get(slug="thanhhoa").code == 38
        assert Province.objects.get(slug="binhduong").code is None


def test_provisioning_again_changes_nothing(province_a):
    before = snapshot(province_a)

    result = province_provision(
        unit=find_unit("binhduong", kind=UnitKind.LEGACY),
        base_domain=settings.BASE_DOMAIN,
        admin_username="admin.binhduong",
        admin_password="x" * 12,
    )

    assert result.created is False
    assert result.changes == []
    assert result.generated_admin_password is None
    assert snapshot(province_a) == before


def test_the_command_run_twice_reports_no_change(province_a):
    out = StringIO()
    call_command("province_provision", "binhduong", "--legacy", "--admin-username", "admin.binhduong", stdout=out)
    call_command("province_provision", "74", "--admin-username", "admin.binhduong", stdout=out)

    assert out.getvalue().count("Không có thay đổi") == 2
    assert "+ " not in out.getvalue()


def test_seeding_the_demo_again_duplicates_nothing(province_a):
    before = snapshot(province_a)
    lines = []

    # As the session seeded it: the channel demos have their own repeat test (tests/channels/test_channel_demos.py).
    demo.seed(base_domain=settings.BASE_DOMAIN, log=lines.append, channel_demos=False)

    assert [line for line in lines if line.strip().startswith("+")] == []
    assert snapshot(province_a) == before


def test_unknown_province_is_a_clear_error():
    with pytest.raises(CommandError, match="Không tìm thấy tỉnh/thành «atlantis»"):
        call_command("province_provision", "atlantis")


def test_unknown_province_exits_non_zero_from_the_shell():
    completed = run_manage(["province_provision", "atlantis"])

    assert completed.returncode != 0
    assert "Không tìm thấy tỉnh/thành «atlantis»" in completed.stderr


def test_province_roles_are_groups_with_real_permissions(province_a):
    with tenant_context(province_a):
        for role in roles.roles_for(roles.Scope.PROVINCE):
            group = Group.objects.get(name=role.group_name)
            granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
            assert granted == set(role.permissions), role.key
        admin = User.objects.get(username="admin.binhduong")
        assert admin.has_perm("wagtailadmin.access_admin")
        assert admin.has_perm("cases.change_agency")
        operator = User.objects.get(username="operator.binhduong")
        assert not operator.has_perm("wagtailadmin.access_admin")
        assert operator.has_perm("cases.view_agency")
        # The editor works on the public site only (its page permissions: tests/cms/test_workflow.py).
        editor = User.objects.get(username="editor.binhduong")
        assert editor.has_perm("wagtailadmin.access_admin")
        assert not editor.has_perm("cases.view_case")


def test_national_roles_live_in_the_public_schema(db):
    with schema_context(get_public_schema_name()):
        viewer = User.objects.get(username="giamsat")
        assert viewer.has_perm("tenants.view_national_reports")
        assert not viewer.has_perm("tenants.change_province")
        platform_admin = User.objects.get(username="quantri")
        assert platform_admin.is_staff
        assert platform_admin.has_perm("tenants.change_province")


def test_demo_agency_account_belongs_to_its_agency(province_b):
    with tenant_context(province_b):
        membership = AgencyMember.objects.select_related("agency").get(user__username="agency.camau")
        assert membership.agency.code == "CDC"
        assert "Kiểm soát bệnh tật" in membership.agency.name


def test_generated_admin_password_is_reported_once_and_never_reset(province_a):
    with tenant_context(province_a):
        User.objects.filter(username="admin2").delete()

    first = province_provision(
        unit=find_unit("binhduong", kind=UnitKind.LEGACY), base_domain=settings.BASE_DOMAIN, admin_username="admin2"
    )
    second = province_provision(
        unit=find_unit("binhduong", kind=UnitKind.LEGACY), base_domain=settings.BASE_DOMAIN, admin_username="admin2"
    )

    assert first.generated_admin_password
    assert second.generated_admin_password is None
    with tenant_context(province_a):
        assert User.objects.get(username="admin2").check_password(first.generated_admin_password)


def test_a_prefix_owned_by_another_province_is_reported_not_taken(province_a):
    # Current Ho Chi Minh City answers 028, 0274 and 0254; legacy Bình Dương owns 0274 here.
    unit = find_unit("hochiminh")
    with schema_context(get_public_schema_name()):
        owner_before = DialingPrefix.objects.get(area_code="274").province_id

    from tenants.services import ProvisionResult, _numbers_ensure

    result = ProvisionResult(province=province_a, created=False)
    with schema_context(get_public_schema_name()):
        _numbers_ensure(Province.objects.get(slug="thanhhoa"), unit, result)
        assert DialingPrefix.objects.get(area_code="274").province_id == owner_before
    assert "0274 (Bình Dương)" in result.conflicts


def test_role_sync_repairs_drifted_permissions_and_then_reports_nothing(province_a):
    from wagtail.models import GroupPagePermission, Page

    with tenant_context(province_a):
        operator = Group.objects.get(name=roles.OPERATOR.group_name)
        operator.permissions.add(roles._permission("auth.delete_user"))
        GroupPagePermission.objects.create(
            group=operator, page=Page.get_first_root_node(), permission=roles._permission("wagtailcore.publish_page")
        )

        assert roles.roles_sync() != []
        assert not operator.permissions.filter(codename="delete_user").exists()
        assert not GroupPagePermission.objects.filter(group=operator).exists()
        assert roles.roles_sync() == []


def test_a_current_merged_unit_is_provisioned_with_every_prefix_it_answers(db):
    from django.test import Client

    with schema_context(get_public_schema_name()):
        province = Province.objects.get(slug="laocai")
        # 15 is Lào Cai's code since 2025 and was Yên Bái's before: only the new code applies here.
        assert (province.code, province.legacy_code) == (15, None)
        assert province.trunk_prefixes() == ["0214", "0216"]
        assert set(PhoneNumber.objects.filter(province=province).values_list("number", flat=True)) == {
            "+842141022",
            "+842161022",
        }

    page = Client(HTTP_HOST=f"laocai.{settings.BASE_DOMAIN}").get("/").content.decode()
    assert "Tổng đài 1022 Lào Cai" in page
    assert "0214 1022" in page and "0216 1022" in page
