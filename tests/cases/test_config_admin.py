"""The province's agencies, categories, deadlines and calendars in its own Wagtail admin, and only there."""

from __future__ import annotations

from django.http import QueryDict
from django.test import Client

import pytest
from bs4 import BeautifulSoup
from django_tenants.utils import tenant_context
from wagtail.test.utils.form_data import querydict_from_html

from cases.models import Agency, AgencyPhone, BusinessCalendar, CalendarOverride, Category, SlaPolicy
from channels.voice.flow import agency_numbers
from channels.voice.models import IvrOption
from tenants.demo import DEMO_PASSWORD
from tests.channels.test_voice_admin import signed_in
from tests.conftest import host_of

AGENCIES = "/admin/snippets/cases/agency/"
CALENDARS = "/admin/snippets/cases/businesscalendar/"
LISTS = (AGENCIES, "/admin/snippets/cases/category/", "/admin/snippets/cases/slapolicy/")
LISTS += (CALENDARS,)


def edit_form(client: Client, url: str) -> QueryDict:
    """The edit form as the browser sends it, inline rows and their management fields included."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    forms = BeautifulSoup(html, "html.parser").find_all("form")
    index = next(i for i, form in enumerate(forms) if form.get("action", "").rstrip("/").endswith(url.rstrip("/")))
    return querydict_from_html(html, form_index=index)


def inline_row(data: QueryDict, prefix: str, values: dict[str, str]) -> None:
    """Add one row to an inline formset, as the admin's "add" button does."""
    row = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(row + 1)
    for name, value in {"id": "", "DELETE": "", "ORDER": str(row + 1), **values}.items():
        data[f"{prefix}-{row}-{name}"] = value


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
    admin = signed_in("camau", "admin.camau")
    url = f"/admin/snippets/cases/slapolicy/edit/{policy.pk}/"
    data = edit_form(admin, url)
    data["response_minutes"] = "30"
    response = admin.post(url, data)
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


@pytest.mark.django_db
def test_the_admin_adds_a_backup_number_and_the_next_transfer_rings_it(province_a, province_b):
    with tenant_context(province_b):
        cdc = Agency.objects.get(code="CDC")
        key_2 = IvrOption.objects.select_related("agency").filter(agency=cdc).first()
        before = agency_numbers(key_2)
    admin = signed_in("camau", "admin.camau")
    url = f"{AGENCIES}edit/{cdc.pk}/"
    data = edit_form(admin, url)
    inline_row(data, "phones", {"number": "+842903899999", "order": "9", "label": "Trực dịch 24/7"})

    response = admin.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(province_b):
        assert agency_numbers(key_2) == [*before, "+842903899999"]
    with tenant_context(province_a):
        assert not AgencyPhone.objects.filter(number="+842903899999").exists()


@pytest.mark.django_db
def test_a_transfer_number_not_in_international_form_is_refused_in_vietnamese(province_b):
    with tenant_context(province_b):
        cdc = Agency.objects.get(code="CDC")
        count = cdc.phones.count()
    admin = signed_in("camau", "admin.camau")
    url = f"{AGENCIES}edit/{cdc.pk}/"
    data = edit_form(admin, url)
    inline_row(data, "phones", {"number": "0290 3899", "order": "9", "label": ""})

    response = admin.post(url, data)

    assert response.status_code == 200
    assert "Nhập số theo dạng quốc tế" in response.content.decode()
    with tenant_context(province_b):
        assert cdc.phones.count() == count


@pytest.mark.django_db
def test_the_admin_makes_a_saturday_a_working_day_on_the_calendar(province_b):
    with tenant_context(province_b):
        calendar = BusinessCalendar.objects.filter(always_open=False).first()
        stamp = calendar.updated_at
    admin = signed_in("camau", "admin.camau")
    url = f"{CALENDARS}edit/{calendar.pk}/"
    data = edit_form(admin, url)
    inline_row(data, "overrides", {"date": "2027-02-20", "kind": "working_day", "note": "Làm bù Tết"})

    assert admin.post(url, data).status_code == 302
    with tenant_context(province_b):
        override = CalendarOverride.objects.get(calendar=calendar, date="2027-02-20")
        assert override.kind == CalendarOverride.Kind.WORKING_DAY
        # Cached deadline specs key on it: the next deadline uses the new working day.
        assert BusinessCalendar.objects.get(pk=calendar.pk).updated_at > stamp
