"""A fresh DATABASE_URL naming a database that does not exist yet is created, once."""

import uuid

from django.db import connection

from psycopg2 import sql

from config.database import ensure_database, maintenance_connection


def test_missing_database_is_created_once(db):
    settings_dict = {**connection.settings_dict, "NAME": f"tongdai1022_probe_{uuid.uuid4().hex[:8]}"}
    try:
        assert ensure_database(settings_dict) is True
        assert ensure_database(settings_dict) is False
    finally:
        _drop(settings_dict)


def _drop(settings_dict: dict) -> None:
    conn = maintenance_connection(settings_dict)
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(settings_dict["NAME"])))
    conn.close()
