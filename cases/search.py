"""Finding cases from what an operator types: a tracking code, a phone number, or words.

Words match without regard to Vietnamese diacritics ("ngap nuoc" finds "ngập nước"). The
folding is done here in Python, stored in `Case.search_text`, and indexed by PostgreSQL's
built-in full-text search (`simple` configuration, GIN index on `Case.search_vector`). No
extension is needed, so the embedded PostgreSQL, which ships without `unaccent`, searches
exactly like a production server does.
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db.models import Q

from cases.codes import phone_e164, tracking_code_clean
from cases.models import Reporter, TrackingCodeAlias

# Words shorter than this match too much to be useful as a prefix.
MIN_PREFIX = 2
MAX_WORDS = 8
# What people put inside numbers they read out: spaces, dots, dashes, brackets, a leading plus.
_NUMBER_PUNCTUATION = re.compile(r"[\s.\-()+]")
_WORD = re.compile(r"[a-z0-9]+")
# NFD splits "ậ" into "a" and two combining marks; "đ" has no decomposition and is mapped by hand.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


def search_fold(text: str) -> str:
    """Lower case, no diacritics: "Ngập nước ở Phường Đông Hòa" → "ngap nuoc o phuong dong hoa"."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def search_document(*parts: str) -> str:
    """The folded text stored for a case (description and address)."""
    return " ".join(search_fold(part) for part in parts if part)


def search_words(query: str) -> list[str]:
    return _WORD.findall(search_fold(query))[:MAX_WORDS]


def search_filter(query: str) -> Q | None:
    """A filter matching the cases `query` can mean; None when it means nothing searchable.

    A query made of digits may be a tracking code or a phone number in any usual form
    ("0912 345 678", "+84 912.345.678"); it is also looked up as words, since descriptions
    quote house numbers and licence plates.
    """
    query = (query or "").strip()
    matches = []
    if _NUMBER_PUNCTUATION.sub("", query).isdigit():
        code = tracking_code_clean(query)
        if code:
            matches.append(Q(tracking_code=code))
            # A former code from before a merger, as a constant list for the same reason as below.
            aliased = list(TrackingCodeAlias.objects.filter(code=code).values_list("case_id", flat=True))
            if aliased:
                matches.append(Q(pk__in=aliased))
        phone = _phone_or_none(query)
        if phone:
            # Looked up first: a constant list lets PostgreSQL OR the case indexes together, where a
            # subquery inside the OR would make it filter every case in date order instead.
            reporters = list(Reporter.objects.filter(phone=phone).values_list("pk", flat=True))
            if reporters:
                matches.append(Q(reporter_id__in=reporters))
    words = search_words(query)
    if words:
        matches.append(Q(search_vector=_words_query(words)))
    if not matches:
        return None
    found = matches[0]
    for match in matches[1:]:
        found |= match
    return found


def _words_query(words: list[str]) -> SearchQuery:
    # Every word must occur; the last may be unfinished (the list refreshes as one types).
    # Words are [a-z0-9]+ after folding, so the raw tsquery syntax cannot be injected.
    terms = [*words[:-1], words[-1] + (":*" if len(words[-1]) >= MIN_PREFIX else "")]
    return SearchQuery(" & ".join(terms), search_type="raw", config="simple")


def _phone_or_none(raw: str) -> str | None:
    try:
        return phone_e164(raw)
    except ValidationError:
        return None
