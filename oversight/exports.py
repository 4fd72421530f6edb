"""The oversight tables as files: CSV and XLSX of any table, and the monthly PDF report.

Every export is built from `oversight.tables`, which read the rollups only: a file can hold no
more than the pages show, and never a reporter's name, number or message.

The PDF embeds DejaVu Sans Condensed from `oversight/fonts/` (Debian's fonts-dejavu-extra, see
the LICENSE there), so Vietnamese renders the same on any machine without a system font.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import unicodedata
from datetime import date
from pathlib import Path

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, TableCellFillMode, XPos, YPos
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from oversight import selectors
from oversight.selectors import Figures, Scope
from oversight.tables import (
    CALL_COLUMNS,
    REPORT_COLUMNS,
    Column,
    Kind,
    Table,
    category_table,
    cell_text,
    channel_table,
    comparison_table,
    transfer_table,
)
from tenants.models import Province

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSansCondensed"

# Spreadsheets run a cell starting with one of these as a formula, and agency names are typed by
# each province's admins: such text is written so that it stays text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses these in a sheet name, and names longer than 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
_SHEET_NAME_MAX = 31


# --- CSV ------------------------------------------------------------------------------------------


def table_csv(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a BOM (Excel reads Vietnamese only then), rates in per cent."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_header(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value, column.kind) for column, value in zip(table.columns, row, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_header(column: Column) -> str:
    # The cells are bare numbers: the header says in what.
    unit = {Kind.RATE: " (%)", Kind.MINUTES: _(" (minutes)")}.get(column.kind, "")
    return f"{column.label}{unit}"


def _csv_cell(value, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == Kind.RATE:
        return f"{value * 100:.1f}"
    if kind == Kind.TEXT:
        text = _nfc(value)
        return f"'{text}" if text.startswith(_FORMULA_START) else text
    return str(int(value))


# --- XLSX -----------------------------------------------------------------------------------------


def tables_xlsx(tables: list[Table], *, title: str, scope_line: str) -> bytes:
    """One worksheet per table, each under the title and scope line; rates stay numbers, shown in per cent."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        _worksheet(workbook.create_sheet(_sheet_name(table.title, used)), table, title=title, scope_line=scope_line)
    if not tables:
        # A workbook needs a sheet; an empty one still says what it is of.
        _worksheet(workbook.create_sheet(_sheet_name(title, used)), None, title=title, scope_line=scope_line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER_ROW = 5
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def _worksheet(sheet, table: Table | None, *, title: str, scope_line: str) -> None:
    sheet["A1"] = _nfc(title)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = _nfc(scope_line)
    if table is None:
        return
    sheet["A3"] = _nfc(table.title)
    sheet["A3"].font = Font(bold=True, size=12)
    number_formats = {
        Kind.COUNT: "#,##0",
        Kind.RATE: "0.0%",
        # The unit in the format, not the cell: the value stays a number to add up and sort.
        Kind.MINUTES: f'0" {_("min")}"',
    }
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=_nfc(column.label))
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, row in enumerate(table.rows, start=1):
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=index)
            if column.kind == Kind.TEXT:
                cell.value = _nfc(value)
                # openpyxl takes a string starting with "=" for a formula; this one is a name.
                cell.data_type = "s"
            else:
                cell.value = value
                cell.number_format = number_formats[column.kind]
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _column_width(column, table.rows, index - 1)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)


def _column_width(column: Column, rows: list[tuple], position: int) -> float:
    # Headers wrap, so a long label asks for less width than its length; text as wide as its longest
    # value, within limits that keep the table on a screen.
    widest = max((len(_nfc(row[position])) for row in rows), default=0) if column.kind == Kind.TEXT else 9
    return float(min(max(widest, min(len(str(column.label)), 16), 8) + 2, 60))


