"""The exports: the tables' figures in CSV, XLSX and the monthly PDF, Vietnamese intact, nobody's name or number."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import translation

import pytest
from django_tenants.utils import tenant_context
from openpyxl import load_workbook
from pypdf import PdfReader

from cases import clock
from cases.models import Reporter
from cases.sla import VN_TZ
from oversight import exports
from oversight.rollups import rollups_refresh
from oversight.tables import Column, Kind, Table, category_table, channel_table, comparison_table, transfer_table
from tenants.demo import DEMO_PROVINCES
from tests.conftest import province

# The files a run produced, for a person to look at (as the browser tests keep their screenshots).
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "exports"
CDC = "Trung tâm Kiểm soát bệnh tật tỉnh Cà Mau"


@pytest.fixture
def rolled_up(db):
    """Every demo province counted into the rollups."""
    provinces = [province(demo.slug) for demo in DEMO_PROVINCES]
    for tenant in provinces:
        with tenant_context(tenant):
            rollups_refresh()
    return provinces


def report_month() -> date:
    # The demo's history is the last thirty days: take the month that holds most of it.
    today = clock.now().astimezone(VN_TZ).date()
    first = today.replace(day=1)
    return first if today.day >= 15 else (first - timedelta(days=1)).replace(day=1)


def province_tables(slug: str) -> list[Table]:
    scope, tenant = exports.month_scope(report_month()), province(slug)
    return [category_table(scope, tenant), channel_table(scope, tenant), transfer_table(scope, tenant)]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    """Words separated by single spaces: a wrapped table cell reads as one line."""
    return " ".join(text.split())


def keep(name: str, data: bytes) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_bytes(data)


def xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))


def test_the_csv_reads_back_as_the_tables_figures(rolled_up):
    scope = exports.month_scope(report_month())
    tables = [comparison_table(scope), *province_tables("camau")]
    assert all(table.rows for table in tables)

    for table in tables:
        data = exports.table_csv(table)

        assert data.startswith(b"\xef\xbb\xbf"), table.key
        header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert [label.split(" (")[0] for label in header] == [
            str(column.label).split(" (")[0] for column in table.columns
        ]
        units = {column.kind: label for column, label in zip(table.columns, header, strict=True)}
        assert units.get(Kind.RATE, " (%)").endswith(" (%)")
        assert units.get(Kind.MINUTES, " (phút)").endswith(" (phút)")
        assert len(rows) == len(table.rows)
        for written, row in zip(rows, table.rows, strict=True):
            for text, column, value in zip(written, table.columns, row, strict=True):
                assert text == expected_csv_cell(value, column.kind), (table.key, column.key)
    assert "Cà Mau" in exports.table_csv(tables[0]).decode("utf-8-sig")


def expected_csv_cell(value, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == Kind.RATE:
        return f"{round(value * 100, 1):.1f}"
    return str(value)


def test_the_xlsx_holds_the_same_numbers_one_sheet_per_table(rolled_up):
    scope = exports.month_scope(report_month())
    tables = [comparison_table(scope), *province_tables("camau")]

    data = exports.tables_xlsx(tables, title="Báo cáo tháng – Cà Mau", scope_line="Từ ngày 01 đến ngày 30")
    keep("bang-camau.xlsx", data)

    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.sheetnames) == len(tables) == len({name.casefold() for name in workbook.sheetnames})
    for sheet, table in zip(workbook.worksheets, tables, strict=True):
        assert len(sheet.title) <= 31
        assert sheet["A1"].value == "Báo cáo tháng – Cà Mau"
        assert sheet["A2"].value == "Từ ngày 01 đến ngày 30"
        assert sheet["A3"].value == table.title
        header = [cell for cell in sheet[exports.HEADER_ROW]][: len(table.columns)]
        assert [cell.value for cell in header] == [str(column.label) for column in table.columns]
        assert all(cell.font.bold for cell in header)
        written = list(sheet.iter_rows(min_row=exports.HEADER_ROW + 1, max_col=len(table.columns)))
        # Excel keeps 15 significant digits, so a rate comes back that close, not bit for bit.
        assert [tuple(cell.value for cell in row) for row in written] == [
            tuple(pytest.approx(value, rel=1e-12) if isinstance(value, float) else value for value in row)
            for row in table.rows
        ]
        for row in written:
            for cell, column in zip(row, table.columns, strict=True):
                if column.kind == Kind.RATE:
                    assert cell.number_format == "0.0%"
        widths = [sheet.column_dimensions[letter].width for letter in "ABCDE"]
        assert all(8 <= width <= 62 for width in widths)
    assert workbook.worksheets[3].column_dimensions["B"].width > workbook.worksheets[3].column_dimensions["C"].width, (
        "the agency column is wider than a count's"
    )


def test_text_that_looks_like_a_formula_stays_text_and_empty_figures_stay_empty():
    table = Table(
        key="t",
        title="Chuyển máy",
        columns=(
            Column("agency", "Cơ quan", Kind.TEXT),
            Column("attempted", "Lượt"),
            Column("answer_rate", "Tỷ lệ", Kind.RATE),
            Column("median", "Trung vị", Kind.MINUTES),
        ),
        rows=[('=HYPERLINK("http://x","Sở Y tế")', 3, None, None), ("Sở Y tế", 8, 0.875, 45)],
    )

    rows = list(csv.reader(io.StringIO(exports.table_csv(table).decode("utf-8-sig"))))
    workbook_data = exports.tables_xlsx([table], title="T", scope_line="S")
    sheet = load_workbook(io.BytesIO(workbook_data)).active

    assert rows[1] == ['\'=HYPERLINK("http://x","Sở Y tế")', "3", "", ""]
    assert rows[2] == ["Sở Y tế", "8", "87.5", "45"]
    assert "<f>" not in xlsx_text(workbook_data)
    assert sheet.cell(exports.HEADER_ROW + 1, 1).value == table.rows[0][0]
    assert [sheet.cell(exports.HEADER_ROW + 1, column).value for column in (3, 4)] == [None, None]
    assert sheet.cell(exports.HEADER_ROW + 2, 3).value == 0.875


def test_sheet_names_are_short_unique_and_without_forbidden_characters():
    long_title = "Chuyển máy theo phím: cơ quan [nghe máy] kém nhất / trước?"
    tables = [
        Table(key=str(index), title=long_title, columns=(Column("n", "N"),), rows=[(index,)]) for index in range(3)
    ]

    names = load_workbook(io.BytesIO(exports.tables_xlsx(tables, title="T", scope_line="S"))).sheetnames

    assert len(set(names)) == 3
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert names[0].startswith("Chuyển máy theo phím")


def test_the_provinces_monthly_pdf_embeds_its_font_and_carries_the_tables_figures(rolled_up):
    month, camau = report_month(), province("camau")
    tables = province_tables("camau")

    with translation.override("vi"):
        data = exports.monthly_report_pdf(province=camau, month=month)
    keep("bao-cao-thang-camau.pdf", data)

    assert data.startswith(b"%PDF")
    text = flat(pdf_text(data))
    assert f"Báo cáo tháng {month.month}/{month.year} – Tổng đài 1022 Cà Mau" in text
    assert "Không có dữ liệu cá nhân" in text
    for table in tables:
        assert table.title in text
        for row in table.rows:
            assert row[0] in text
    key, agency, attempted, answered, rate = tables[2].rows[0]
    assert (key, agency) == ("2", CDC)
    rate_text = f"{rate * 100:.1f}".replace(".", ",") + " %"
    assert f"{key} {CDC} {attempted} {answered} {rate_text}" in text
    fonts = [
        font.get_object() for page in PdfReader(io.BytesIO(data)).pages for font in page["/Resources"]["/Font"].values()
    ]
    assert fonts
    assert all("DejaVuSansCondensed" in font["/BaseFont"] for font in fonts)
    assert all("/FontFile2" in font["/DescendantFonts"][0]["/FontDescriptor"] for font in fonts)


def test_the_national_monthly_pdf_compares_every_demo_province(rolled_up):
    month = report_month()
    comparison = comparison_table(exports.month_scope(month))

    with translation.override("vi"):
        data = exports.monthly_report_pdf(province=None, month=month)
    keep("bao-cao-thang-toan-quoc.pdf", data)

    text = flat(pdf_text(data))
    assert data.startswith(b"%PDF")
    assert f"Báo cáo tháng {month.month}/{month.year} – Tổng đài 1022 toàn quốc" in text
    for tenant in rolled_up:
        assert tenant.name in text
    camau = next(row for row in comparison.rows if row[0] == "Cà Mau")
    assert f"Cà Mau {camau[1]} {camau[2]} {camau[3]}" in text


def test_no_export_holds_a_reporters_name_or_phone_number(rolled_up):
    needles = set()
    for tenant in rolled_up:
        with tenant_context(tenant):
            for name, phone in Reporter.objects.values_list("name", "phone"):
                needles |= {name, phone, phone.replace("+84", "0", 1)} if phone else {name}
    needles.discard("")
    assert len(needles) > 20

    month = report_month()
    scope = exports.month_scope(month)
    tables = [comparison_table(scope)] + [table for demo in DEMO_PROVINCES for table in province_tables(demo.slug)]
    texts = [exports.table_csv(table).decode("utf-8-sig") for table in tables]
    texts.append(xlsx_text(exports.tables_xlsx(tables, title="T", scope_line="S")))
    texts.append(pdf_text(exports.monthly_report_pdf(province=None, month=month)))
    texts += [pdf_text(exports.monthly_report_pdf(province=tenant, month=month)) for tenant in rolled_up]

    # Compared composed, so that no way of writing a Vietnamese letter hides a name.
    needles = {unicodedata.normalize("NFC", needle) for needle in needles}
    texts = [unicodedata.normalize("NFC", text) for text in texts]
    found = sorted({needle for needle in needles for text in texts if needle in text or needle in flat(text)})
    assert not found
