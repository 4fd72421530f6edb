"""Fixtures for the case engine's tests: a province schema, its demo accounts, and a quick intake."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator

from django.contrib.auth import get_user_model

import pytest
from django_tenants.utils import tenant_context

from cases import rules
from cases.models import Agency, AgencyMember, Case, Channel, Ward
from cases.services import ReporterInput, case_intake
from tenants import roles
from tenants.models import Province

PROVINCE_A_SLUG = "binhduong"


def random_mobile() -> str:
    """A valid Vietnamese mobile number in national form, unlikely to be any other test's."""
    return f"091{random.randrange(10**7):07d}"


@pytest.fixture
def in_a(province_a: Province) -> Iterator[Province]:
    """Run the test inside Bình Dương's schema, with no routing or category rules cached from elsewhere."""
    rules.rules_clear()
    with tenant_context(province_a):
        yield province_a
    rules.rules_clear()


@pytest.fixture
def operator(in_a):
    return get_user_model().objects.get(username=f"operator.{PROVINCE_A_SLUG}")


@pytest.fixture
def agency_user(in_a):
    """The demo agency account: staff of the provincial Department of Health (SYT)."""
    user = get_user_model().objects.get(username=f"agency.{PROVINCE_A_SLUG}")
    assert user.agency_membership.agency.code == "SYT"
    return user


@pytest.fixture
def other_agency_user(in_a):
    """Agency staff of the Department of Education (SGDDT), not of the agency the test cases go to."""
    user = get_user_model().objects.create_user(username=f"staff-{uuid.uuid4().hex[:8]}", password=None)
    user.groups.add(roles.role_group(roles.AGENCY_STAFF))
    AgencyMember.objects.create(user=user, agency=Agency.objects.get(code="SGDDT"))
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def ward(in_a) -> Ward:
    return Ward.objects.order_by("code").first()


@pytest.fixture
def make_case(in_a) -> Callable[..., Case]:
    """Intake a fresh case (a phone call from a new number unless told otherwise)."""

    def make(**kwargs) -> Case:
        kwargs.setdefault("channel", Channel.VOICE)
        kwargs.setdefault("description", "Đèn đường trước số nhà 12 bị hỏng nhiều ngày.")
        kwargs.setdefault("provider_id", f"test-{uuid.uuid4().hex}")
        kwargs.setdefault("reporter", ReporterInput(name="Nguyễn Văn An", phone=random_mobile()))
        return case_intake(**kwargs).case

    return make
