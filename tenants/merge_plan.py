"""What a merger does with each table of a province schema (`tenants.merge`).

Every table of the tenant apps has a rule, and a table without one stops the merger before it
moves anything (`plan_for`): a model added later must be thought about, not silently left behind.

Rule SQL sees the source row as `s`, the successor's as `d`, the row's id map as `m`, and the
placeholders {src}, {dst} (quoted schemas) and {slug} (the merged unit's slug, a SlugField).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings

from tenants.models import MergeRun, Province


class Mode(enum.Enum):
    SKIP = "skip"  # the successor's own configuration, or data that is rebuilt (search index, renditions)
    COPY = "copy"  # every row, with new ids
    MATCH = "match"  # rows the successor has (by `match`) map to its rows; the others are copied
    FIXED = "fixed"  # every row maps to one row of the successor (collections → its root)
    OWNED = "owned"  # rows of a parent that was copied (a copied calendar's periods)
    CHILD = "child"  # a multi-table child: its rows follow the parent table's (FAQ page → page)
    CUSTOM = "custom"  # the page tree


@dataclass
class Rule:
    table: str
    label: str
    mode: Mode
    fks: dict[str, str] = field(default_factory=dict)
    match: str = ""
    match_order: str = ""
    where: str = ""
    copy_unmatched: bool = True
    fixed: int | None = None
    owner: str = ""
    owner_table: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    # With drop_unmapped, rows whose `required` references resolve to nothing are left behind.
    required: tuple[str, ...] = ()
    drop_unmapped: bool = False
    on_conflict_nothing: bool = False
    # Citizens' data, emptied from the merged unit's schema once copied.
    purge: bool = False
    custom_map: Callable | None = None
    # Mapped after the generic map (its `where` needs it).
    after_generic: bool = False


def _m(table: str, column: str) -> str:
    return f"(SELECT x.new FROM m_{table} x WHERE x.old = s.{column})"


def _generic(ct_column: str, id_column: str = "object_id", cast: str = "") -> str:
    expression = f"(SELECT g.new FROM m_generic g WHERE g.ct = s.{ct_column} AND g.old = s.{id_column}::text)"
    return f"{expression}::{cast}" if cast else expression


def _file(column: str = "file") -> str:
    # The files are copied under "<slug>/" in the successor's media (tenants.merge._files_copy).
    return f"CASE WHEN s.{column} = '' THEN '' ELSE '{{slug}}/' || s.{column} END"


def _unique_text(table: str, column: str, max_length: int, *, prefix: bool) -> str:
    """The value, or (when the successor has it) the value marked with the unit's slug."""
    marked = (
        f"left('{{slug}}-' || s.{column}, {max_length})"
        if prefix
        else f"left(s.{column}, {max_length - 41}) || '.{{slug}}'"
    )
    taken = f"EXISTS (SELECT 1 FROM {{dst}}.{table} d WHERE d.{column} = s.{column})"
    return f"CASE WHEN {taken} THEN {marked} ELSE s.{column} END"


