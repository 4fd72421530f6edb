"""How the oversight pages write a table's cells: the same text as the exports (`oversight.tables.cell_text`)."""

from __future__ import annotations

from django import template

from oversight.tables import Kind, cell_text

register = template.Library()


@register.filter
def cell(value, kind: str) -> str:
    return cell_text(value, Kind(kind))


@register.filter
def rate(value: float | None) -> str:
    return cell_text(value, Kind.RATE)


@register.filter
def count(value: int) -> str:
    return cell_text(value or 0, Kind.COUNT)


@register.filter
def minutes(value: int | None) -> str:
    return cell_text(value, Kind.MINUTES)


@register.filter
def zip_columns(row: tuple, columns) -> list:
    """(column, value) pairs of a table row."""
    return list(zip(columns, row, strict=True))


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
