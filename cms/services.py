"""Set-up of a province's Wagtail site. Runs inside the province's schema."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from wagtail.models import GroupApprovalTask, Page, Site, Workflow, WorkflowPage, WorkflowTask

from cases.search import search_fold
from cms.models import FaqIndexPage, FaqTopic, HomePage, LookupPage, ReportPage
from tenants.models import Province

DEFAULT_INTRO = (
    "<p>Tổng đài 1022 tiếp nhận câu hỏi, phản ánh, kiến nghị của người dân và doanh nghiệp "
    "24 giờ mỗi ngày, 7 ngày mỗi tuần, giải đáp ngay những gì có thể và chuyển cơ quan có thẩm quyền "
    "xử lý phần còn lại trong thời hạn quy định. Thông tin cá nhân của người phản ánh được giữ bí mật.</p>"
)
# Found again by these names on every run: renaming them in the admin makes the next run create new ones.
WORKFLOW_NAME = "Duyệt và xuất bản"
APPROVAL_TASK_NAME = "Quản trị tỉnh duyệt"


@transaction.atomic
def site_ensure(*, province: Province, hostname: str) -> list[str]:
    """Give the schema one Wagtail site, bound to the province's host, with a HomePage at its root."""
    changes = []
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's first migration leaves a placeholder "Welcome" page; ours replaces it.
        placeholders = Page.objects.child_of(root).exact_type(Page)
        Site.objects.filter(root_page__in=placeholders).delete()
        for page in placeholders:
            page.delete()
        home = root.add_child(
            instance=HomePage(title=f"Tổng đài 1022 {province.name}", slug="home", intro=DEFAULT_INTRO)
        )
        changes.append("trang chủ")
    site = Site.objects.filter(hostname=hostname).first()
    if site is None:
        # One site per schema, and it is the default: the schema was chosen from the
        # host already, so a port or an extra domain must not lead anywhere else.
        Site.objects.update(is_default_site=False)
        site = Site.objects.create(
            hostname=hostname,
            port=public_port(),
            root_page=home,
            is_default_site=True,
            site_name=f"Tổng đài 1022 {province.name}",
        )
        changes.append(f"trang thông tin {hostname}")
    if site.port != public_port():
        # Wagtail builds the pages' full URLs (canonical links, sitemap) from it.
        site.port = public_port()
        site.save(update_fields=["port"])
        changes.append(f"cổng {site.port} của trang thông tin {hostname}")
    changes += _service_pages_ensure(home)
    return changes


def public_port() -> int:
    """The port the public reaches the sites on (PUBLIC_SCHEME, PUBLIC_PORT): 443 makes Wagtail's URLs https."""
    if settings.PUBLIC_PORT:
        return int(settings.PUBLIC_PORT)
    return 443 if settings.PUBLIC_SCHEME == "https" else 80


# The forms' own addresses (channels.web.urls): under them the form's view serves, with the page's texts.
SERVICE_PAGES = (
    (ReportPage, "phan-anh", "Gửi phản ánh đến Tổng đài 1022"),
    (LookupPage, "tra-cuu", "Tra cứu phản ánh"),
)


def _service_pages_ensure(home: HomePage) -> list[str]:
    """The report form and the status page as pages of the site, so the admin edits their texts there."""
    changes = []
    now = timezone.now()
    for model, slug, title in SERVICE_PAGES:
        # Once made, the page is the admin's: moved, renamed or unpublished, it is left alone.
        if not model.objects.exists():
            home.add_child(instance=model(title=title, slug=slug, first_published_at=now, last_published_at=now))
            changes.append(f"trang «{title}»")
    return changes


FAQ_INDEX_SLUG = "cau-hoi-thuong-gap"
FAQ_INDEX_TITLE = "Câu hỏi thường gặp"
# What every hotline is asked about from its first day; the admin adds the province's own topics.
FAQ_TOPICS = ("Về tổng đài 1022", "Thủ tục hành chính")


def faq_topic_slug(name: str) -> str:
    # "Điện, nước" → "dien-nuoc": slugify alone would drop the "Đ".
    return slugify(search_fold(name))


@transaction.atomic
def faq_skeleton_ensure(*, province: Province) -> list[str]:
    """The FAQ list under the home page and its first topics, for the admin to fill with questions.

    Runs after `site_ensure`. Made once, with the list: a topic the admin deletes later stays deleted.
    """
    home = HomePage.objects.first()
    if home is None or FaqIndexPage.objects.child_of(home).exists():
        return []
    now = timezone.now()
    home.add_child(
        instance=FaqIndexPage(
            title=FAQ_INDEX_TITLE,
            slug=FAQ_INDEX_SLUG,
            intro=f"<p>Giải đáp những câu hỏi người dân thường gửi đến Tổng đài 1022 {escape(province.name)}.</p>",
            # Live from the start, like the service pages: the first revision is the admin's first edit.
            first_published_at=now,
            last_published_at=now,
        )
    )
    existing = set(FaqTopic.objects.values_list("slug", flat=True))
    topics = [
        FaqTopic(name=name, slug=faq_topic_slug(name), order=order)
        for order, name in enumerate(FAQ_TOPICS)
        if faq_topic_slug(name) not in existing
    ]
    FaqTopic.objects.bulk_create(topics)
    changes = [f"trang «{FAQ_INDEX_TITLE}»"]
    if topics:
        changes.append(f"{len(topics)} chủ đề câu hỏi")
    return changes


@transaction.atomic
def workflow_ensure(*, approvers: Group) -> list[str]:
    """Put every page of the province's site under review: an editor's change goes live once `approvers` approve it.

    Runs after `site_ensure`, in the province's schema. It only adds what is missing, so a platform
    admin's later choice (the workflow switched off, another workflow on the home page) stays as it is.
    """
    changes = []
    home = HomePage.objects.get()
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
        changes.append(f"quy trình «{WORKFLOW_NAME}»")
    task = GroupApprovalTask.objects.filter(name=APPROVAL_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=APPROVAL_TASK_NAME)
        changes.append(f"bước «{APPROVAL_TASK_NAME}»")
    if not task.groups.filter(pk=approvers.pk).exists():
        task.groups.add(approvers)
        changes.append(f"nhóm «{approvers.name}» duyệt bước «{APPROVAL_TASK_NAME}»")
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=workflow.workflow_tasks.count())
        changes.append(f"bước «{APPROVAL_TASK_NAME}» trong quy trình «{WORKFLOW_NAME}»")
    # On the home page rather than the tree's root: Wagtail's own default workflow sits there, and
    # the nearest assignment wins, so every page of the site (the home page included) gets this one.
    if workflow.active and not WorkflowPage.objects.filter(page=home).exists():
        WorkflowPage.objects.create(page=home, workflow=workflow)
        changes.append(f"quy trình «{WORKFLOW_NAME}» cho mọi trang của «{home.title}»")
    return changes
