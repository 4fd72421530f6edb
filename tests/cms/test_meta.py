"""What a province's public pages tell search engines and the apps a link is shared in (Zalo, Facebook):
the description, the canonical address and the Open Graph tags, each naming that province and no other."""

from __future__ import annotations

from html.parser import HTMLParser

from django.http import HttpResponse

from django_tenants.utils import tenant_context

from cms.models import FaqPage, HomePage

CAMAU_HOTLINE = "Tổng đài 1022 Cà Mau"
# A question every demo province has, so the same address exists on both hosts.
SHARED_FAQ = "tiem-vac-xin"


class HeadTags(HTMLParser):
    """The <meta> tags (by name or property) and the canonical link, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "meta" and "content" in attributes:
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.meta.setdefault(key, []).append(attributes["content"] or "")
        elif tag == "link" and attributes.get("rel") == "canonical":
            self.canonical.append(attributes.get("href") or "")

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]


def head_tags(response: HttpResponse) -> HeadTags:
    assert response.status_code == 200
    tags = HeadTags()
    tags.feed(response.content.decode())
    return tags


def assert_describes(tags: HeadTags, *, url: str, title: str, description: str, kind: str, site_name: str) -> None:
    assert tags.canonical == [url]
    assert tags.one("og:url") == url
    assert tags.one("og:title") == title
    assert tags.one("description") == description
    assert tags.one("og:description") == description
    assert tags.one("og:type") == kind
    assert tags.one("og:site_name") == site_name
    assert tags.one("og:locale") == "vi_VN"


def test_the_home_page_describes_the_provinces_hotline(client_b, province_b):
    response = client_b.get("/")
    tags = head_tags(response)

    assert_describes(
        tags,
        url="http://camau.localhost/",
        title=CAMAU_HOTLINE,
        description="Tổng đài 1022 Cà Mau: tiếp nhận câu hỏi, phản ánh, kiến nghị 24/7.",
        kind="website",
        site_name=CAMAU_HOTLINE,
    )
    assert "Bình Dương" not in response.content.decode()


def test_a_question_is_described_as_an_article_of_its_own_province(client_a, client_b, province_a, province_b):
    for client, tenant, name, other in (
        (client_b, province_b, "Cà Mau", "Bình Dương"),
        (client_a, province_a, "Bình Dương", "Cà Mau"),
    ):
        with tenant_context(tenant):
            page = FaqPage.objects.get(slug=SHARED_FAQ)
            url, title, summary = page.full_url, page.title, page.summary()
        response = client.get(url)
        tags = head_tags(response)

        assert url == f"http://{tenant.slug}.localhost/cau-hoi-thuong-gap/{SHARED_FAQ}/"
        assert_describes(
            tags, url=url, title=title, description=summary, kind="article", site_name=f"Tổng đài 1022 {name}"
        )
        assert other not in response.content.decode()


def test_the_search_page_is_described_without_its_query_and_kept_out_of_search_engines(client_b, province_b):
    tags = head_tags(client_b.get("/tim-kiem/", {"q": "tiem vac xin"}))

    assert_describes(
        tags,
        url="http://camau.localhost/tim-kiem/",
        title="Tìm trong câu hỏi thường gặp",
        description="Tìm trong câu hỏi thường gặp của Tổng đài 1022 Cà Mau.",
        kind="website",
        site_name=CAMAU_HOTLINE,
    )
    assert tags.one("robots") == "noindex"


def test_an_editors_description_is_used_as_written(client_b, province_b):
    text = 'Hỏi "1022" <Cà Mau> & đáp'
    with tenant_context(province_b):
        home = HomePage.objects.get()
        home.search_description = text
        home.save_revision().publish()

    tags = head_tags(client_b.get("/"))

    assert tags.one("description") == text
    assert tags.one("og:description") == text
