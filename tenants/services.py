"""Writes on provinces: provisioning from the official registry and the accounts that come with it."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from cases.defaults import defaults_ensure
from channels.voice.defaults import voice_defaults_ensure
from cms.services import faq_skeleton_ensure, site_ensure, workflow_ensure
from tenants import roles
from tenants.models import DialingPrefix, Domain, PhoneNumber, Province
from tenants.registry import OfficialUnit, wards_of
from tenants.schemas import schema_prepare

logger = logging.getLogger(__name__)

HOTLINE_SHORT_CODE = "1022"
NATIONAL_SLUG = "national"


@dataclass
class ProvisionResult:
    province: Province
    created: bool
    # One human-readable line per thing created or changed; empty when nothing changed.
    changes: list[str] = field(default_factory=list)
    # Prefixes the unit has that another province owns (a merger moves them, not provisioning).
    conflicts: list[str] = field(default_factory=list)
    # Set only when the admin account was created with a generated password, to show once.
    generated_admin_password: str | None = None


def hotline_number(area_code: str) -> str:
    """0274 1022 in E.164: +842741022."""
    return f"+84{area_code}{HOTLINE_SHORT_CODE}"


def province_host(slug: str, base_domain: str) -> str:
    return f"{slug}.{base_domain}"


def national_ensure(*, base_domain: str) -> list[str]:
    """The public schema's own row and host (django-tenants routes BASE_DOMAIN to it), and national roles."""
    changes = []
    with schema_context(get_public_schema_name()):
        national, created = Province.objects.get_or_create(
            schema_name=get_public_schema_name(),
            defaults={"slug": NATIONAL_SLUG, "name": "Toàn quốc", "full_name": "Nền tảng Tổng đài 1022 toàn quốc"},
        )
        if created:
            changes.append("tổ chức toàn quốc (schema public)")
        if _domain_ensure(national, base_domain):
            changes.append(f"tên miền {base_domain}")
        changes += roles.roles_sync()
    return changes


def province_provision(
    *,
    unit: OfficialUnit,
    base_domain: str,
    admin_username: str = "admin",
    admin_email: str = "",
    admin_password: str | None = None,
) -> ProvisionResult:
    """Create a province for an official unit, or complete one that exists. Safe to run again.

    The schema is created and migrated when the Province row is first saved; that
    cannot run inside a transaction, so each step is atomic on its own and every
    step checks what exists first. A schema an interrupted run left behind (with or
    without its row) is completed rather than created again.
    """
    result = province_register(unit=unit, base_domain=base_domain)
    result.changes += schema_prepare(result.province.schema_name)
    province_furnish(
        result,
        unit=unit,
        base_domain=base_domain,
        admin_username=admin_username,
        admin_email=admin_email,
        admin_password=admin_password,
    )
    logger.info("province %s provisioned, %d change(s)", result.province.schema_name, len(result.changes))
    return result


def province_register(*, unit: OfficialUnit, base_domain: str) -> ProvisionResult:
    """The province's rows in the public schema: the province (and its schema), host, prefixes, numbers.

    Run for one unit after another, never concurrently: which unit gets an area code that two
    of them claim is decided by the order of the runs.
    """
    with schema_context(get_public_schema_name()):
        province, created = _province_row_ensure(unit)
        result = ProvisionResult(province=province, created=created)
        if created:
            result.changes.append(f"tỉnh {unit.full_name}, schema «{province.schema_name}»")
        else:
            result.changes += _province_codes_complete(province, unit)
        host = province_host(province.slug, base_domain)
        if _domain_ensure(province, host):
            result.changes.append(f"tên miền {host}")
        _numbers_ensure(province, unit, result)
    return result


