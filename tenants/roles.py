"""Roles are Django groups with real permissions, created at provisioning and kept in sync.

Province roles live in each province schema (each province has its own users);
national roles live in the public schema. Later features add their permissions here,
and `roles_sync` brings existing provinces up to date (it runs on every provisioning).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from django_tenants.utils import get_public_schema_name


class Scope(enum.StrEnum):
    PROVINCE = "province"
    NATIONAL = "national"


@dataclass(frozen=True)
class Role:
    key: str
    # The group name people see in the admin; stable, since code finds the group by it.
    group_name: str
    scope: Scope
    permissions: tuple[str, ...]  # "app_label.codename"
    # Wagtail page permissions granted on the site's root page (province roles only).
    page_permissions: tuple[str, ...] = ()
    # Wagtail collection permissions granted on the root collection (images, documents).
    collection_permissions: tuple[str, ...] = ()
    staff: bool = False
    description: str = field(default="", compare=False)


PROVINCE_ADMIN = Role(
    key="province_admin",
    group_name="Quản trị tỉnh",
    scope=Scope.PROVINCE,
    description="Cấu hình tổng đài của tỉnh: tài khoản, cơ quan, trang thông tin.",
    permissions=(
        "wagtailadmin.access_admin",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "auth.view_user",
        "auth.view_group",
        "cases.add_agency",
        "cases.change_agency",
        "cases.delete_agency",
        "cases.view_agency",
        "cases.add_agencymember",
        "cases.change_agencymember",
        "cases.delete_agencymember",
        "cases.view_agencymember",
        "cases.add_category",
        "cases.change_category",
        "cases.delete_category",
        "cases.view_category",
        "cases.add_slapolicy",
        "cases.change_slapolicy",
        "cases.delete_slapolicy",
        "cases.view_slapolicy",
        "cases.add_slaprioritytarget",
        "cases.change_slaprioritytarget",
        "cases.delete_slaprioritytarget",
        "cases.view_slaprioritytarget",
        "cases.add_businesscalendar",
        "cases.change_businesscalendar",
        "cases.delete_businesscalendar",
        "cases.view_businesscalendar",
        "cases.add_calendarperiod",
        "cases.change_calendarperiod",
        "cases.delete_calendarperiod",
        "cases.view_calendarperiod",
        "cases.add_calendaroverride",
        "cases.change_calendaroverride",
        "cases.delete_calendaroverride",
        "cases.view_calendaroverride",
        "cases.add_agencyphone",
        "cases.change_agencyphone",
        "cases.delete_agencyphone",
        "cases.view_agencyphone",
        "cases.view_ward",
        "cases.view_case",
        "cases.view_outboxmessage",
        # The phone line: its menus, the operators' phones and its settings (Twilio account, fallbacks).
        "hotline_channels.add_ivrmenu",
        "hotline_channels.change_ivrmenu",
        "hotline_channels.delete_ivrmenu",
        "hotline_channels.view_ivrmenu",
        "hotline_channels.add_ivroption",
        "hotline_channels.change_ivroption",
        "hotline_channels.delete_ivroption",
        "hotline_channels.view_ivroption",
        "hotline_channels.add_operatorline",
        "hotline_channels.change_operatorline",
        "hotline_channels.delete_operatorline",
        "hotline_channels.view_operatorline",
        "hotline_channels.change_zalosettings",
        "hotline_channels.view_zalosettings",
        "hotline_channels.change_messengersettings",
        "hotline_channels.view_messengersettings",
        "hotline_channels.change_vibersettings",
        "hotline_channels.view_vibersettings",
        "hotline_channels.change_voicesettings",
        "hotline_channels.view_voicesettings",
        "channel_app.change_appsettings",
        "channel_app.view_appsettings",
        "channel_open311.add_apikey",
        "channel_open311.change_apikey",
        "channel_open311.view_apikey",
        "channel_mail.change_mailsettings",
        "channel_mail.view_mailsettings",
    ),
    page_permissions=(
        "wagtailcore.add_page",
        "wagtailcore.change_page",
        "wagtailcore.publish_page",
        "wagtailcore.bulk_delete_page",
        "wagtailcore.lock_page",
        "wagtailcore.unlock_page",
    ),
    collection_permissions=(
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
        "wagtaildocs.choose_document",
    ),
)
EDITOR = Role(
    key="editor",
    group_name="Biên tập viên",
    scope=Scope.PROVINCE,
    description="Soạn và sửa trang thông tin của tỉnh, gửi quản trị tỉnh duyệt trước khi xuất bản.",
    permissions=("wagtailadmin.access_admin",),
    # No publish: a change goes live when a province admin approves it (cms.services.workflow_ensure).
    page_permissions=("wagtailcore.add_page", "wagtailcore.change_page"),
    collection_permissions=(
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ),
)
SUPERVISOR = Role(
    key="supervisor",
    group_name="Giám sát viên",
    scope=Scope.PROVINCE,
    description="Theo dõi hạn xử lý, khối lượng và tải của điện thoại viên.",
    permissions=(
        "auth.view_user",
        "cases.view_agency",
        "cases.view_agencymember",
        "cases.view_category",
        "cases.view_ward",
        "cases.view_case",
        "cases.work_case",
        "cases.see_reporter",
        "cases.reveal_reporter",
        "cases.view_supervision",
        "cases.view_outboxmessage",
        "hotline_channels.view_call",
    ),
)
OPERATOR = Role(
    key="operator",
    group_name="Điện thoại viên",
    scope=Scope.PROVINCE,
    description="Tiếp nhận cuộc gọi, tin nhắn và xử lý phản ánh.",
    permissions=(
        "cases.view_agency",
        "cases.view_category",
        "cases.view_ward",
        "cases.view_case",
        "cases.work_case",
        "cases.see_reporter",
        "cases.reveal_reporter",
    ),
)
AGENCY_STAFF = Role(
    key="agency_staff",
    group_name="Cán bộ cơ quan",
    scope=Scope.PROVINCE,
    description="Trả lời các phản ánh được chuyển đến cơ quan mình.",
    # Cases of their own agency only (cases.selectors); reporters masked, never revealed.
    permissions=("cases.view_agency", "cases.view_category", "cases.view_ward", "cases.view_case"),
)
NATIONAL_VIEWER = Role(
    key="national_viewer",
    group_name="Giám sát quốc gia",
    scope=Scope.NATIONAL,
    description="Xem báo cáo tổng hợp giữa các tỉnh (không có dữ liệu cá nhân).",
    permissions=("tenants.view_province", "tenants.view_national_reports"),
)
PLATFORM_ADMIN = Role(
    key="platform_admin",
    group_name="Quản trị nền tảng",
    scope=Scope.NATIONAL,
    staff=True,
    description="Quản lý các tỉnh, tên miền, đầu số và tài khoản quốc gia.",
    permissions=(
        "tenants.add_province",
        "tenants.change_province",
        "tenants.view_province",
        "tenants.view_national_reports",
        "tenants.add_domain",
        "tenants.change_domain",
        "tenants.delete_domain",
        "tenants.view_domain",
        "tenants.add_dialingprefix",
        "tenants.change_dialingprefix",
        "tenants.delete_dialingprefix",
        "tenants.view_dialingprefix",
        "tenants.add_phonenumber",
        "tenants.change_phonenumber",
        "tenants.delete_phonenumber",
        "tenants.view_phonenumber",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
    ),
)

ROLES: dict[str, Role] = {
    role.key: role
    for role in (PROVINCE_ADMIN, EDITOR, SUPERVISOR, OPERATOR, AGENCY_STAFF, NATIONAL_VIEWER, PLATFORM_ADMIN)
}


def roles_for(scope: Scope) -> list[Role]:
    return [role for role in ROLES.values() if role.scope is scope]


def current_scope() -> Scope:
    return Scope.NATIONAL if connection.schema_name == get_public_schema_name() else Scope.PROVINCE


def _permission(dotted: str) -> Permission:
    app_label, _, codename = dotted.partition(".")
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist as exc:
        raise ImproperlyConfigured(
            f"Role permission {dotted!r} does not exist in schema {connection.schema_name}"
        ) from exc


@transaction.atomic
def roles_sync() -> list[str]:
    """Create the groups of the active schema's scope and give each exactly its declared permissions.

    Returns a line per change, so that a second run reports nothing.
    """
    changes = []
    for role in roles_for(current_scope()):
        group, created = Group.objects.get_or_create(name=role.group_name)
        if created:
            changes.append(f"nhóm quyền «{role.group_name}»")
        wanted = {_permission(dotted).pk for dotted in role.permissions}
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.set(wanted)
            if not created:
                changes.append(f"quyền của nhóm «{role.group_name}»")
        if role.scope is Scope.PROVINCE and _sync_wagtail_permissions(group, role):
            changes.append(f"quyền trang và thư viện của nhóm «{role.group_name}»")
    return changes


def _sync_wagtail_permissions(group: Group, role: Role) -> bool:
    """Grant exactly the role's page permissions on the root page and collection permissions on the root collection."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    grants = (
        (GroupPagePermission, "page", Page.get_first_root_node(), role.page_permissions),
        (GroupCollectionPermission, "collection", Collection.get_first_root_node(), role.collection_permissions),
    )
    changed = False
    for model, target_field, target, declared in grants:
        wanted = {_permission(dotted).pk for dotted in declared}
        existing = model.objects.filter(group=group, **{target_field: target})
        stale = existing.exclude(permission_id__in=wanted)
        changed |= stale.exists()
        stale.delete()
        present = set(existing.values_list("permission_id", flat=True))
        for permission_id in wanted - present:
            model.objects.create(group=group, permission_id=permission_id, **{target_field: target})
            changed = True
    return changed


def role_group(role: Role) -> Group:
    return Group.objects.get(name=role.group_name)


def user_roles(user) -> list[Role]:
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in roles_for(current_scope()) if role.group_name in names]
