"""Set-up of a province's Wagtail site. Runs inside the province's schema."""

from __future__ import annotations

from django.db import transaction

from wagtail.models import Page, Site

from cms.models import HomePage
from tenants.models import Province

DEFAULT_INTRO = (
    "<p>Tổng đài 1022 tiếp nhận câu hỏi, phản ánh, kiến nghị của người dân và doanh nghiệp "
    "24 giờ mỗi ngày, 7 ngày mỗi tuần, giải đáp ngay những gì có thể và chuyển cơ quan có thẩm quyền "
    "xử lý phần còn lại trong thời hạn quy định. Thông tin cá nhân của người phản ánh được giữ bí mật.</p>"
)


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
        Site.objects.create(
            hostname=hostname, port=80, root_page=home, is_default_site=True, site_name=f"Tổng đài 1022 {province.name}"
        )
        changes.append(f"trang thông tin {hostname}")
    return changes