def province_furnish(
    result: ProvisionResult,
    *,
    unit: OfficialUnit,
    base_domain: str,
    admin_username: str = "admin",
    admin_email: str = "",
    admin_password: str | None = None,
) -> ProvisionResult:
    """What the province's own schema starts with: roles, an admin, the site and its FAQ list, the
    review workflow, agencies and categories, and a phone menu. Adds its lines to `result`.

    Touches only the province's schema, so provinces can be furnished side by side.
    """
    province = result.province
    host = province_host(province.slug, base_domain)
    with tenant_context(province):
        result.changes += roles.roles_sync()
        password = admin_password or secrets.token_urlsafe(12)
        if account_ensure(username=admin_username, email=admin_email, password=password, role=roles.PROVINCE_ADMIN):
            result.changes.append(f"tài khoản quản trị «{admin_username}»")
            if not admin_password:
                result.generated_admin_password = password
        result.changes += site_ensure(province=province, hostname=host)
        result.changes += faq_skeleton_ensure(province=province)
        result.changes += workflow_ensure(approvers=roles.role_group(roles.PROVINCE_ADMIN))
        result.changes += defaults_ensure(
            name=province.name, division_type=province.division_type, wards=wards_of(unit)
        )
        # After the agencies and categories: the menu's keys lead to them.
        result.changes += voice_defaults_ensure()
    return result


def _province_row_ensure(unit: OfficialUnit) -> tuple[Province, bool]:
    existing = Province.objects.filter(slug=unit.slug).first()
    if existing:
        return existing, False
    province = Province(
        schema_name=unit.slug,
        slug=unit.slug,
        name=unit.name,
        full_name=unit.full_name,
        division_type=unit.division_type,
        code=unit.current_code,
        legacy_code=unit.legacy_code,
    )
    province.save(verbosity=0)  # creates and migrates the schema
    return province, True


def _province_codes_complete(province: Province, unit: OfficialUnit) -> list[str]:
    """Fill in a code the row lacks, e.g. a legacy tenant later provisioned as its current unit."""
    changed = []
    if province.code is None and unit.current_code is not None:
        province.code = unit.current_code
        changed.append(f"mã tỉnh mới {unit.current_code:02d}")
    if province.legacy_code is None and unit.legacy_code is not None:
        province.legacy_code = unit.legacy_code
        changed.append(f"mã tỉnh cũ {unit.legacy_code:02d}")
    if changed:
        province.save(update_fields=["code", "legacy_code", "updated_at"])
    return changed


@transaction.atomic
def _domain_ensure(province: Province, host: str) -> bool:
    if Domain.objects.filter(domain=host).exists():
        return False
    has_primary = province.domains.filter(is_primary=True).exists()
    Domain.objects.create(domain=host, tenant=province, is_primary=not has_primary)
    return True


@transaction.atomic
def _numbers_ensure(province: Province, unit: OfficialUnit, result: ProvisionResult) -> None:
    owners = {
        prefix.area_code: prefix.province
        for prefix in DialingPrefix.objects.filter(area_code__in=unit.area_codes).select_related("province")
    }
    for area_code in unit.area_codes:
        owner = owners.get(area_code)
        if owner is None:
            DialingPrefix.objects.create(province=province, area_code=area_code)
            result.changes.append(f"đầu số 0{area_code}")
        elif owner.pk != province.pk:
            result.conflicts.append(f"0{area_code} ({owner.name})")
            continue
        number, created = PhoneNumber.objects.get_or_create(
            number=hotline_number(area_code),
            defaults={"province": province, "label": f"Tổng đài 0{area_code} {HOTLINE_SHORT_CODE}"},
        )
        if created:
            result.changes.append(f"số tổng đài {number.number}")


@transaction.atomic
def account_ensure(*, username: str, password: str, role: roles.Role, email: str = "") -> bool:
    """Create an account with the role's group in the active schema, unless it exists.

    An existing account is left alone: re-running provisioning never resets a password.
    """
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        return False
    user = user_model.objects.create_user(username=username, email=email, password=password, is_staff=role.staff)
    user.groups.add(roles.role_group(role))
    return True
