"""The oversight pages' tables, built once for the page and every export (CSV, XLSX, PDF).

A cell is a number, a rate (0–1, or None where there is nothing to divide), minutes, or text;
the page and each export format it their own way, so the figures are the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from cases.national import NATIONAL_CATEGORY_BY_CODE
from oversight import selectors
from oversight.selectors import Figures, Scope
from tenants.models import Province


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    RATE = "rate"
    MINUTES = "minutes"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.COUNT


@dataclass(frozen=True)
class Table:
    key: str  # the export's file name part, e.g. "so-sanh-tinh"
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple]

    def as_dicts(self) -> list[dict]:
        return [dict(zip((column.key for column in self.columns), row, strict=True)) for row in self.rows]


REPORT_COLUMNS = (
    Column("received", _("Reports received")),
    Column("forwarded", _("Forwarded to an agency")),
    Column("closed", _("Closed")),
    Column("closed_on_time", _("Closed on time")),
    Column("open_overdue", _("Open and overdue")),
    Column("on_time_rate", _("On-time rate"), Kind.RATE),
    Column("median_response_minutes", _("Median first response"), Kind.MINUTES),
    Column("median_resolution_minutes", _("Median resolution"), Kind.MINUTES),
)
CALL_COLUMNS = (
    Column("offered", _("Calls offered")),
    Column("answer_rate", _("Answered by a person"), Kind.RATE),
    Column("service_level", _("Service level (20 s)"), Kind.RATE),
    Column("abandonment_rate", _("Abandoned in the queue"), Kind.RATE),
)


def _values(figures: Figures, columns) -> tuple:
    return tuple(getattr(figures, column.key) for column in columns)


def comparison_table(scope: Scope, rows: list[selectors.ProvinceFigures] | None = None) -> Table:
    rows = selectors.comparison(scope) if rows is None else rows
    return Table(
        key="so-sanh-tinh",
        title=str(_("Provinces compared")),
        columns=(Column("province", _("Province"), Kind.TEXT), *REPORT_COLUMNS, *CALL_COLUMNS),
        rows=[(row.province.name, *_values(row.figures, (*REPORT_COLUMNS, *CALL_COLUMNS))) for row in rows],
    )


def category_table(scope: Scope, province: Province) -> Table:
    return Table(
        key="linh-vuc",
        title=str(_("By national category")),
        columns=(Column("category", _("Category"), Kind.TEXT), *REPORT_COLUMNS),
        rows=[
            (category_name(code), *_values(figures, REPORT_COLUMNS))
            for code, figures in selectors.breakdown(scope, province, "national_category")
        ],
    )


def channel_table(scope: Scope, province: Province) -> Table:
    return Table(
        key="kenh",
        title=str(_("By channel")),
        columns=(Column("channel", _("Channel"), Kind.TEXT), *REPORT_COLUMNS),
        rows=[
            (channel_name(code), *_values(figures, REPORT_COLUMNS))
            for code, figures in selectors.breakdown(scope, province, "channel")
        ],
    )


def transfer_table(scope: Scope, province: Province) -> Table:
    return Table(
        key="chuyen-may",
        title=str(_("Transferred calls by menu key and agency, worst answered first")),
        columns=(
            Column("ivr_key", _("Menu key"), Kind.TEXT),
            Column("agency", _("Agency"), Kind.TEXT),
            Column("attempted", _("Transfers")),
            Column("answered", _("Answered")),
            Column("answer_rate", _("Answer rate"), Kind.RATE),
        ),
        rows=[
            (rate.ivr_key or "—", rate.agency_name, rate.attempted, rate.answered, rate.answer_rate)
            for rate in selectors.transfer_rates(scope, province)
        ],
    )


def category_name(code: str) -> str:
    category = NATIONAL_CATEGORY_BY_CODE.get(code)
    return category.name if category else code


def channel_name(code: str) -> str:
    try:
        return str(Channel(code).label)
    except ValueError:
        return code


def cell_text(value, kind: Kind) -> str:
    """A cell as every page and file writes it: Vietnamese number style, rates in per cent, durations."""
    if kind == Kind.TEXT:
        return str(value)
    if value is None:
        return "—"
    if kind == Kind.RATE:
        return _decimal(value * 100, keep_zero=True) + " %"
    if kind == Kind.MINUTES:
        if value < 60:
            return gettext("%(count)s min") % {"count": value}
        if value < 24 * 60:
            return gettext("%(count)s h") % {"count": _decimal(value / 60)}
        return gettext("%(count)s days") % {"count": _decimal(value / (24 * 60))}
    # Vietnamese groups thousands with dots: 12.345.
    return f"{value:,}".replace(",", ".")


def _decimal(value: float, *, keep_zero: bool = False) -> str:
    text = f"{value:.1f}"
    return (text if keep_zero else text.removesuffix(".0")).replace(".", ",")
