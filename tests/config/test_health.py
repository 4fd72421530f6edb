"""/healthz answers on any host: 200 with the state of database and broker, 503 when one is down."""

from django.test import Client, override_settings

import pytest
import requests

from tests.servers import gunicorn

CLOSED_PORT_DB = "postgres://postgres@127.0.0.1:1/none"
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize("host", ["binhduong.localhost", "localhost", "unknown.localhost"])
def test_healthz_is_up_on_any_host(db, host):
    response = Client(HTTP_HOST=host).get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": {"status": "up", "ms": response.json()["database"]["ms"]},
        "broker": {"status": "up", "ms": response.json()["broker"]["ms"]},
    }


@override_settings(CELERY_BROKER_URL=CLOSED_PORT_REDIS)
def test_healthz_is_503_when_the_broker_is_down(db):
    response = Client(HTTP_HOST="localhost").get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["status"] == "down"
    assert body["database"]["status"] == "up"
    assert "127.0.0.1:1" not in response.content.decode()  # no connection details leak


@pytest.mark.slow
def test_healthz_is_503_when_the_database_is_down():
    with gunicorn({"DATABASE_URL": CLOSED_PORT_DB}) as base_url:
        response = requests.get(f"{base_url}/healthz", headers={"Host": "localhost"}, timeout=30)

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"status": "down", "error": "OperationalError"}
    assert body["broker"]["status"] == "up"
