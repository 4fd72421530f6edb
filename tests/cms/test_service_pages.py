"""The report form and the status page are pages of each province's site: the admin edits their texts."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from cms.models import HomePage, LookupPage, ReportPage
from cms.services import site_ensure
from tests.cms.test_sitemap import locations


@pytest.mark.parametrize(
    ("model", "path", "heading"),
    [(ReportPage, "/phan-anh/", "Gửi phản ánh đến Tổng đài 1022"), (LookupPage, "/tra-cuu/", "Tra cứu phản ánh")],
)
def test_every_province_has_the_forms_as_live_pages(client_b, province_b, model, path, heading):
    with tenant_context(province_b):
        page = model.objects.get()
        assert page.live and page.url == path
        assert page.get_parent().specific_class is HomePage

    response = client_b.get(path)

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()
    assert f"http://camau.localhost{path}" in locations(client_b.get("/sitemap.xml"))


def test_the_admins_title_and_introduction_show_on_the_form(client_b, province_b):
    with tenant_context(province_b):
        page = ReportPage.objects.get()
        page.title = "Phản ánh trực tuyến"
        page.intro = "<p>Ảnh chụp giúp cơ quan xử lý nhanh hơn.</p>"
        page.save_revision().publish()

    html = client_b.get("/phan-anh/").content.decode()

    assert "<h1>Phản ánh trực tuyến</h1>" in html
    assert "Ảnh chụp giúp cơ quan xử lý nhanh hơn." in html
    assert 'name="description"' in html


def test_a_page_moved_to_another_address_still_serves_the_form(client_b, province_b):
    with tenant_context(province_b):
        page = LookupPage.objects.get()
        page.slug = "theo-doi-phan-anh"
        page.save_revision().publish()

    response = client_b.get("/theo-doi-phan-anh/")

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    assert client_b.get("/tra-cuu/").status_code == 200


def test_one_provinces_texts_never_show_on_anothers_form(client_a, province_b):
    with tenant_context(province_b):
        page = ReportPage.objects.get()
        page.intro = "<p>Chỉ dành cho Cà Mau.</p>"
        page.save_revision().publish()

    assert "Chỉ dành cho Cà Mau." not in client_a.get("/phan-anh/").content.decode()


def test_an_unpublished_page_leaves_the_form_with_its_standard_texts(client_b, province_b):
    with tenant_context(province_b):
        ReportPage.objects.get().unpublish()
        home = HomePage.objects.get()
        # The set-up never brings back a page the admin took down.
        assert site_ensure(province=province_b, hostname="camau.localhost") == []
        assert not ReportPage.objects.live().exists()
        assert home.get_children().type(ReportPage).count() == 1

    response = client_b.get("/phan-anh/")

    assert response.status_code == 200
    assert "<h1>Gửi phản ánh đến Tổng đài 1022</h1>" in response.content.decode()


def test_behind_https_the_sites_links_are_https(client_b, province_b, settings):
    settings.PUBLIC_SCHEME, settings.PUBLIC_PORT = "https", ""
    with tenant_context(province_b):
        assert site_ensure(province=province_b, hostname="camau.localhost") == [
            "cổng 443 của trang thông tin camau.localhost"
        ]
        assert site_ensure(province=province_b, hostname="camau.localhost") == []

    html = client_b.get("/", secure=True).content.decode()

    assert '<link rel="canonical" href="https://camau.localhost/">' in html
    assert "https://camau.localhost/phan-anh/" in locations(client_b.get("/sitemap.xml", secure=True))