_DUP = "(SELECT a.target FROM merge_dup_agency a WHERE a.old = s.id)"
# The same body in both directories (a commune's committee is listed under its official ward code):
# the successor's row stands for both.
_SAME_AGENCY = "d.code = s.code AND lower(d.name) = lower(s.name)"
# Routing links and numbers of the agencies that were copied and do not duplicate the successor's.
_OWN_AGENCY = (
    "s.agency_id IN (SELECT old FROM m_cases_agency WHERE copied) "
    "AND s.agency_id NOT IN (SELECT old FROM merge_dup_agency)"
)
_SKIPPED = {
    # Sessions end with the merger; the successor's accounts log in on its host.
    "django_session": "phiên đăng nhập",
    # Rebuilt or regenerated from what moves.
    "wagtailembeds_embed": "nội dung nhúng (tải lại khi cần)",
    "wagtailimages_rendition": "ảnh thu nhỏ (tạo lại khi cần)",
    "wagtailsearch_indexentry": "chỉ mục tìm kiếm (lập lại)",
    "wagtailcore_referenceindex": "chỉ mục liên kết (lập lại)",
    "wagtailadmin_admin": "quyền truy cập trang quản trị",
    "wagtailadmin_editingsession": "phiên soạn thảo",
    "wagtailadmin_formstate": "trạng thái biểu mẫu",
    "wagtailcore_uploadedfile": "tệp đang tải lên",
    # The successor's site, permissions and review workflow apply to the pages that move.
    "wagtailcore_site": "trang thông tin",
    "wagtailcore_groupsitepermission": "quyền theo trang thông tin",
    "wagtailcore_grouppagepermission": "quyền theo trang",
    "wagtailcore_groupcollectionpermission": "quyền theo thư mục",
    "wagtailcore_collectionviewrestriction": "giới hạn xem thư mục",
    "wagtailcore_collectionviewrestriction_groups": "giới hạn xem thư mục theo nhóm",
    "wagtailcore_apitoken": "khoá API quản trị",
    "wagtailcore_workflow": "quy trình duyệt",
    "wagtailcore_workflowtask": "bước của quy trình",
    "wagtailcore_workflowcontenttype": "quy trình theo loại nội dung",
    "wagtailcore_workflowpage": "quy trình theo trang",
    "wagtailcore_workflowstate": "lượt duyệt đang mở",
    "wagtailcore_task": "bước duyệt",
    "wagtailcore_groupapprovaltask": "bước duyệt theo nhóm",
    "wagtailcore_groupapprovaltask_groups": "nhóm duyệt",
    "wagtailcore_taskstate": "trạng thái bước duyệt",
    # The successor's channels, menu and banner answer from now on.
    "hotline_channels_zalosettings": "cấu hình Zalo",
    "hotline_channels_messengersettings": "cấu hình Messenger",
    "hotline_channels_vibersettings": "cấu hình Viber",
    "hotline_channels_voicesettings": "cấu hình tổng đài",
    "hotline_channels_ivrmenu": "menu tổng đài",
    "hotline_channels_ivroption": "phím chọn của menu",
    "cms_announcementsettings": "thông báo trên trang",
    "channel_app_appsettings": "cấu hình ứng dụng",
    "channel_mail_mailsettings": "cấu hình thư điện tử",
    # Daily call measures of the unit's supervisors; its national call figures stay with the unit.
    "hotline_channels_voiceday": "số liệu cuộc gọi theo ngày",
    "hotline_channels_transferday": "số liệu chuyển máy theo ngày",
}


