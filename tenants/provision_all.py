"""Every current province at once (`province_provision --all-current`): the 34 units in force since
1 July 2025, each with its codes, every prefix it now owns, its site, agencies, categories and menu.

Three passes, so that the slow part runs side by side and the part that must not does not:

1. Schemas, in parallel: each missing one is cloned from a migrated template (`tenants.schemas`),
   each existing one gets the migrations an interrupted run left out.
2. Rows in public, one unit after another in code order: the province, its host, its prefixes and
   numbers. A prefix that a province already owns stays with it and is reported as a conflict
   (a merger moves prefixes, provisioning does not); two units never race for one.
3. Each province's own content, in parallel: every worker writes in another schema.

Every step checks what exists first, so a run stopped anywhere (Ctrl-C, a killed process) is
completed by running it again, and a run over complete provinces changes nothing. Workers are
forked processes with their own database connections (closed before forking, as django-tenants'
parallel migrations do).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from django.db import connections

from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Province
from tenants.registry import OfficialUnit, current_unit_by_code, current_units
from tenants.schemas import TEMPLATE_SCHEMA, schema_prepare, template_ensure
from tenants.services import ProvisionResult, national_ensure, province_furnish, province_register

# More workers than this only queue on PostgreSQL's locks and the machine's cores.
MAX_DEFAULT_JOBS = 4
# The passes, as the progress bar names them.
STAGE_SCHEMAS = "Schema"
STAGE_ROWS = "Đăng ký"
STAGE_CONTENT = "Nội dung"


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_JOBS))


@dataclass
class BatchResult:
    results: list[ProvisionResult]
    # The run's own set-up: the national row, the template schema.
    setup_changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[ProvisionResult]:
        return [result for result in self.results if result.changes]


@dataclass(frozen=True)
class AdminAccount:
    username: str = "admin"
    email: str = ""
    # None: each new account gets a generated password, reported once.
    password: str | None = None


def provinces_provision_current(
    *,
    base_domain: str,
    jobs: int | None = None,
    admin: AdminAccount | None = None,
    units: Sequence[OfficialUnit] | None = None,
    progress: Callable[[str, int, int, str], None] | None = None,
) -> BatchResult:
    """Provision every current unit (or those of `units`); `progress(stage, done, total, label)` follows each step."""
    units = list(units if units is not None else current_units())
    jobs = jobs or default_jobs()
    admin = admin or AdminAccount()
    report = progress or (lambda *args: None)

    setup = national_ensure(base_domain=base_domain)
    with schema_context(get_public_schema_name()):
        setup += template_ensure()
        schema_names = _schema_names(units)

    schema_changes: dict[int, list[str]] = {}
    for code, changes in _parallel(_schema_job, [(u.code, schema_names[u.code]) for u in units], jobs):
        schema_changes[code] = changes
        report(STAGE_SCHEMAS, len(schema_changes), len(units), current_unit_by_code()[code].name)

    results: dict[int, ProvisionResult] = {}
    for unit in units:
        result = province_register(unit=unit, base_domain=base_domain)
        result.changes += schema_changes[unit.code]
        results[unit.code] = result
        report(STAGE_ROWS, len(results), len(units), unit.name)

    furnish_jobs = [(code, result, base_domain, admin) for code, result in results.items()]
    for done, (code, furnished) in enumerate(_parallel(_furnish_job, furnish_jobs, jobs), start=1):
        results[code] = furnished
        report(STAGE_CONTENT, done, len(units), current_unit_by_code()[code].name)

    return BatchResult(results=[results[unit.code] for unit in units], setup_changes=setup)


def _schema_names(units: Sequence[OfficialUnit]) -> dict[int, str]:
    """A unit's schema: its province's, if the province exists (a legacy tenant of the same slug), else its slug."""
    existing = dict(Province.objects.filter(slug__in=[u.slug for u in units]).values_list("slug", "schema_name"))
    return {u.code: existing.get(u.slug, u.slug) for u in units}


def _schema_job(job: tuple[int, str]) -> tuple[int, list[str]]:
    code, schema_name = job
    with schema_context(get_public_schema_name()):
        return code, schema_prepare(schema_name, template=TEMPLATE_SCHEMA)


def _furnish_job(job: tuple[int, ProvisionResult, str, AdminAccount]) -> tuple[int, ProvisionResult]:
    code, result, base_domain, admin = job
    province_furnish(
        result,
        unit=current_unit_by_code()[code],
        base_domain=base_domain,
        admin_username=admin.username,
        admin_email=admin.email,
        admin_password=admin.password,
    )
    return code, result


def _parallel(function: Callable, jobs: Sequence, processes: int) -> Iterable:
    """`function` over `jobs`, results as they finish; in this process when one worker is enough."""
    # Inside a transaction (a test's), workers with connections of their own would not see its rows.
    if processes <= 1 or len(jobs) <= 1 or any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        yield from map(function, jobs)
        return
    # A forked worker must not share its parent's connection: each opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=min(processes, len(jobs))) as pool:
        yield from pool.imap_unordered(function, jobs)
        # Leaving the `with` terminates the workers: also on Ctrl-C, on an error, or when the caller stops early.


class ProgressBar:
    """`Schema   [######........] 12/34 Hà Nội`: one line rewritten in place on a terminal, a line a step elsewhere."""

    def __init__(self, stream: TextIO, width: int = 24) -> None:
        self.stream = stream
        self.width = width
        self.in_place = hasattr(stream, "isatty") and stream.isatty()
        self._stage = ""
        self._shown = 0

    def __call__(self, stage: str, done: int, total: int, label: str) -> None:
        if self.in_place and self._stage and stage != self._stage:
            self.stream.write("\n")
        self._stage = stage
        filled = self.width * done // total if total else self.width
        line = f"{stage:<9}[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {label}"
        if self.in_place:
            # Pad over a longer label shown before.
            self.stream.write("\r" + line.ljust(self._shown))
            self._shown = len(line)
            if done == total:
                self.stream.write("\n")
                self._stage, self._shown = "", 0
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
