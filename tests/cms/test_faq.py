"""The province's public FAQ: pages per province, search without diacritics, the banner, the demo seed."""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection

import pytest
from django_tenants.utils import tenant_context

from cms import demo_faq
from cms.cache import page_views_flush
from cms.demo import faq_seed
from cms.models import AnnouncementSettings, FaqIndexPage, FaqPage, HomePage
from tenants.demo import DEMO_PROVINCES
from tests.conftest import province

VACCINE = "Đăng ký tiêm vắc-xin ở đâu?"


def _own_entry(slug: str, other: str) -> demo_faq.FaqEntry:
    others = {entry.key for entry in demo_faq.entries_for(other)}
    return next(entry for entry in demo_faq.entries_for(slug) if entry.key not in others)


def _add_faq(index: FaqIndexPage, title: str, slug: str, text: str) -> FaqPage:
    page = index.add_child(instance=FaqPage(title=title, slug=slug, answer=[("paragraph", f"<p>{text}</p>")]))
    page.save_revision().publish()
    return page


def test_home_page_shows_the_province_its_numbers_channels_and_questions(client_b, province_b):
    response = client_b.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cà Mau" in html and "Bình Dương" not in html
    assert 'href="tel:02901022"' in html and "0290 1022" in html
    assert 'href="/phan-anh/"' in html and 'href="/tra-cuu/"' in html
    assert demo_faq.EMERGENCY_NOTICE in html
    assert 'href="/cau-hoi-thuong-gap/' in html
    assert '<link rel="canonical" href="http://camau.localhost/">' in html
    assert '<html lang="vi">' in html


def test_home_page_links_the_channels_the_province_has_set_up(client_b, province_b):
    from channels.mail.models import MailSettings
    from channels.messaging.models import ZaloSettings

    with tenant_context(province_b):
        ZaloSettings.objects.update_or_create(defaults={"oa_id": "4318786498551040511"})
        mail = MailSettings.load()
        mail.address = "1022@camau.gov.vn"
        mail.save()

    html = client_b.get("/").content.decode()

    assert 'href="https://zalo.me/4318786498551040511"' in html
    assert 'href="mailto:1022@camau.gov.vn"' in html


def test_faq_index_and_page_render_the_provinces_own_content(client_b, province_b):
    entry = _own_entry("camau", "binhduong")
    with tenant_context(province_b):
        index_url = FaqIndexPage.objects.get().url
        page = FaqPage.objects.get(slug=entry.key)
        page_url, title, summary = page.url, page.title, page.summary()

    index = client_b.get(index_url)
    faq = client_b.get(page_url)

    assert index.status_code == 200
    assert title in index.content.decode()
    assert faq.status_code == 200
    html = faq.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert f'<meta name="description" content="{summary}">' in html
    assert "Cà Mau" in html
    with tenant_context(province_b):
        assert page_views_flush() == 1
        assert FaqPage.objects.get(pk=page.pk).view_count == page.view_count + 1
    assert title in [faq.title for faq in client_b.get("/").context["popular_faqs"]]


def test_publishing_a_revision_keeps_the_views_counted_since(client_b, province_b):
    with tenant_context(province_b):
        page = FaqPage.objects.live().first()
        revision, url = page.save_revision(), page.url
    client_b.get(url)
    client_b.get(url)

    with tenant_context(province_b):
        page_views_flush()
        revision.publish()
        assert FaqPage.objects.get(pk=page.pk).view_count == page.view_count + 2


def test_faq_index_filters_by_tag(client_b, province_b):
    with tenant_context(province_b):
        tagged = FaqPage.objects.filter(tags__isnull=False).first()
        tag = tagged.tags.first()
        untagged = FaqPage.objects.exclude(tags__slug=tag.slug).first()
        index_url = FaqIndexPage.objects.get().url

    html = client_b.get(index_url, {"tag": tag.slug}).content.decode()

    assert tagged.title in html
    assert untagged.title not in html


def test_a_camau_question_is_not_found_on_binhduongs_host(client_a, client_b, province_b):
    entry = _own_entry("camau", "binhduong")
    with tenant_context(province_b):
        url = FaqPage.objects.get(slug=entry.key).url

    assert client_b.get(url).status_code == 200
    assert client_a.get(url).status_code == 404