def _rules(*, users: str, home_root_collection: int) -> list[Rule]:
    move_users = users == MergeRun.Users.MOVE
    page_where = "s.id IN (SELECT old FROM m_wagtailcore_page WHERE copied)"
    return [
        # Content types, permissions, locales: the same apps in both schemas, matched by name.
        Rule(
            "django_content_type",
            "loại nội dung",
            Mode.MATCH,
            match="d.app_label = s.app_label AND d.model = s.model",
            copy_unmatched=False,
        ),
        Rule(
            "auth_permission",
            "quyền",
            Mode.MATCH,
            match=f"d.codename = s.codename AND d.content_type_id = {_m('django_content_type', 'content_type_id')}",
            copy_unmatched=False,
        ),
        Rule("wagtailcore_locale", "ngôn ngữ", Mode.MATCH, match="d.language_code = s.language_code"),
        Rule("auth_group", "nhóm quyền", Mode.MATCH, match="d.name = s.name"),
        Rule(
            "auth_group_permissions",
            "quyền của nhóm",
            Mode.OWNED,
            owner="group_id",
            owner_table="auth_group",
            drop_unmapped=True,
            required=("permission_id",),
            on_conflict_nothing=True,
        ),
        Rule(
            "auth_user",
            "tài khoản",
            Mode.COPY,
            columns={
                "username": _unique_text("auth_user", "username", 150, prefix=False),
                "is_active": "s.is_active" if move_users else "FALSE",
                "is_superuser": "s.is_superuser" if move_users else "FALSE",
            },
        ),
        Rule("auth_user_groups", "nhóm của tài khoản", Mode.COPY, on_conflict_nothing=True),
        Rule(
            "auth_user_user_permissions",
            "quyền riêng của tài khoản",
            Mode.COPY,
            drop_unmapped=True,
            required=("permission_id",),
            on_conflict_nothing=True,
        ),
        Rule("wagtailusers_userprofile", "hồ sơ người dùng", Mode.COPY),
        # Cases' configuration: the successor's where it has the same thing.
        Rule("cases_ward", "xã, phường", Mode.MATCH, match="d.code = s.code"),
        Rule("cases_businesscalendar", "lịch làm việc", Mode.MATCH, match="d.code = s.code"),
        Rule(
            "cases_calendarperiod", "khung giờ", Mode.OWNED, owner="calendar_id", owner_table="cases_businesscalendar"
        ),
        Rule(
            "cases_calendaroverride",
            "ngày ngoại lệ",
            Mode.OWNED,
            owner="calendar_id",
            owner_table="cases_businesscalendar",
        ),
        Rule("cases_slapolicy", "chính sách thời hạn", Mode.MATCH, match="d.code = s.code"),
        Rule(
            "cases_slaprioritytarget",
            "thời hạn theo mức ưu tiên",
            Mode.OWNED,
            owner="policy_id",
            owner_table="cases_slapolicy",
        ),
        Rule(
            "cases_category",
            "lĩnh vực",
            Mode.MATCH,
            match="d.national_code = s.national_code",
            match_order='d.is_active DESC, d."order", d.id',
            columns={"code": _unique_text("cases_category", "code", 40, prefix=True)},
        ),
        # Agencies are kept (open reports may be with them); one the successor already has under the
        # same code is flagged, placed under the successor's, and left out of routing.
        Rule(
            "cases_agency",
            "cơ quan",
            Mode.MATCH,
            match=_SAME_AGENCY,
            columns={
                "code": f"CASE WHEN {_DUP} IS NULL THEN s.code ELSE left('{{slug}}-' || s.code, 40) END",
                "parent_id": f"CASE WHEN s.parent_id IS NULL THEN {_DUP} ELSE {_m('cases_agency', 'parent_id')} END",
                "review_note": (
                    f"CASE WHEN {_DUP} IS NULL THEN s.review_note ELSE left('Sáp nhập từ ' || "
                    "(SELECT n.name FROM merge_unit n) || ': trùng mã «' || s.code || '» với «' || "
                    "(SELECT a.target_name FROM merge_dup_agency a WHERE a.old = s.id) || '». Xem xét gộp.', 300) END"
                ),
            },
        ),
        Rule(
            "cases_agency_wards",
            "xã, phường của cơ quan",
            Mode.COPY,
            where=_OWN_AGENCY,
            on_conflict_nothing=True,
        ),
        Rule(
            "cases_agency_categories",
            "lĩnh vực của cơ quan",
            Mode.COPY,
            where=_OWN_AGENCY,
            on_conflict_nothing=True,
        ),
        Rule(
            "cases_agencyphone",
            "số điện thoại cơ quan",
            Mode.COPY,
            where="s.agency_id IN (SELECT old FROM m_cases_agency WHERE copied)",
        ),
        Rule("cases_agencymember", "cán bộ cơ quan", Mode.COPY),
        # Citizens and their reports.
        Rule(
            "cases_reporter",
            "người phản ánh",
            Mode.MATCH,
            match="s.phone <> '' AND d.phone = s.phone",
            purge=True,
        ),
        Rule(
            "cases_reporteridentity",
            "định danh trên kênh",
            Mode.MATCH,
            match="s.channel <> 'app' AND d.channel = s.channel AND d.external_id = s.external_id",
            columns={"external_id": _app_device("external_id")},
            purge=True,
        ),
        Rule(
            "cases_case",
            "phản ánh",
            Mode.COPY,
            columns={
                "tracking_code": (
                    "COALESCE((SELECT c.new FROM merge_codes c WHERE c.old = s.tracking_code), s.tracking_code)"
                ),
                "provider_id": (
                    "CASE WHEN s.provider_id <> '' AND EXISTS (SELECT 1 FROM {dst}.cases_case d "
                    "WHERE d.channel = s.channel AND d.provider_id = s.provider_id) THEN '' ELSE s.provider_id END"
                ),
                "legacy_unit": "COALESCE(NULLIF(s.legacy_unit, ''), '{slug}')",
            },
            purge=True,
        ),
        Rule("cases_trackingcodealias", "mã tra cứu cũ", Mode.COPY, purge=True),
        Rule("cases_caseevent", "nhật ký xử lý", Mode.COPY, purge=True),
        Rule("cases_outboxmessage", "tin nhắn gửi đi", Mode.COPY, purge=True),
        Rule("cases_caseattachment", "tệp đính kèm", Mode.COPY, columns={"file": _file()}, purge=True),
        Rule("cases_callback", "gọi lại", Mode.COPY, purge=True),
        Rule(
            "hotline_channels_inboundevent",
            "tin nhắn đến",
            Mode.COPY,
            columns={"sender_id": _app_device("sender_id")},
            purge=True,
        ),
        Rule("hotline_channels_smsmessage", "tin SMS", Mode.COPY, purge=True),
        Rule(
            "hotline_channels_call",
            "cuộc gọi",
            Mode.COPY,
            columns={"legacy_unit": "COALESCE(NULLIF(s.legacy_unit, ''), '{slug}')"},
            purge=True,
        ),
        Rule("hotline_channels_calltransfer", "lượt chuyển máy", Mode.COPY, purge=True),
        Rule("hotline_channels_voiceevent", "sự kiện cuộc gọi", Mode.COPY, purge=True),
        Rule("hotline_channels_operatorline", "máy của điện thoại viên", Mode.COPY),
        Rule("channel_web_websubmission", "phản ánh qua web", Mode.COPY, purge=True),
        Rule("channel_app_appdevice", "ứng dụng đã cài", Mode.COPY, purge=True),
        Rule("channel_open311_apikey", "khoá API đối tác", Mode.COPY),
        Rule("channel_open311_servicerequest", "yêu cầu Open311", Mode.COPY, purge=True),
        Rule("channel_mail_inboundmail", "thư điện tử đến", Mode.COPY, purge=True),
        # Images and documents: one library, the successor's root collection.
        Rule("wagtailcore_collection", "thư mục", Mode.FIXED, fixed=home_root_collection),
        Rule("wagtailimages_image", "hình ảnh", Mode.COPY, columns={"file": _file()}),
        Rule("wagtaildocs_document", "tài liệu", Mode.COPY, columns={"file": _file()}),
        # The FAQ site: the unit's pages under its section on the successor's site.
        Rule(
            "wagtailcore_page",
            "trang",
            Mode.CUSTOM,
            custom_map=_pages_map,
            copy_unmatched=False,
            columns={
                "path": (
                    "(SELECT t.path FROM merge_section t) || "
                    "substr(s.path, (SELECT length(h.path) FROM merge_home h) + 1)"
                ),
                "depth": "s.depth - (SELECT h.depth FROM merge_home h) + (SELECT t.depth FROM merge_section t)",
                "url_path": (
                    "(SELECT t.url_path FROM merge_section t) || "
                    "substr(s.url_path, (SELECT length(h.url_path) FROM merge_home h) + 1)"
                ),
            },
        ),
        Rule(
            "wagtailcore_revision",
            "phiên bản trang",
            Mode.COPY,
            where=f"{_generic('base_content_type_id')} IS NOT NULL",
            columns={"object_id": _generic("base_content_type_id")},
            after_generic=True,
        ),
        Rule(
            "wagtailcore_pagelogentry",
            "lịch sử trang",
            Mode.COPY,
            where=f"{_m('wagtailcore_page', 'page_id')} IS NOT NULL",
            after_generic=True,
        ),
        Rule(
            "wagtailcore_modellogentry",
            "lịch sử cấu hình",
            Mode.COPY,
            columns={"object_id": f"COALESCE({_generic('content_type_id')}, '')"},
            after_generic=True,
        ),
        Rule("wagtailcore_comment", "bình luận trang", Mode.COPY, where=page_where.replace("s.id", "s.page_id")),
        Rule("wagtailcore_commentreply", "trả lời bình luận", Mode.COPY, drop_unmapped=True, required=("comment_id",)),
        Rule(
            "wagtailcore_pagesubscription",
            "theo dõi trang",
            Mode.COPY,
            where=page_where.replace("s.id", "s.page_id"),
            on_conflict_nothing=True,
        ),
        Rule(
            "wagtailcore_pageviewrestriction",
            "giới hạn xem trang",
            Mode.COPY,
            where=page_where.replace("s.id", "s.page_id"),
        ),
        Rule(
            "wagtailcore_pageviewrestriction_groups",
            "nhóm được xem trang",
            Mode.COPY,
            drop_unmapped=True,
            required=("pageviewrestriction_id",),
        ),
        Rule(
            "wagtailforms_formsubmission", "biểu mẫu đã gửi", Mode.COPY, where=page_where.replace("s.id", "s.page_id")
        ),
        Rule("cms_faqtopic", "chủ đề hỏi đáp", Mode.MATCH, match="d.slug = s.slug"),
        Rule(
            "taggit_tag",
            "nhãn",
            Mode.MATCH,
            match="d.name = s.name",
            columns={"slug": _unique_text("taggit_tag", "slug", 100, prefix=True)},
        ),
        Rule(
            "taggit_taggeditem",
            "gắn nhãn",
            Mode.COPY,
            where=f"{_generic('content_type_id')} IS NOT NULL",
            columns={"object_id": _generic("content_type_id", cast="integer")},
            after_generic=True,
        ),
        Rule(
            "cms_faqpagetag",
            "nhãn của câu hỏi",
            Mode.COPY,
            where=f"{_m('wagtailcore_page', 'content_object_id')} IS NOT NULL",
        ),
        Rule(
            "cms_faqrelated",
            "câu hỏi liên quan",
            Mode.COPY,
            where=(
                f"{_m('wagtailcore_page', 'page_id')} IS NOT NULL AND {_m('wagtailcore_page', 'target_id')} IS NOT NULL"
            ),
        ),
    ]


