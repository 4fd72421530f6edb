"""The public pages' cache (cms.cache): per province, purged on publish, never for signed-in staff."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.test import Client

import pytest
from django_tenants.utils import schema_context, tenant_context

from cms.cache import HEADER, page_views_flush
from cms.models import AnnouncementSettings, FaqIndexPage, FaqPage, HomePage
from tenants.demo import DEMO_PASSWORD
from tenants.models import DialingPrefix
from tests.conftest import host_of


def first_faq(province) -> FaqPage:
    with tenant_context(province):
        page = FaqPage.objects.live().order_by("path").first()
        page.url  # noqa: B018  (resolved while in the province's schema)
        return page


def faq_url(province) -> str:
    return first_faq(province).url


def edit_answer(province, text: str) -> None:
    with tenant_context(province):
        page = FaqPage.objects.live().order_by("path").first()
        page.answer = [("paragraph", f"<p>{text}</p>")]
        page.save_revision().publish()


def views_of(province, page: FaqPage) -> int:
    with tenant_context(province):
        return FaqPage.objects.get(pk=page.pk).view_count


def keys_in_redis() -> list[str]:
    client = cache.client.get_client()
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    return [key.decode() for key in client.scan_iter(match=f"*:{prefix}:*cms:page:*", count=1000)]


def test_the_second_anonymous_visit_is_served_from_the_cache_and_still_counted(client_b, province_b):
    page = first_faq(province_b)
    url, before = page.url, views_of(province_b, page)

    first, second = client_b.get(url), client_b.get(url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    with tenant_context(province_b):
        assert page_views_flush() == 2
        assert page_views_flush() == 0
    assert views_of(province_b, page) == before + 2


def test_publishing_shows_the_new_answer_at_once(client_b, province_b):
    url = faq_url(province_b)
    client_b.get(url)
    assert client_b.get(url)[HEADER] == "hit"

    edit_answer(province_b, "Câu trả lời vừa được cập nhật hôm nay.")

    response = client_b.get(url)
    assert response[HEADER] == "miss"
    assert "Câu trả lời vừa được cập nhật hôm nay." in response.content.decode()


def test_a_new_question_appears_on_the_cached_list_once_published(client_b, province_b):
    with tenant_context(province_b):
        index = FaqIndexPage.objects.get()
        index_url = index.url
    listed = {"tag": "pha-nam-can"}
    assert client_b.get(index_url, listed)[HEADER] == "miss"
    assert client_b.get(index_url, listed)[HEADER] == "hit"

    with tenant_context(province_b):
        page = FaqPage(title="Giờ mở cửa bến phà Năm Căn?", slug="gio-pha", answer=[])
        page.tags.add("pha-nam-can")
        index.add_child(instance=page).save_revision().publish()

    assert "Giờ mở cửa bến phà Năm Căn?" in client_b.get(index_url, listed).content.decode()


def test_purging_one_province_leaves_the_others_cache(client_a, client_b, province_b):
    client_a.get("/")
    client_b.get("/")

    edit_answer(province_b, "Chỉ Cà Mau thay đổi.")

    assert client_a.get("/")[HEADER] == "hit"
    assert client_b.get("/")[HEADER] == "miss"


def test_each_provinces_pages_are_cached_under_its_own_schema(client_a, client_b, province_a, province_b):
    client_a.get("/")
    client_b.get("/")

    keys = keys_in_redis()
    assert {key.split(":", 1)[0] for key in keys} == {province_a.schema_name, province_b.schema_name}
    # The same path on two hosts: each host gets its own province's page, cached or not.
    assert "Cà Mau" in client_b.get("/").content.decode()
    assert "Cà Mau" not in client_a.get("/").content.decode()
    assert "Bình Dương" in client_a.get("/").content.decode()


def test_the_banner_switched_on_shows_at_once_on_cached_pages(client_b, province_b):
    url = faq_url(province_b)
    for _ in range(2):
        client_b.get(url)
    with tenant_context(province_b):
        banner = AnnouncementSettings.load()
        banner.text, banner.enabled = "Tổng đài tạm chuyển sang chế độ chống dịch.", True
        banner.save()

    assert "Tổng đài tạm chuyển sang chế độ chống dịch." in client_b.get(url).content.decode()


def test_a_new_dialing_prefix_shows_on_the_cached_home_page(client_b, province_b):
    client_b.get("/")
    with schema_context("public"):
        DialingPrefix.objects.create(province=province_b, area_code="291")

    assert "0291 1022" in client_b.get("/").content.decode()


def test_signed_in_staff_are_never_served_or_stored(client_b, province_b):
    client_b.get("/")
    staff = Client(HTTP_HOST=host_of("camau"))
    staff.post("/accounts/login/", {"username": "operator.camau", "password": DEMO_PASSWORD})

    response = staff.get("/")
    assert HEADER not in response
    assert "operator.camau" in response.content.decode()
    # An anonymous visitor after them still gets the anonymous page.
    assert "operator.camau" not in client_b.get("/").content.decode()


@pytest.mark.parametrize(("query", "cached"), [({"tag": "covid-19"}, True), ({"utm_source": "zalo"}, False)])
def test_only_the_lists_own_parameters_are_cached(client_b, province_b, query, cached):
    with tenant_context(province_b):
        index_url = FaqIndexPage.objects.get().url
    client_b.get(index_url, query)

    assert (client_b.get(index_url, query).get(HEADER) == "hit") is cached


def test_the_search_page_and_forms_are_not_cached(client_b):
    for url in ("/tim-kiem/?q=vac+xin", "/phan-anh/"):
        client_b.get(url)
        assert HEADER not in client_b.get(url), url


def test_the_language_switch_needs_no_token_and_english_is_cached_apart(client_b):
    vietnamese = client_b.get("/")
    assert 'name="csrfmiddlewaretoken"' not in vietnamese.content.decode()

    switched = client_b.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert switched.status_code == 302
    english = client_b.get("/")
    assert english[HEADER] == "miss"
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="vi">' in Client(HTTP_HOST=host_of("camau")).get("/").content.decode()


def test_without_redis_pages_are_served_and_views_counted_in_the_database(client_b, province_b, settings):
    page = first_faq(province_b)
    url = page.url
    # A port nobody listens on: every cache call fails fast.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:9/0"}}

    responses = [client_b.get(url) for _ in range(2)]

    assert [response.status_code for response in responses] == [200, 200]
    assert all(HEADER not in response for response in responses)
    assert views_of(province_b, page) == page.view_count + 2


def test_a_home_page_edit_is_cached_only_once_published(client_b, province_b):
    client_b.get("/")
    with tenant_context(province_b):
        home = HomePage.objects.get()
        home.intro = "<p>Bản nháp chưa xuất bản.</p>"
        home.save_revision()

    assert "Bản nháp chưa xuất bản." not in client_b.get("/").content.decode()

    with tenant_context(province_b):
        home.get_latest_revision().publish()

    assert "Bản nháp chưa xuất bản." in client_b.get("/").content.decode()