def test_search_ignores_diacritics_and_finds_a_hyphenated_word(client_b, province_b):
    with tenant_context(province_b):
        index = FaqIndexPage.objects.get()
        _add_faq(index, VACCINE, "dang-ky-tiem-vac-xin", "Tại trạm y tế xã, phường nơi bạn cư trú.")

    response = client_b.get("/tim-kiem/", {"q": "tiem vac xin"})

    assert response.status_code == 200
    titles = [page.title for page in response.context["results"].object_list]
    assert VACCINE in titles
    html = response.content.decode()
    assert "<mark>tiêm</mark> <mark>vắc</mark>-<mark>xin</mark>" in html
    # Only for screen readers here, under a heading that says the same.
    assert '<label for="faq-q" class="visually-hidden">' in html


def test_search_with_diacritics_finds_the_same_question(client_b, province_b):
    with tenant_context(province_b):
        _add_faq(FaqIndexPage.objects.get(), VACCINE, "dang-ky-tiem-vac-xin", "Tại trạm y tế.")

    titles = [page.title for page in client_b.get("/tim-kiem/", {"q": "Tiêm VẮC-XIN"}).context["results"]]

    assert VACCINE in titles


def test_search_never_finds_another_provinces_question(client_a, province_b):
    with tenant_context(province_b):
        _add_faq(FaqIndexPage.objects.get(), "Phà Năm Căn chạy mấy giờ?", "pha-nam-can", "Từ 5 giờ sáng.")

    response = client_a.get("/tim-kiem/", {"q": "pha nam can"})

    assert response.status_code == 200
    assert list(response.context["results"]) == []


def test_the_text_search_configuration_folds_diacritics_and_splits_hyphenated_words(province_b):
    with tenant_context(province_b), connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('vi_unaccent', %s) @@ to_tsquery('vi_unaccent', 'tiem & vac & xin'),"
            " to_tsvector('vi_unaccent', %s) @@ to_tsquery('vi_unaccent', 'vac & xin')",
            [VACCINE, "vac xin"],
        )
        hyphenated, spaced = cursor.fetchone()
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        has_unaccent = cursor.fetchone() is not None

    if not has_unaccent:
        pytest.skip("this PostgreSQL has no unaccent extension; the folded copy in the index covers search")
    assert hyphenated and spaced


def test_the_banner_shows_on_every_page_only_when_enabled(client_b, province_b):
    text = "Chế độ phòng, chống dịch: tổng đài tiếp nhận 24/7."
    with tenant_context(province_b):
        banner = AnnouncementSettings.load()
        banner.text, banner.enabled = text, False
        banner.save()
        faq_url = FaqPage.objects.first().url

    assert text not in client_b.get("/").content.decode()

    with tenant_context(province_b):
        banner.enabled = True
        banner.save()

    for url in ("/", faq_url, "/tim-kiem/?q=vac", "/phan-anh/"):
        assert text in client_b.get(url).content.decode(), url


def test_the_banner_of_one_province_is_not_shown_in_another(client_a, province_b):
    with tenant_context(province_b):
        AnnouncementSettings.objects.update_or_create(defaults={"enabled": True, "text": "Chỉ ở Cà Mau"})

    assert "Chỉ ở Cà Mau" not in client_a.get("/").content.decode()


def test_the_demo_seed_publishes_the_faq_of_every_demo_province_once(db):
    for demo in DEMO_PROVINCES:
        tenant = province(demo.slug)
        with tenant_context(tenant):
            home = HomePage.objects.get()
            count = FaqPage.objects.live().descendant_of(home).count()
            assert count >= 20, demo.slug
            assert count == len(demo_faq.entries_for(demo.slug))
            linked = FaqPage.objects.filter(related_links__isnull=False).distinct().count()
            assert linked > 0

            assert faq_seed(demo.slug, tenant.name, "1022") == []
            assert FaqPage.objects.count() == count


def test_the_reindex_command_rebuilds_each_provinces_index_and_search_still_works(client_b, province_b):
    out = StringIO()
    call_command("faq_reindex", "camau", "binhduong", stdout=out)

    assert out.getvalue().splitlines()[-2:] == [
        "binhduong: đã lập lại chỉ mục tìm kiếm",
        "camau: đã lập lại chỉ mục tìm kiếm",
    ]
    titles = [page.title for page in client_b.get("/tim-kiem/", {"q": "tiem vac xin"}).context["results"]]
    assert "Đăng ký tiêm vắc-xin phòng COVID-19 ở đâu?" in titles
    with pytest.raises(CommandError, match="hanoi"):
        call_command("faq_reindex", "hanoi")