def _app_device(column: str) -> str:
    """The app identifies a citizen by their installation's id, which the copy changes."""
    return (
        f"CASE WHEN s.channel = 'app' THEN COALESCE((SELECT x.new::text FROM m_channel_app_appdevice x "
        f"WHERE x.old::text = s.{column}), s.{column}) ELSE s.{column} END"
    )


def _pages_map(mover) -> None:
    """Root → root, the unit's home → its section, the pages below home copied (not its form pages,
    which the successor has at the same addresses)."""
    mover.q(
        "INSERT INTO m_wagtailcore_page SELECT s.id, (SELECT d.id FROM {dst}.wagtailcore_page d WHERE d.depth = 1 "
        "ORDER BY d.path LIMIT 1), FALSE FROM {src}.wagtailcore_page s WHERE s.depth = 1"
    )
    mover.q(
        "INSERT INTO m_wagtailcore_page SELECT h.id, (SELECT t.id FROM merge_section t), FALSE FROM merge_home h "
        "ON CONFLICT DO NOTHING"
    )
    mover.q(
        "INSERT INTO m_wagtailcore_page "
        "SELECT s.id, nextval(pg_get_serial_sequence('{dst}.wagtailcore_page', 'id')), TRUE "
        "FROM {src}.wagtailcore_page s, merge_home h "
        "WHERE s.path LIKE h.path || '_%%' AND NOT EXISTS ("
        "  SELECT 1 FROM {src}.wagtailcore_page x JOIN {src}.django_content_type ct ON ct.id = x.content_type_id "
        "  WHERE ct.app_label = 'cms' AND ct.model IN ('reportpage', 'lookuppage') AND s.path LIKE x.path || '%%'"
        ") ORDER BY s.path"
    )


