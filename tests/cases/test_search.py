"""Finding a case by what an operator types: codes and numbers in any usual form, words with or without accents."""

from __future__ import annotations

import pytest

from cases.inbox import inbox_cases
from cases.search import search_filter, search_fold
from cases.services import ReporterInput


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ngập nước", "ngap nuoc"),
        ("ĐƯỜNG Đồng Khởi", "duong dong khoi"),
        ("tiêm vắc-xin", "tiem vac-xin"),
        ("Thủ Dầu Một", "thu dau mot"),
    ],
)
def test_folding_drops_every_vietnamese_diacritic_and_case(text, folded):
    assert search_fold(text) == folded


def test_nothing_searchable_means_no_filter():
    assert search_filter("  ") is None
    assert search_filter("…!?") is None


def found(user, query: str) -> list:
    return list(inbox_cases(user, {"q": query}).values_list("pk", flat=True))


@pytest.fixture
def flooded(make_case):
    return make_case(
        description="Đường Nguyễn Văn Tiết ngập nước sâu sau cơn mưa, xe máy chết máy hàng loạt.",
        address="Khu phố Bình Hòa",
        reporter=ReporterInput(name="Trần Thị Bích", phone="0913 579 246"),
    )


@pytest.mark.parametrize(
    "query",
    ["ngap nuoc", "ngập nước", "NGẬP NƯỚC", "Ngap Nuoc Sau", "nguyen van tiet", "ngap nu", "binh hoa"],
)
def test_words_match_with_or_without_diacritics(flooded, operator, query):
    assert flooded.pk in found(operator, query)


@pytest.mark.parametrize("query", ["ngap lut", "nuoc mat", "tiết kiệm"])
def test_other_words_do_not_match(flooded, operator, query):
    assert flooded.pk not in found(operator, query)


def test_tracking_code_in_any_usual_form(flooded, operator):
    code = flooded.tracking_code
    for query in (code, f"{code[:3]} {code[3:6]} {code[6:]}", f"{code[:3]}-{code[3:6]}-{code[6:]}", f" {code}. "):
        assert found(operator, query) == [flooded.pk], query


@pytest.mark.parametrize(
    "query", ["0913579246", "0913 579 246", "0913.579.246", "+84 913 579 246", "84913579246", "(+84) 913-579-246"]
)
def test_phone_number_in_any_common_format(flooded, operator, query):
    assert flooded.pk in found(operator, query)


def test_a_search_looks_through_every_queue_but_keeps_the_other_filters(flooded, operator):
    assert flooded.pk in list(
        inbox_cases(operator, {"q": "ngap nuoc", "queue": "overdue"}).values_list("pk", flat=True)
    )
    assert not inbox_cases(operator, {"q": "ngap nuoc", "channel": "zalo"}).filter(pk=flooded.pk).exists()


def test_the_search_page_finds_a_case_without_diacritics(flooded, client_a):
    client_a.post("/accounts/login/", {"username": "operator.binhduong", "password": "demo1022"})
    page = client_a.get("/cases/", {"q": "ngap nuoc sau"}).content.decode()
    assert flooded.display_code in page
    empty = client_a.get("/cases/", {"q": "khong co gi giong the nay"}).content.decode()
    assert "Không có phản ánh nào khớp" in empty
