"""Each province's sitemap lists its own pages, on its own host, and nothing of another province's."""

from xml.etree import ElementTree

from django_tenants.utils import tenant_context
from wagtail.models import Page

from cms.models import HomePage

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return [loc.text for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")]


def test_the_sitemap_lists_the_provinces_own_pages_on_its_own_host(province_a, client_a, client_b):
    with tenant_context(province_a):
        HomePage.objects.get().add_child(instance=Page(title="Chỉ Bình Dương", slug="chi-trong-so-do"))

    own = locations(client_a.get("/sitemap.xml"))
    other = locations(client_b.get("/sitemap.xml"))

    assert "http://binhduong.localhost/chi-trong-so-do/" in own
    assert all(url.startswith("http://binhduong.localhost/") for url in own)
    assert other and all(url.startswith("http://camau.localhost/") for url in other)
    assert not any("chi-trong-so-do" in url for url in other)
