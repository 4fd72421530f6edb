"""Create the project database on its server when it is missing, so a fresh DATABASE_URL just works."""

from __future__ import annotations

import contextlib

import psycopg2
from psycopg2 import errors, sql

MAINTENANCE_DATABASE = "postgres"


def maintenance_connection(settings_dict: dict):
    """An autocommit connection to the server's maintenance database, for CREATE/DROP DATABASE."""
    options = settings_dict.get("OPTIONS", {})
    params = {
        "dbname": MAINTENANCE_DATABASE,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        # A Unix-socket URL (the embedded PostgreSQL's) arrives as ?host=<dir>, kept in OPTIONS.
        "host": settings_dict.get("HOST") or options.get("host") or None,
        "port": settings_dict.get("PORT") or None,
        "connect_timeout": options.get("connect_timeout", 5),
    }
    conn = psycopg2.connect(**{key: value for key, value in params.items() if value is not None})
    conn.autocommit = True
    return conn


def ensure_database(settings_dict: dict) -> bool:
    """Create settings_dict's database if it does not exist; returns whether it was created."""
    name = settings_dict["NAME"]
    conn = maintenance_connection(settings_dict)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is not None:
                return False
            # Another process may create it in the meantime.
            with contextlib.suppress(errors.DuplicateDatabase):
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        conn.close()
