"""Finding FAQ answers: the public search page and the operators' quick answers use the same search."""

from __future__ import annotations

from cases.search import search_words
from cms.models import FaqPage

MAX_QUERY = 200


def faq_search(query: str):
    """Live, public questions matching every word of `query`, diacritics aside (best first)."""
    # Folded here as well: the same words find the same pages whether or not the server has `unaccent`.
    words = " ".join(search_words(query[:MAX_QUERY]))
    if not words:
        return FaqPage.objects.none()
    return FaqPage.objects.live().public().search(words, operator="and")


QUICK_ANSWERS = 5


def quick_answers(query: str) -> list[FaqPage]:
    """The few questions an operator picks a reply from."""
    return list(faq_search(query)[:QUICK_ANSWERS])
