"""The province's agencies, categories, deadlines and calendars in its own Wagtail admin, and only there."""

from __future__ import annotations

from django.test import Client

import pytest
from django_tenants.utils import tenant_context

from cases.models import Agency, Category, SlaPolicy
from tenants.demo import DEMO_PASSWORD
from tests.channels.test_voice_admin import signed_in
from tests.conftest import host_of

AGENCIES = "/admin/snippets/cases/agency/"
LISTS = (AGENCIES, "/admin/snippets/cases/category/", "/admin/snippets/cases/slapolicy/")
LISTS += ("/admin/snippets/cases/businesscalendar/",)


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
def test_the_provincial_admin_opens_each_configuration_list(province_b, url):
    assert signed_in("camau", "admin.camau").get(url).status_code == 200


@pytest.mark.django_db
def test_the_agency_list_holds_the_provinces_own_agencies_only(province_a, province_b):
    # The departments only: the communes' committees fill pages of their own.
    page = signed_in("camau", "admin.camau").get(AGENCIES, {"kind": "department"}).content.decode()
    assert "Trung tâm Kiểm soát bệnh tật tỉnh Cà Mau" in page
    assert "Sở Y tế tỉnh Bình Dương" not in page


@pytest.mark.django_db
def test_an_admin_of_one_province_cannot_sign_in_to_anothers_admin(province_a, province_b):
    client = Client(HTTP_HOST=host_of("camau"))
    response = client.post("/accounts/login/", {"username": "admin.binhduong", "password": DEMO_PASSWORD})
    assert response.status_code == 200  # the form again: the account does not exist in Cà Mau
    assert client.get(AGENCIES).status_code == 302


@pytest.mark.django_db
def test_an_id_from_another_province_never_opens_its_row(province_a, province_b):
    with tenant_context(province_a):
        foreign = Agency.objects.get(code="SYT")
    with tenant_context(province_b):
        local = Agency.objects.filter(pk=foreign.pk).first()
    response = signed_in("camau", "admin.camau").get(f"{AGENCIES}edit/{foreign.pk}/")
    if local is None:
        assert response.status_code == 404
    else:
        assert "Sở Y tế tỉnh Bình Dương" not in response.content.decode()


@pytest.mark.django_db
def test_an_edited_deadline_changes_the_provinces_policy_only(province_a, province_b):
    with tenant_context(province_a):
        elsewhere = dict(SlaPolicy.objects.values_list("code", "response_minutes"))
    with tenant_context(province_b):
        policy = Category.objects.filter(is_active=True).first().sla_policy
        data = {
            "name": policy.name,
            "code": policy.code,
            "calendar": policy.calendar_id,
            "response_minutes": 30,
            "resolution_minutes": policy.resolution_minutes,
            "at_risk_percent": policy.at_risk_percent,
        }
    response = signed_in("camau", "admin.camau").post(f"/admin/snippets/cases/slapolicy/edit/{policy.pk}/", data)
    assert response.status_code == 302
    with tenant_context(province_b):
        assert SlaPolicy.objects.get(pk=policy.pk).response_minutes == 30
    with tenant_context(province_a):
        assert dict(SlaPolicy.objects.values_list("code", "response_minutes")) == elsewhere


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["operator.camau", "agency.camau"])
def test_staff_who_do_not_configure_the_province_cannot_edit_it(province_b, username):
    with tenant_context(province_b):
        agency = Agency.objects.first()
    response = signed_in("camau", username).get(f"{AGENCIES}edit/{agency.pk}/")
    assert response.status_code in (302, 403)
