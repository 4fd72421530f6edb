"""The FAQ search of the province's site (/tim-kiem/?q=)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from cms.models import FAQ_PER_PAGE
from cms.search import MAX_QUERY, faq_search


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    results = Paginator(faq_search(query), FAQ_PER_PAGE).get_page(request.GET.get("page"))
    canonical = request.build_absolute_uri(request.path)
    return render(request, "cms/search.html", {"query": query, "results": results, "canonical": canonical})