def _sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique sheet name (Excel compares them without case)."""
    base = " ".join(_SHEET_FORBIDDEN.sub(" ", _nfc(title)).split()).strip("'") or "Sheet"
    name, number = base[:_SHEET_NAME_MAX], 2
    while name.casefold() in used:
        suffix = f" ({number})"
        name, number = base[: _SHEET_NAME_MAX - len(suffix)].rstrip() + suffix, number + 1
    used.add(name.casefold())
    return name


# --- PDF ------------------------------------------------------------------------------------------


def month_scope(month: date) -> Scope:
    """The calendar month holding `month`."""
    last = calendar.monthrange(month.year, month.month)[1]
    return Scope(start=month.replace(day=1), end=month.replace(day=last))


def report_title(*, province: Province | None, month: date) -> str:
    return _("Monthly report %(month)s – 1022 Hotline %(place)s") % {
        "month": f"{month.month}/{month.year}",
        "place": province.name if province is not None else _("nationwide"),
    }


def monthly_report_pdf(*, province: Province | None, month: date) -> bytes:
    """The month's report, A4 landscape: headline figures, then the nation's or the province's tables."""
    scope = month_scope(month)
    comparison = selectors.comparison(scope)
    if province is None:
        figures = selectors.national(comparison)
        sections = [comparison_table(scope, comparison)]
    else:
        # The province's own comparison row: with its merged units, as on the national page.
        figures = selectors.national([row for row in comparison if row.province.pk == province.pk])
        sections = [category_table(scope, province), channel_table(scope, province), transfer_table(scope, province)]

    generated = timezone.localtime(timezone.now())
    pdf = _Report(
        footer_left=" · ".join(
            (_("No personal data"), _("Generated %(when)s") % {"when": generated.strftime("%d/%m/%Y %H:%M")})
        )
    )
    title = report_title(province=province, month=month)
    pdf.set_title(_nfc(title))
    pdf.set_creator(_("1022 Hotline"))
    pdf.set_lang(get_language() or "vi")
    pdf.add_page()

    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, _nfc(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(70)
    scope_line = _("From %(start)s to %(end)s") % {
        "start": scope.start.strftime("%d/%m/%Y"),
        "end": scope.end.strftime("%d/%m/%Y"),
    }
    pdf.cell(0, 6, scope_line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(3)
    _headline(pdf, figures)
    for table in sections:
        _pdf_table(pdf, table)
    return bytes(pdf.output())


class _Report(FPDF):
    def __init__(self, *, footer_left: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.footer_left = footer_left
        self.add_font(FONT, "", FONT_DIR / "DejaVuSansCondensed.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSansCondensed-Bold.ttf")
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(auto=True, margin=16)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 8)
        self.set_text_color(100)
        self.set_draw_color(200)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.cell(0, 6, self.footer_left, align="L")
        self.set_x(self.l_margin)
        # "{nb}" is fpdf2's alias, replaced by the page count once the document is complete.
        self.cell(0, 6, _("Page %(number)s/%(total)s") % {"number": self.page_no(), "total": "{nb}"}, align="R")
        self.set_text_color(0)


_CARD_COLUMNS = 6
_CARD_HEIGHT = 17
_CARD_GAP = 3


def _headline(pdf: FPDF, figures: Figures) -> None:
    """The month's figures as cards, two rows of six: reports first, then calls."""
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, _("Headline figures"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    columns = (*REPORT_COLUMNS, *CALL_COLUMNS)
    width = (pdf.epw - _CARD_GAP * (_CARD_COLUMNS - 1)) / _CARD_COLUMNS
    top = pdf.get_y() + 1
    for index, column in enumerate(columns):
        x = pdf.l_margin + (index % _CARD_COLUMNS) * (width + _CARD_GAP)
        y = top + (index // _CARD_COLUMNS) * (_CARD_HEIGHT + _CARD_GAP)
        pdf.set_fill_color(240, 244, 248)
        pdf.set_draw_color(205, 215, 228)
        pdf.rect(x, y, width, _CARD_HEIGHT, style="DF")
        pdf.set_xy(x + 2, y + 1.5)
        pdf.set_font(FONT, "B", 14)
        pdf.cell(width - 4, 7, _cell_text(getattr(figures, column.key), column.kind))
        pdf.set_xy(x + 2, y + 8.5)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(70)
        pdf.multi_cell(width - 4, 3.6, _nfc(column.label), max_line_height=3.6)
        pdf.set_text_color(0)
    rows = -(-len(columns) // _CARD_COLUMNS)
    pdf.set_xy(pdf.l_margin, top + rows * (_CARD_HEIGHT + _CARD_GAP) + 2)


def _pdf_table(pdf: FPDF, table: Table) -> None:
    # A table's title never ends a page alone.
    if pdf.get_y() > pdf.h - pdf.b_margin - 30:
        pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 7, _nfc(table.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    if not table.rows:
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(100)
        pdf.cell(0, 6, _("No figures for this month."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0)
        pdf.ln(4)
        return
    pdf.set_font(FONT, "", 8.5)
    pdf.set_draw_color(205, 215, 228)
    with pdf.table(
        col_widths=[_pdf_weight(column) for column in table.columns],
        text_align=["LEFT" if column.kind == Kind.TEXT else "RIGHT" for column in table.columns],
        headings_style=FontFace(emphasis="BOLD", fill_color=(221, 230, 240)),
        cell_fill_color=(246, 248, 250),
        cell_fill_mode=TableCellFillMode.ROWS,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=4.6,
        padding=(1.2, 1.5),
        v_align="MIDDLE",
        width=pdf.epw,
    ) as pdf_table:
        header = pdf_table.row()
        for column in table.columns:
            header.cell(_nfc(column.label))
        for row in table.rows:
            cells = pdf_table.row()
            for column, value in zip(table.columns, row, strict=True):
                cells.cell(_cell_text(value, column.kind))
    pdf.ln(6)


def _pdf_weight(column: Column) -> float:
    # Agency and category names are the long cells; a menu key is one character.
    return {"agency": 3.2, "category": 2.6, "ivr_key": 0.8}.get(column.key, 1.8 if column.kind == Kind.TEXT else 1)


def _cell_text(value, kind: Kind) -> str:
    return _nfc(cell_text(value, kind))


def _nfc(value) -> str:
    # Composed characters: the font has a glyph for each Vietnamese letter, and fpdf2 does not place
    # combining marks without a shaping engine.
    return unicodedata.normalize("NFC", str(value))
