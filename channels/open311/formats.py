"""GeoReport v2's two formats: the same data as JSON or as XML, and its error list.

XML follows the specification's element names: a list is wrapped in its plural element and each
item in the singular one (`<services><service>…`, `<service_requests><request>…`,
`<errors><error>…`), booleans are `true`/`false`, a missing value is an empty element, and times
are W3C date-times with the province's UTC offset (`2026-12-03T19:25:04+07:00`) in both formats.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone

JSON, XML = "json", "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
# The element each item of a list is wrapped in, by the list's element.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all; a stray one in stored text must not break the document.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """An error the API answers in the specification's format: a list of {code, description}."""

    def __init__(self, status: int, description: str, *more: str):
        super().__init__(description)
        self.status = status
        self.descriptions = (description, *more)


def respond(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    body = _json(data) if fmt == JSON else _xml(root, data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    errors = [{"code": error.status, "description": description} for description in error.descriptions]
    return respond(fmt if fmt in CONTENT_TYPES else XML, "errors", errors, status=error.status)


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, default=_json_default).encode()


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return w3_datetime(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def w3_datetime(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _xml(root: str, data) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, data)
    # The declaration as the specification writes it; ElementTree's own would use single quotes.
    body = ElementTree.tostring(element, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _fill(element: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ElementTree.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ElementTree.SubElement(element, item_tag), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, datetime):
        element.text = w3_datetime(value)
    elif value is not None:
        element.text = _XML_ILLEGAL.sub("", str(value))
