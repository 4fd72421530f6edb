"""Data created in one province is invisible from another: by ORM, by host, in the cache and in file paths."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

import pytest
from django_tenants.utils import tenant_context

from cases.models import Agency
from cms.models import HomePage


def test_rows_created_in_one_province_are_invisible_in_another(province_a, province_b):
    with tenant_context(province_a):
        Agency.objects.create(code="ONLY-A", name="Cơ quan chỉ có ở Bình Dương")
        get_user_model().objects.create_user(username="only.in.a", password="x" * 12)

    with tenant_context(province_b):
        assert not Agency.objects.filter(code="ONLY-A").exists()
        assert not get_user_model().objects.filter(username="only.in.a").exists()

    with tenant_context(province_a):
        assert Agency.objects.filter(code="ONLY-A").exists()
        assert get_user_model().objects.filter(username="only.in.a").exists()


def test_a_page_published_in_one_province_is_not_served_on_another_host(province_a, client_a, client_b):
    from wagtail.models import Page

    with tenant_context(province_a):
        home = HomePage.objects.get()
        home.add_child(instance=Page(title="Chỉ Bình Dương", slug="chi-binh-duong"))

    assert client_a.get("/chi-binh-duong/").status_code == 200
    assert client_b.get("/chi-binh-duong/").status_code == 404


def test_each_schema_has_its_own_wagtail_site_bound_to_its_host(province_a, province_b):
    from wagtail.models import Site

    for province in (province_a, province_b):
        with tenant_context(province):
            site = Site.objects.get()
            assert site.hostname == f"{province.slug}.{settings.BASE_DOMAIN}"
            assert site.is_default_site
            assert site.root_page.specific.__class__ is HomePage


def test_every_cache_alias_prefixes_keys_with_the_province_schema():
    for alias, config in settings.CACHES.items():
        assert config.get("KEY_FUNCTION") == "django_tenants.cache.make_key", alias


def test_a_cached_value_of_one_province_is_not_seen_by_another(province_a, province_b):
    with tenant_context(province_a):
        cache.set("menu", "Bình Dương menu", 60)
        assert cache.get("menu") == "Bình Dương menu"

    with tenant_context(province_b):
        assert cache.get("menu") is None


@pytest.mark.parametrize("filename", ["ghi-am.txt"])
def test_uploaded_files_are_stored_under_the_province_schema(province_a, province_b, filename):
    with tenant_context(province_a):
        name = default_storage.save(filename, ContentFile(b"A"))
        path_a = default_storage.path(name)
    try:
        assert f"/{province_a.schema_name}/" in path_a
        with tenant_context(province_b):
            assert not default_storage.exists(name)
    finally:
        with tenant_context(province_a):
            default_storage.delete(name)
