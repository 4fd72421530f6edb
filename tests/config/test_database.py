"""A fresh DATABASE_URL naming a database that does not exist yet is created, once."""

import uuid

from django.db import connection

import psycopg2

from config.database import MAINTENANCE_DATABASE, ensure_database


def test_missing_database_is_created_once(db):
    settings_dict = {**connection.settings_dict, "NAME": f"tongdai1022_probe_{uuid.uuid4().hex[:8]}"}
    try:
        assert ensure_database(settings_dict) is True
        assert ensure_database(settings_dict) is False
    finally:
        _drop(settings_dict)


def _drop(settings_dict: dict) -> None:
    host = settings_dict["HOST"] or settings_dict.get("OPTIONS", {}).get("host")
    params = {
        "dbname": MAINTENANCE_DATABASE,
        "user": settings_dict["USER"],
        "host": host,
        "port": settings_dict["PORT"],
    }
    conn = psycopg2.connect(**{key: value for key, value in params.items() if value})
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
    conn.close()
