"""One-statement inserts for the intake path.

A report arrives, and the reporter, the case, its first audit events and its outbox rows
must all be stored before anything can fail. Written as one `WITH ... INSERT` statement,
that is one round trip and one implicit transaction instead of five or more. Values go
through each model field's own `get_db_prep_save`, so the SQL stays as correct as the ORM's.
Table and column names are Django's own, all lower-case identifiers, so they need no quoting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections, models


@dataclass
class Row:
    """An unsaved model instance to insert; `parent` names the FK column filled from the main row's id."""

    instance: models.Model
    parent: str | None = None


@dataclass(frozen=True)
class Inserted:
    main_id: int
    # The id the prelude CTE returned (e.g. the upserted reporter), if there was one.
    prelude_id: int | None
    child_ids: list[int]


@dataclass
class Statement:
    parts: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)


def _columns(
    instance: models.Model, *, skip: set[str], overrides: dict[str, str], db
) -> tuple[list[str], list[str], list]:
    """Column names, SQL value expressions and parameters of an unsaved instance."""
    columns, expressions, params = [], [], []
    for model_field, plain in _insertable_fields(type(instance)):
        if model_field.attname in skip:
            continue
        columns.append(model_field.column)
        if model_field.attname in overrides:
            expressions.append(overrides[model_field.attname])
            continue
        expressions.append("%s")
        if plain:
            value = getattr(instance, model_field.attname)
            # Strings, numbers, booleans, instants and NULL go to psycopg2 as they are.
            if value is None or type(value) in _PLAIN_TYPES:
                params.append(value)
                continue
        params.append(model_field.get_db_prep_save(model_field.pre_save(instance, add=True), db))
    return columns, expressions, params


_PLAIN_TYPES = frozenset({str, int, bool, datetime})
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateTimeField,
    models.ForeignKey,
)


@cache
def _insertable_fields(model: type[models.Model]) -> tuple[tuple[models.Field, bool], ...]:
    """Each non-key column, and whether its value may skip the field's preparation (no auto_now, not JSON)."""
    fields = []
    for model_field in model._meta.concrete_fields:
        # The database computes generated columns; naming one in an INSERT is an error.
        if model_field.primary_key or model_field.generated:
            continue
        automatic = getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
        fields.append((model_field, not automatic and isinstance(model_field, _PLAIN_FIELDS)))
    return tuple(fields)


def insert_with_children(
    main: models.Model,
    *,
    children: list[Row],
    prelude: tuple[str, str, list] | None = None,
    main_overrides: dict[str, str] | None = None,
) -> Inserted:
    """Insert `main` and rows that point at it in one statement; returns the ids of everything inserted.

    `prelude` is an extra CTE (name, SQL, params) the main row may refer to through
    `main_overrides` (e.g. `{"reporter_id": "(SELECT id FROM reporter)"}`).
    """
    # The connection proxy costs a lookup per attribute access; this path touches it per column.
    db = connections[DEFAULT_DB_ALIAS]
    statement = Statement()
    ctes = []
    if prelude:
        name, sql, params = prelude
        ctes.append(f"{name} AS ({sql})")
        statement.params += params
    table = main._meta.db_table
    columns, expressions, params = _columns(main, skip=set(), overrides=main_overrides or {}, db=db)
    ctes.append(f"main AS (INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(expressions)}) RETURNING id)")
    statement.params += params
    for index, row in enumerate(children):
        child_table = row.instance._meta.db_table
        columns, expressions, params = _columns(row.instance, skip={row.parent}, overrides={}, db=db)
        parent_column = row.instance._meta.get_field(row.parent.removesuffix("_id")).column
        ctes.append(
            f"c{index} AS (INSERT INTO {child_table} ({parent_column}, {', '.join(columns)}) "
            f"SELECT main.id, {', '.join(expressions)} FROM main RETURNING id)"
        )
        statement.params += params
    prelude_id = f", (SELECT id FROM {prelude[0]})" if prelude else ", NULL"
    child_ids = "".join(f", (SELECT id FROM c{i})" for i in range(len(children)))
    sql = f"WITH {', '.join(ctes)} SELECT main.id{prelude_id}{child_ids} FROM main"
    with db.cursor() as cursor:
        cursor.execute(sql, statement.params)
        main_id, prelude_row_id, *ids = cursor.fetchone()
    return Inserted(main_id, prelude_row_id, ids)


def insert_new(instance: models.Model, *, unique: tuple[str, ...]) -> bool:
    """Insert `instance` unless a row with the same `unique` columns exists: one round trip either way.

    `INSERT … ON CONFLICT DO NOTHING RETURNING id`: True and the instance's pk set when it was
    new, False when the row was there already (a provider's retry). Unlike `get_or_create`, no
    SELECT first and no savepoint.
    """
    return insert_new_together([(instance, unique)])[0]


def insert_new_together(rows: list[tuple[models.Model, tuple[str, ...]]]) -> list[bool]:
    """`insert_new` for several rows in one statement (one round trip, one implicit transaction)."""
    db = connections[DEFAULT_DB_ALIAS]
    ctes, params = [], []
    for index, (instance, unique) in enumerate(rows):
        meta = instance._meta
        columns, expressions, values = _columns(instance, skip=set(), overrides={}, db=db)
        conflict = ", ".join(meta.get_field(name).column for name in unique)
        ctes.append(
            f"r{index} AS (INSERT INTO {meta.db_table} ({', '.join(columns)}) VALUES ({', '.join(expressions)}) "
            f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {meta.pk.column})"
        )
        params += values
    selects = ", ".join(f"(SELECT {rows[i][0]._meta.pk.column} FROM r{i})" for i in range(len(rows)))
    with db.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} SELECT {selects}", params)
        ids = cursor.fetchone()
    for (instance, _unique), pk in zip(rows, ids, strict=True):
        if pk is not None:
            instance.pk = pk
            instance._state.adding, instance._state.db = False, DEFAULT_DB_ALIAS
    return [pk is not None for pk in ids]
