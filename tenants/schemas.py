"""Province schemas: made by cloning a migrated template instead of migrating each from zero, and
completed when a run was interrupted half-way.

Migrating a new schema runs every migration of every app (237 of them, some 14 s); copying a schema
that has run them (`TEMPLATE_SCHEMA`, never a province) takes about a second. The copy is ours, not
django-tenants' `clone_schema`: that PL/pgSQL function renames the unique constraints Django named
(`case_unique_tracking_code` becomes `cases_case_tracking_code_key`, and case intake tells a
tracking-code collision by that name) and, reading `information_schema`, slows down as the database
holds more schemas (from under a second to four with 40 schemas). Every clone is compared with its
template, object by object, before it commits: a clone is the template or nothing, and one that
differs is rolled back and the schema migrated instead.

The template is migrated before every batch, so a clone never lacks a migration the code has.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from django_tenants.utils import schema_exists

logger = logging.getLogger(__name__)

# Never a slug: slugs have no underscore (tenants.registry.slug_from_codename).
TEMPLATE_SCHEMA = "province_template"


class CloneMismatch(Exception):
    """The clone differs from its template; the differences are in `args[1]`."""


def template_ensure() -> list[str]:
    """The template schema, with every migration applied: run before a batch of clones."""
    changes = []
    if not schema_exists(TEMPLATE_SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
        changes.append(f"schema mẫu «{TEMPLATE_SCHEMA}»")
    if pending := migrations_pending(TEMPLATE_SCHEMA):
        schema_migrate(TEMPLATE_SCHEMA)
        changes.append(f"{len(pending)} migration của schema mẫu")
    return changes


def schema_prepare(schema_name: str, *, template: str | None = None) -> list[str]:
    """The schema, with every migration applied: cloned from `template` (or migrated) if missing, else completed.

    A schema left without its province row by an interrupted run is kept and completed, never
    dropped: it may hold a province's data (rows are deleted without dropping their schema).
    """
    if schema_exists(schema_name):
        return schema_complete(schema_name)
    if template:
        try:
            schema_clone(template, schema_name)
            return [f"schema «{schema_name}» (nhân bản từ schema mẫu)"]
        except CloneMismatch as exc:
            logger.warning("clone of %s differs from %s, migrating instead: %s", schema_name, template, exc.args[1])
    schema_create(schema_name)
    return [f"schema «{schema_name}»"]


def schema_create(schema_name: str) -> None:
    """What django-tenants does when a province row is first saved: an empty schema, then every migration."""
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    schema_migrate(schema_name)


def schema_complete(schema_name: str) -> list[str]:
    """Apply what an interrupted creation left out (each migration is atomic, so it left whole ones)."""
    pending = migrations_pending(schema_name)
    if not pending:
        return []
    schema_migrate(schema_name)
    return [f"{len(pending)} migration còn thiếu của schema «{schema_name}»"]


def schema_migrate(schema_name: str) -> None:
    call_command("migrate_schemas", schema_name=schema_name, interactive=False, verbosity=0)
    connection.set_schema_to_public()


def migrations_pending(schema_name: str) -> set[tuple[str, str]]:
    """Migrations the code has that the schema has not recorded (all of them when it has no record).

    Read straight from the schema's own `django_migrations`: through the search path, a schema
    without one would be read as public's. A squashed migration the schema applied as its parts
    counts as pending until `migrate` records it, which costs a migrate run and nothing else.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{schema_name}".django_migrations'])
        if cursor.fetchone()[0] is None:
            return set(_migrations())
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')
        applied = set(cursor.fetchall())
    return set(_migrations()) - applied


@cache
def _migrations() -> frozenset[tuple[str, str]]:
    # Without a connection the loader reads no applied state: squashed migrations stand for their parts.
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


