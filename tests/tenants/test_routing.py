"""Each host serves its own province; an unknown host gets a clear 404; the lookup is cached and kept honest."""

from django.conf import settings
from django.db import connection

from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Domain
from tenants.routing import host_cache_key, province_for_host
from tests.conftest import host_of


def test_each_province_host_serves_its_own_home_page(client_a, client_b):
    page_a = client_a.get("/").content.decode()
    page_b = client_b.get("/").content.decode()

    assert "Tổng đài 1022 Bình Dương" in page_a
    assert "0274 1022" in page_a
    assert "Cà Mau" not in page_a and "0290" not in page_a

    assert "Tổng đài 1022 Cà Mau" in page_b
    assert "0290 1022" in page_b
    assert "Bình Dương" not in page_b and "0274" not in page_b


def test_home_page_explains_how_to_dial_in_vietnamese(client_a):
    page = client_a.get("/").content.decode()

    assert '<html lang="vi">' in page
    assert "Từ điện thoại cố định trong tỉnh" in page
    assert "Từ điện thoại di động hoặc từ tỉnh khác" in page
    assert 'href="tel:1022"' in page
    assert 'href="tel:02741022"' in page


def test_unknown_host_gets_a_clear_404_naming_no_province(db):
    from django.test import Client

    response = Client(HTTP_HOST=f"hanoi.{settings.BASE_DOMAIN}").get("/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Không có tổng đài tại địa chỉ này" in body
    assert f"hanoi.{settings.BASE_DOMAIN}" in body
    assert f'href="http://{settings.BASE_DOMAIN}/"' in body  # the way to the national site
    assert "Bình Dương" not in body and "Cà Mau" not in body


def test_host_outside_the_platform_is_refused_without_error(db):
    from django.test import Client

    response = Client(HTTP_HOST="evil.example.com").get("/")

    assert response.status_code in (400, 404)


def test_national_host_lists_provinces_and_no_province_content(national_client):
    response = national_client.get("/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Bình Dương" in body and "Cà Mau" in body and "Thanh Hóa" in body and "Bình Phước" in body
    assert "0274 1022" in body


def test_host_lookup_is_served_from_cache_after_the_first_request(province_a, django_assert_num_queries):
    host = host_of("binhduong")
    assert province_for_host(host).pk == province_a.pk  # fills the cache

    with django_assert_num_queries(0):
        assert province_for_host(host).pk == province_a.pk


def test_adding_and_removing_a_domain_takes_effect_at_once(province_b):
    from django.test import Client

    alias = f"1022-camau.{settings.BASE_DOMAIN}"
    assert Client(HTTP_HOST=alias).get("/").status_code == 404  # caches the miss

    with schema_context(get_public_schema_name()):
        domain = Domain.objects.create(domain=alias, tenant=province_b, is_primary=False)
    connection.set_schema_to_public()
    response = Client(HTTP_HOST=alias).get("/")
    assert response.status_code == 200
    assert "Cà Mau" in response.content.decode()

    with schema_context(get_public_schema_name()):
        domain.delete()
    assert Client(HTTP_HOST=alias).get("/").status_code == 404


def test_renaming_a_domain_forgets_the_old_host(province_b):
    from django.test import Client

    old, new = f"old-camau.{settings.BASE_DOMAIN}", f"new-camau.{settings.BASE_DOMAIN}"
    with schema_context(get_public_schema_name()):
        domain = Domain.objects.create(domain=old, tenant=province_b, is_primary=False)
    assert Client(HTTP_HOST=old).get("/").status_code == 200  # cached now

    with schema_context(get_public_schema_name()):
        domain.domain = new
        domain.save()
        assert host_cache_key(old)  # the key scheme is stable
    assert Client(HTTP_HOST=old).get("/").status_code == 404
    assert Client(HTTP_HOST=new).get("/").status_code == 200