def prepare(mover) -> None:
    """Temporary tables the rules read: the unit, its home page, the section, duplicates, new codes."""
    mover.q("CREATE TEMP TABLE merge_unit (name text) ON COMMIT DROP")
    mover.q("INSERT INTO merge_unit VALUES (%s)", [mover.source.name])
    mover.q("CREATE TEMP TABLE merge_home (id bigint PRIMARY KEY, path text, depth int, url_path text) ON COMMIT DROP")
    mover.q(
        "INSERT INTO merge_home SELECT p.id, p.path, p.depth, p.url_path FROM {src}.wagtailcore_page p "
        "JOIN {src}.wagtailcore_site w ON w.root_page_id = p.id ORDER BY w.is_default_site DESC LIMIT 1"
    )
    section = mover.section
    mover.q("CREATE TEMP TABLE merge_section (id bigint, path text, depth int, url_path text) ON COMMIT DROP")
    mover.q(
        "INSERT INTO merge_section VALUES (%s, %s, %s, %s)",
        [section.page_id, section.path, section.depth, section.url_path],
    )
    mover.q(
        "CREATE TEMP TABLE merge_dup_agency (old bigint PRIMARY KEY, target bigint, target_name text) ON COMMIT DROP"
    )
    mover.q(
        "INSERT INTO merge_dup_agency SELECT s.id, d.id, d.name FROM {src}.cases_agency s "
        "JOIN {dst}.cases_agency d ON d.code = s.code AND lower(d.name) <> lower(s.name)"
    )
    _codes_prepare(mover)