@transaction.atomic
def schema_clone(template: str, schema_name: str) -> None:
    """Copy `template` into a new schema: its tables, rows, sequences' positions, functions and triggers,
    under the same names. In one transaction; compared with the template before it commits."""
    source = _CloneSource.read(template)
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(source.tables_and_rows(schema_name)))
        cursor.execute(";\n".join([*_index_renames(template, schema_name), *source.links(schema_name)]))
        cursor.execute(";\n".join(_sequence_renames(template, schema_name)))
        cursor.execute(";\n".join([*_sequence_retypes(template, schema_name), *source.positions(schema_name)]))
    differences = schema_fingerprint(template) ^ schema_fingerprint(schema_name)
    if differences:
        raise CloneMismatch(schema_name, sorted(differences)[:20])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class _CloneSource:
    """What a clone of `schema` is made from, read from the catalogue.

    Tables come from `CREATE TABLE … (LIKE … INCLUDING ALL)`: columns, defaults, identities, generated
    columns, checks and indexes, under names PostgreSQL makes up (given back by `_index_renames`).
    Foreign keys, functions and triggers are the template's own definitions, pointed at the new
    schema. Other kinds of object (views, free-standing sequences, types) are not copied: a template
    that has one makes every clone differ from it, and the schema is migrated instead.
    """

    schema: str
    functions: tuple[str, ...]
    # Table → its columns that take a value (generated ones are computed), quoted and joined.
    tables: dict[str, str]
    foreign_keys: tuple[tuple[str, str, str], ...]
    triggers: tuple[str, ...]
    # Sequence → the value last taken from it (those never used are left out).
    last_values: dict[str, int]

    @classmethod
    def read(cls, schema: str) -> _CloneSource:
        namespace = {"namespace": _quoted(schema)}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = %(namespace)s::regnamespace",
                namespace,
            )
            functions = tuple(definition for (definition,) in cursor.fetchall())
            cursor.execute(
                """SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                   FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
                   WHERE c.relnamespace = %(namespace)s::regnamespace AND c.relkind = 'r'
                       AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                   GROUP BY c.relname ORDER BY c.relname""",
                namespace,
            )
            tables = dict(cursor.fetchall())
            cursor.execute(
                """SELECT c.relname, co.conname, pg_get_constraintdef(co.oid)
                   FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid
                   WHERE co.connamespace = %(namespace)s::regnamespace AND co.contype = 'f'
                   ORDER BY c.relname, co.conname""",
                namespace,
            )
            foreign_keys = tuple(cursor.fetchall())
            cursor.execute(
                """SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                   WHERE c.relnamespace = %(namespace)s::regnamespace AND NOT t.tgisinternal""",
                namespace,
            )
            triggers = tuple(definition for (definition,) in cursor.fetchall())
            cursor.execute(
                """SELECT relname, pg_sequence_last_value(oid) FROM pg_class
                   WHERE relnamespace = %(namespace)s::regnamespace AND relkind = 'S'""",
                namespace,
            )
            last_values = {name: value for name, value in cursor.fetchall() if value is not None}
        return cls(schema, functions, tables, foreign_keys, triggers, last_values)

    def _moved(self, definition: str, schema_name: str) -> str:
        """A definition naming the template's objects, naming the new schema's instead."""
        return _qualified(self.schema).sub(f"{_quoted(schema_name)}.", definition)

    def tables_and_rows(self, schema_name: str) -> list[str]:
        new, old = _quoted(schema_name), _quoted(self.schema)
        return [
            f"CREATE SCHEMA {new}",
            # Before the tables: a trigger or a default may call them.
            *(self._moved(definition, schema_name) for definition in self.functions),
            *(f"CREATE TABLE {new}.{_quoted(t)} (LIKE {old}.{_quoted(t)} INCLUDING ALL)" for t in self.tables),
            *(
                f"INSERT INTO {new}.{_quoted(t)} ({columns}) OVERRIDING SYSTEM VALUE "
                f"SELECT {columns} FROM {old}.{_quoted(t)}"
                for t, columns in self.tables.items()
            ),
        ]

    def links(self, schema_name: str) -> list[str]:
        """Foreign keys and triggers, once every table holds its rows."""
        new = _quoted(schema_name)
        return [
            *(
                f"ALTER TABLE {new}.{_quoted(table)} ADD CONSTRAINT {_quoted(name)} "
                f"{self._moved(definition, schema_name)}"
                for table, name, definition in self.foreign_keys
            ),
            *(self._moved(definition, schema_name) for definition in self.triggers),
        ]

    def positions(self, schema_name: str) -> list[str]:
        new = _quoted(schema_name)
        return [f"SELECT setval('{new}.{_quoted(sequence)}', {value})" for sequence, value in self.last_values.items()]


def _qualified(schema_name: str) -> re.Pattern:
    """`schema.` or `"schema".` before an object's name, as PostgreSQL writes definitions."""
    return re.compile(rf'(?<![\w"]){re.escape(schema_name)}\.|{re.escape(_quoted(schema_name))}\.')


# Each index of the clone against the template's with the same definition, apart from its name.
_INDEX_PAIRS = """
    WITH definitions AS (
        SELECT schemaname, tablename, indexname,
            replace(
                replace(indexdef, ' ' || quote_ident(indexname) || ' ON ', ' ON '),
                quote_ident(schemaname) || '.', ''
            ) AS definition
        FROM pg_indexes WHERE schemaname IN (%(template)s, %(clone)s)
    ),
    numbered AS (
        SELECT *, row_number() OVER (PARTITION BY schemaname, tablename, definition ORDER BY indexname) AS n
        FROM definitions
    )
    SELECT clone.indexname, original.indexname
    FROM numbered original
    JOIN numbered clone ON clone.tablename = original.tablename AND clone.definition = original.definition
        AND clone.n = original.n
    WHERE original.schemaname = %(template)s AND clone.schemaname = %(clone)s
        AND clone.indexname <> original.indexname
"""
# Each sequence of the clone against the template's that feeds the same column.
_SEQUENCE_PAIRS = """
    WITH owned AS (
        SELECT s.relnamespace, s.relname AS sequence, t.relname AS table_name, d.refobjsubid AS column_number
        FROM pg_class s
        JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        JOIN pg_class t ON t.oid = d.refobjid
        WHERE s.relkind = 'S' AND s.relnamespace IN (%(template)s::regnamespace, %(clone)s::regnamespace)
    )
    SELECT clone.sequence, original.sequence
    FROM owned original
    JOIN owned clone ON clone.table_name = original.table_name AND clone.column_number = original.column_number
    WHERE original.relnamespace = %(template)s::regnamespace AND clone.relnamespace = %(clone)s::regnamespace
        AND clone.sequence <> original.sequence
"""


