"""The embedded path: with DATABASE_URL and REDIS_URL unset the app starts its own services under VAR_DIR."""

from django.db import connection

import psycopg2
import pytest
import redis
import requests

from config import embedded
from tests.servers import database_url, gunicorn

pytestmark = pytest.mark.slow


@pytest.fixture
def var_dir(tmp_path):
    yield tmp_path
    embedded.stop_redis(tmp_path)
    embedded.stop_postgres(tmp_path)


def test_embedded_postgres_keeps_its_data_across_a_restart(var_dir):
    url = embedded.postgres_url(var_dir)
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("CREATE TABLE report (id int PRIMARY KEY, body text)")
        cursor.execute("INSERT INTO report VALUES (1, 'ngập nước')")
    conn.close()

    assert embedded.stop_postgres(var_dir)
    url = embedded.postgres_url(var_dir)

    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT body FROM report WHERE id = 1")
        assert cursor.fetchone() == ("ngập nước",)
    conn.close()


def test_embedded_redis_keeps_its_data_across_a_restart(var_dir):
    url = embedded.redis_url(var_dir)
    redis.Redis.from_url(url).rpush("celery", "a queued task")

    assert embedded.stop_redis(var_dir)
    assert not embedded.stop_redis(var_dir)  # really stopped
    url = embedded.redis_url(var_dir)

    assert redis.Redis.from_url(url).lrange("celery", 0, -1) == [b"a queued task"]


def test_the_app_starts_and_answers_with_no_database_or_redis_url(var_dir):
    unset = {"DATABASE_URL": None, "REDIS_URL": None, "CELERY_BROKER_URL": None, "VAR_DIR": str(var_dir)}

    with gunicorn(unset) as base_url:
        response = requests.get(f"{base_url}/healthz", headers={"Host": "localhost"}, timeout=30)

    assert response.status_code == 200
    assert response.json()["database"]["status"] == "up"
    assert response.json()["broker"]["status"] == "up"
    assert (var_dir / "postgres" / "PG_VERSION").exists()
    assert (var_dir / "redis" / "appendonly.aof").exists() or (var_dir / "redis").is_dir()


def test_nothing_embedded_starts_when_the_urls_are_set(db, tmp_path, settings):
    overrides = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "VAR_DIR": str(tmp_path),
    }

    with gunicorn(overrides) as base_url:
        assert requests.get(f"{base_url}/healthz", headers={"Host": "localhost"}, timeout=30).status_code == 200

    assert not (tmp_path / "postgres").exists()
    assert not (tmp_path / "redis").exists()