def _codes_prepare(mover) -> None:
    """A tracking code the successor already uses gets a new one; the old stays findable as an alias."""
    from cases.codes import tracking_code_new

    mover.q("CREATE TEMP TABLE merge_codes (old text PRIMARY KEY, new text NOT NULL) ON COMMIT DROP")
    mover.q(
        "SELECT s.tracking_code FROM {src}.cases_case s WHERE EXISTS "
        "(SELECT 1 FROM {dst}.cases_case d WHERE d.tracking_code = s.tracking_code) "
        "OR EXISTS (SELECT 1 FROM {dst}.cases_trackingcodealias a WHERE a.code = s.tracking_code)"
    )
    colliding = [row[0] for row in mover.cursor.fetchall()]
    taken: set[str] = set()
    for old in colliding:
        while True:
            new = tracking_code_new()
            if new in taken:
                continue
            in_use = mover.scalar(
                "SELECT EXISTS (SELECT 1 FROM {dst}.cases_case WHERE tracking_code = %s) "
                "OR EXISTS (SELECT 1 FROM {src}.cases_case WHERE tracking_code = %s) "
                "OR EXISTS (SELECT 1 FROM {dst}.cases_trackingcodealias WHERE code = %s)",
                [new, new, new],
            )
            if not in_use:
                break
        taken.add(new)
        mover.q("INSERT INTO merge_codes VALUES (%s, %s)", [old, new])
    mover.report.codes_reissued = len(colliding)


def finish(mover) -> None:
    """After the copies: the section's child count, former codes, the unit's accounts, the indexes."""
    report = mover.report
    mover.q(
        "UPDATE {dst}.wagtailcore_page p SET numchild = (SELECT count(*) FROM {dst}.wagtailcore_page c "
        "WHERE c.path LIKE p.path || '____' ) WHERE p.id = (SELECT id FROM merge_section)"
    )
    mover.q(
        "INSERT INTO {dst}.cases_trackingcodealias (code, case_id, unit, created_at) "
        "SELECT c.old, m.new, '{slug}', now() FROM merge_codes c "
        "JOIN {src}.cases_case s ON s.tracking_code = c.old JOIN m_cases_case m ON m.old = s.id"
    )
    # The unit's own accounts end with it: its host now leads to the successor.
    mover.q("UPDATE {src}.auth_user SET is_active = FALSE")

    mover.q(
        "SELECT s.name, a.target_name FROM merge_dup_agency a JOIN {src}.cases_agency s ON s.id = a.old ORDER BY s.name"
    )
    duplicates = mover.cursor.fetchall()
    if duplicates:
        report.review.append(
            f"{len(duplicates)} cơ quan trùng mã với cơ quan của {mover.target.name}, được giữ lại (không nhận "
            f"phân công tự động) và đánh dấu «cần xem xét»: "
            + "; ".join(f"{name} ≈ {target}" for name, target in duplicates[:10])
            + (" …" if len(duplicates) > 10 else "")
        )
    mover.q(
        "SELECT s.username FROM {src}.auth_user s WHERE EXISTS (SELECT 1 FROM {dst}.auth_user d "
        "WHERE d.username = s.username AND d.id NOT IN (SELECT new FROM m_auth_user))"
    )
    renamed = [row[0] for row in mover.cursor.fetchall()]
    if renamed:
        report.review.append(f"Tài khoản trùng tên, đổi thành «tên.{mover.source.slug}»: " + ", ".join(renamed))
    mover.q(
        "SELECT s.name FROM {src}.cases_category s JOIN m_cases_category m ON m.old = s.id AND m.copied ORDER BY s.name"
    )
    new_categories = [row[0] for row in mover.cursor.fetchall()]
    if new_categories:
        report.review.append(f"Lĩnh vực chưa có ở {mover.target.name}, được thêm mới: " + ", ".join(new_categories))
    if report.codes_reissued:
        report.review.append(
            f"{report.codes_reissued} phản ánh có mã tra cứu trùng với mã của {mover.target.name}: được cấp mã mới, "
            "mã cũ vẫn tra cứu được."
        )
    _pages_index(mover)


