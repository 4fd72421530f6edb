"""The FAQ search of the province's site (/tim-kiem/?q=)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from cases.search import search_words
from cms.models import FAQ_PER_PAGE, FaqPage

MAX_QUERY = 200


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    # Folded here as well: the same words find the same pages whether or not the server has `unaccent`.
    words = " ".join(search_words(query))
    found = FaqPage.objects.live().public().search(words, operator="and") if words else FaqPage.objects.none()
    results = Paginator(found, FAQ_PER_PAGE).get_page(request.GET.get("page"))
    canonical = request.build_absolute_uri(request.path)
    return render(request, "cms/search.html", {"query": query, "results": results, "canonical": canonical})
