"""Each province has its own accounts: one province's account cannot log in on another's host."""

from django.test import Client

from tenants.demo import DEMO_PASSWORD
from tests.conftest import host_of

LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str = DEMO_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_is_served_on_every_province_host(client_a, client_b):
    for client, name in ((client_a, "Bình Dương"), (client_b, "Cà Mau")):
        page = client.get(LOGIN).content.decode()
        assert "Đăng nhập cán bộ" in page
        assert name in page


def test_province_admin_logs_in_on_its_own_host_and_sees_its_role(client_a):
    response = login(client_a, "admin.binhduong")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/start/"
    # An administrator has no console or workspace: the start page sends them to their account.
    assert client_a.get("/accounts/start/")["Location"] == "/accounts/"
    page = client_a.get("/accounts/").content.decode()
    assert "Quản trị tỉnh" in page
    assert "Bình Dương" in page


def test_an_account_of_one_province_cannot_log_in_on_another_province_host(client_b):
    response = login(client_b, "admin.binhduong")

    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client_b.session
    assert "mật khẩu chính xác" in response.content.decode()


def test_a_session_of_one_province_is_worthless_on_another_host(client_a):
    assert login(client_a, "operator.binhduong").status_code == 302
    session_cookie = client_a.cookies["sessionid"].value

    other = Client(HTTP_HOST=host_of("camau"))
    other.cookies["sessionid"] = session_cookie
    response = other.get("/accounts/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_national_and_province_accounts_stay_on_their_own_sites(national_client, client_a):
    assert login(client_a, "giamsat").status_code == 200  # national account on a province host
    assert login(national_client, "admin.binhduong").status_code == 200  # province account on the national host
    assert login(national_client, "giamsat").status_code == 302


def test_login_form_errors_are_in_vietnamese(client_a):
    response = login(client_a, "admin.binhduong", "sai-mat-khau")

    body = response.content.decode()
    assert "mật khẩu chính xác" in body
    assert 'role="alert"' in body


def test_province_admin_reaches_the_wagtail_admin_and_operator_does_not(client_a):
    login(client_a, "admin.binhduong")
    assert client_a.get("/admin/").status_code == 200

    operator = Client(HTTP_HOST=host_of("binhduong"))
    login(operator, "operator.binhduong")
    assert operator.get("/admin/").status_code == 302  # to the admin login: no access_admin permission