def _pages_index(mover) -> None:
    """Search and reference indexes of the pages that moved, in the successor's schema."""
    from django_tenants.utils import tenant_context
    from wagtail.models import Page, ReferenceIndex
    from wagtail.search import index

    with tenant_context(mover.target):
        section = Page.objects.get(pk=mover.section.page_id)
        for page in Page.objects.filter(path__startswith=section.path).specific().iterator():
            index.insert_or_update_object(page)
            ReferenceIndex.create_or_update_for_object(page)


def plan_for(*, source: Province, target: Province, users: str) -> list[Rule]:
    """The rules for every table of the tenant apps, in order: mapped first where others match on them."""
    from django_tenants.utils import tenant_context
    from wagtail.models import Collection

    with tenant_context(target):
        root_collection = Collection.get_first_root_node().pk
    rules = {rule.table: rule for rule in _rules(users=users, home_root_collection=root_collection)}
    tables = _tenant_tables()
    missing = [table for table in tables if table not in rules and table not in _SKIPPED and not tables[table]["child"]]
    if missing:
        raise LookupError(f"Chưa có quy tắc sáp nhập cho bảng: {', '.join(sorted(missing))}")
    ordered = []
    for table, meta in tables.items():
        if table in _SKIPPED:
            ordered.append(Rule(table, _SKIPPED[table], Mode.SKIP))
        elif meta["child"] and meta["parent"] == "wagtailcore_page":
            ordered.append(
                Rule(table, meta["label"], Mode.CHILD, owner=meta["pk"], owner_table=meta["parent"], fks=meta["fks"])
            )
        elif meta["child"]:
            ordered.append(Rule(table, meta["label"], Mode.SKIP))
        else:
            rules[table].fks = meta["fks"]
    # Maps are built in the rules' written order (what a rule matches or depends on comes first),
    # and those that read the generic map after it.
    written = [rule for rule in rules.values() if rule.table in tables]
    return written + ordered


def _tenant_tables() -> dict[str, dict]:
    """Every concrete table of the tenant apps, with its foreign keys resolved to the table whose ids they hold."""
    labels = {config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS}
    tables: dict[str, dict] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in labels or meta.proxy or not meta.managed:
            continue
        parent_link = meta.pk.remote_field is not None and meta.pk.remote_field.parent_link
        fks = {}
        for column_field in meta.local_concrete_fields:
            if column_field.remote_field is not None and column_field.is_relation:
                fks[column_field.column] = _id_table(column_field.related_model)
        tables[meta.db_table] = {
            "label": str(meta.verbose_name),
            "fks": fks,
            "child": bool(parent_link),
            "parent": _id_table(meta.pk.remote_field.model) if parent_link else "",
            "pk": meta.pk.column,
        }
    return tables


def _id_table(model) -> str:
    """The table that issues the model's ids: its root parent's, for a multi-table child."""
    while model._meta.pk.remote_field is not None and model._meta.pk.remote_field.parent_link:
        model = model._meta.pk.remote_field.model
    return model._meta.db_table