# Each sequence of the clone whose type differs from the template's sequence of the same name: an
# integer column's identity comes out of LIKE as a bigint sequence (with the integer's bounds).
_SEQUENCE_TYPES = """
    SELECT clone.relname, format_type(original_sequence.seqtypid, NULL)
    FROM pg_sequence clone_sequence
    JOIN pg_class clone ON clone.oid = clone_sequence.seqrelid AND clone.relnamespace = %(clone)s::regnamespace
    JOIN pg_class original ON original.relname = clone.relname AND original.relnamespace = %(template)s::regnamespace
    JOIN pg_sequence original_sequence ON original_sequence.seqrelid = original.oid
    WHERE clone_sequence.seqtypid <> original_sequence.seqtypid
"""


def _index_renames(template: str, schema_name: str) -> list[str]:
    """The template's index names (and so its constraints'), by way of names no index has, so that no
    rename collides with a name PostgreSQL made up for another index."""
    with connection.cursor() as cursor:
        cursor.execute(_INDEX_PAIRS, {"template": template, "clone": schema_name})
        pairs = cursor.fetchall()
    new = _quoted(schema_name)
    return [
        *(f"ALTER INDEX {new}.{_quoted(made)} RENAME TO {_quoted(f'_clone_{n}')}" for n, (made, _) in enumerate(pairs)),
        *(f"ALTER INDEX {new}.{_quoted(f'_clone_{n}')} RENAME TO {_quoted(name)}" for n, (_, name) in enumerate(pairs)),
    ]


def _sequence_renames(template: str, schema_name: str) -> list[str]:
    """The template's sequence names: one kept its name when its table was renamed, the clone's would not."""
    with connection.cursor() as cursor:
        cursor.execute(_SEQUENCE_PAIRS, {"template": _quoted(template), "clone": _quoted(schema_name)})
        pairs = cursor.fetchall()
    new = _quoted(schema_name)
    return [f"ALTER SEQUENCE {new}.{_quoted(made)} RENAME TO {_quoted(name)}" for made, name in pairs]


def _sequence_retypes(template: str, schema_name: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(_SEQUENCE_TYPES, {"template": _quoted(template), "clone": _quoted(schema_name)})
        retypes = cursor.fetchall()
    new = _quoted(schema_name)
    return [f"ALTER SEQUENCE {new}.{_quoted(sequence)} AS {data_type}" for sequence, data_type in retypes]


_FINGERPRINT_QUERIES = (
    # Tables, views, sequences and indexes by name and kind.
    """SELECT 'relation', relname, relkind::text, relpersistence::text
       FROM pg_class WHERE relnamespace = %(schema)s::regnamespace""",
    """SELECT 'column', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
              coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text, a.attgenerated::text
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid AND c.relnamespace = %(schema)s::regnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm')""",
    """SELECT 'constraint', c.relname, co.conname, co.contype::text, pg_get_constraintdef(co.oid)
       FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid
       WHERE c.relnamespace = %(schema)s::regnamespace""",
    """SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema_name)s""",
    """SELECT 'sequence', sequencename, data_type::text, start_value::text, min_value::text, max_value::text,
              increment_by::text, cycle::text, coalesce(last_value, 0)::text
       FROM pg_sequences WHERE schemaname = %(schema_name)s""",
    """SELECT 'trigger', c.relname, t.tgname, pg_get_triggerdef(t.oid)
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       WHERE c.relnamespace = %(schema)s::regnamespace AND NOT t.tgisinternal""",
    """SELECT 'function', proname, pg_get_function_identity_arguments(oid), md5(prosrc)
       FROM pg_proc WHERE pronamespace = %(schema)s::regnamespace""",
    """SELECT 'view', viewname, definition FROM pg_views WHERE schemaname = %(schema_name)s""",
)


def schema_fingerprint(schema_name: str) -> set[tuple[str, ...]]:
    """Every object of the schema and each table's row count, with the schema's own name taken out."""
    qualified = _qualified(schema_name)
    params = {"schema": f'"{schema_name}"', "schema_name": schema_name}
    rows: set[tuple[str, ...]] = set()
    with connection.cursor() as cursor:
        for query in _FINGERPRINT_QUERIES:
            cursor.execute(query, params)
            rows.update(tuple(qualified.sub("", str(value)) for value in row) for row in cursor.fetchall())
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = %(schema)s::regnamespace AND relkind IN ('r', 'p')",
            params,
        )
        tables = [name for (name,) in cursor.fetchall()]
        if tables:
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT 'rows', '{table}', count(*)::text FROM \"{schema_name}\".\"{table}\"" for table in tables
                )
            )
            rows.update(cursor.fetchall())
    return rows
