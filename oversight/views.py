"""National oversight at <BASE_DOMAIN>/oversight/: national viewers and platform admins only.

Every figure comes from the rollups (`oversight.selectors`); no page, export or chart here can
show a reporter: the tables it reads hold counts and codes only.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from oversight import selectors, tables
from oversight.forms import ScopeForm, today
from oversight.selectors import Scope
from oversight.tables import Table
from tenants.models import Province

oversight_required = permission_required("tenants.view_national_reports", raise_exception=True)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _scope(request: HttpRequest) -> tuple[ScopeForm, Scope]:
    form = ScopeForm(request.GET or None)
    scope = form.scope()
    if not form.is_bound:
        # The dates shown are the ones the figures are for.
        form = ScopeForm(initial={"start": scope.start, "end": scope.end})
    return form, scope


def _sorted(table: Table, request: HttpRequest) -> tuple[Table, str, bool]:
    """The table sorted by the column named in ?sort= (?desc=1 for largest first); missing values last."""
    keys = [column.key for column in table.columns]
    key = request.GET.get("sort", "")
    if key not in keys:
        return table, "", False
    index, descending = keys.index(key), request.GET.get("desc") == "1"
    present = [row for row in table.rows if row[index] is not None]
    missing = [row for row in table.rows if row[index] is None]
    rows = sorted(present, key=lambda row: row[index], reverse=descending) + missing
    return Table(table.key, table.title, table.columns, rows), key, descending


def _scope_query(scope: Scope, **extra) -> str:
    params = {"start": scope.start.isoformat(), "end": scope.end.isoformat(), **extra}
    if scope.category:
        params["category"] = scope.category
    return urlencode(params)


@login_required
@oversight_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    form, scope = _scope(request)
    rows = selectors.comparison(scope)
    comparison, sort, descending = _sorted(tables.comparison_table(scope, rows), request)
    slugs = {row.province.name: row.province.slug for row in rows}
    context = {
        "form": form,
        "scope": scope,
        "nation": selectors.national(rows),
        "table": comparison,
        "sort": sort,
        "descending": descending,
        "province_links": {name: reverse("oversight:province", args=[slug]) for name, slug in slugs.items()},
        "chart": {
            "trend": _trend_chart(selectors.trend(scope)),
            "provinces": {
                "labels": [row.province.name for row in rows],
                "on_time": [_percent(row.figures.on_time_rate) for row in rows],
                "received": [row.figures.received for row in rows],
            },
        },
        "query": _scope_query(scope),
        "months": _months(),
    }
    return render(request, "oversight/overview.html", context)


@login_required
@oversight_required
@require_GET
def province_detail(request: HttpRequest, slug: str) -> HttpResponse:
    province = get_object_or_404(Province.objects.provinces(), slug=slug)
    form, scope = _scope(request)
    row = next((item for item in selectors.comparison(scope) if item.province.pk == province.pk), None)
    # A merged unit has no row of its own in the comparison (its successor reports it): tables only.
    figures = row.figures if row else None
    transfers = tables.transfer_table(scope, province)
    context = {
        "form": form,
        "scope": scope,
        # Not "province": base.html reads that as the host's province (banner, header).
        "unit": province,
        "figures": figures,
        "tables": [tables.category_table(scope, province), tables.channel_table(scope, province), transfers],
        "chart": {"trend": _trend_chart(selectors.trend(scope, province))},
        "query": _scope_query(scope, province=province.slug),
        "merged_units": list(Province.objects.filter(pk__in=selectors.units_of(province)).exclude(pk=province.pk)),
        "months": _months(),
    }
    return render(request, "oversight/province.html", context)


@login_required
@oversight_required
@require_GET
def table_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """One table of a page (or all of them in one workbook, key "all"), as CSV or XLSX."""
    if fmt not in FORMATS:
        raise Http404("unknown format")
    _form, scope = _scope(request)
    slug = request.GET.get("province", "")
    if slug:
        province = get_object_or_404(Province.objects.provinces(), slug=slug)
        found = [
            tables.category_table(scope, province),
            tables.channel_table(scope, province),
            tables.transfer_table(scope, province),
        ]
        title = _("1022 Hotline %(name)s") % {"name": province.name}
    else:
        found, title = [tables.comparison_table(scope)], _("1022 Hotline — all provinces")
    chosen = found if key == "all" else [table for table in found if table.key == key]
    if not chosen or (fmt == "csv" and len(chosen) != 1):
        raise Http404("no such table")
    scope_line = _("Reports received from %(start)s to %(end)s") % {
        "start": scope.start.strftime("%d/%m/%Y"),
        "end": scope.end.strftime("%d/%m/%Y"),
    }
    # Imported here: the spreadsheet and PDF libraries load only when someone exports.
    from oversight import exports

    if fmt == "csv":
        body = exports.table_csv(chosen[0])
    else:
        body = exports.tables_xlsx(chosen, title=title, scope_line=scope_line)
    name = f"1022-{slug or 'toan-quoc'}-{key}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.{fmt}"
    return _attachment(body, FORMATS[fmt], name)


@login_required
@oversight_required
@require_GET
def monthly_report(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The month's PDF report, for the nation or (?province=) one province."""
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404("no such month")
    slug = request.GET.get("province", "")
    province = get_object_or_404(Province.objects.provinces(), slug=slug) if slug else None
    from oversight import exports

    body = exports.monthly_report_pdf(province=province, month=date(year, month, 1))
    return _attachment(body, "application/pdf", f"1022-{slug or 'toan-quoc'}-{year}-{month:02d}.pdf")


def _attachment(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _trend_chart(days: list[selectors.DayFigures]) -> dict:
    return {
        "labels": [day.day.strftime("%d/%m") for day in days],
        "received": [day.received for day in days],
        "closed": [day.closed for day in days],
        "offered": [day.offered for day in days],
    }


def _months(count: int = 12) -> list[date]:
    """The last months whose report can be asked for, newest first (the current one included)."""
    current = today().replace(day=1)
    months = []
    for _index in range(count):
        months.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return months
