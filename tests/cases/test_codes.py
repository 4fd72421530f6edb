"""Tracking codes and phone numbers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.codes import (
    damm_digit,
    phone_e164,
    phone_masked,
    phone_national,
    tracking_code_clean,
    tracking_code_new,
)

bodies = st.text(alphabet="0123456789", min_size=8, max_size=8)


def _code(body: str) -> str:
    return body + damm_digit(body)


@settings(max_examples=300, deadline=None)
@given(bodies)
def test_every_code_with_its_check_digit_is_accepted(body):
    code = _code(body)

    assert tracking_code_clean(code) == code
    assert tracking_code_clean(f"{code[:3]} {code[3:6]} {code[6:]}") == code
    assert tracking_code_clean(f"{code[:3]}-{code[3:6]}-{code[6:]}") == code
    assert tracking_code_clean(f"{code[:3]}.{code[3:6]}.{code[6:]}") == code


@settings(max_examples=300, deadline=None)
@given(bodies, st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_any_single_digit_substitution_is_caught(body, position, shift):
    code = _code(body)
    wrong = str((int(code[position]) + shift) % 10)

    assert tracking_code_clean(code[:position] + wrong + code[position + 1 :]) is None


@settings(max_examples=300, deadline=None)
@given(bodies, st.integers(min_value=0, max_value=7))
def test_any_adjacent_transposition_is_caught(body, position):
    code = _code(body)
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]

    if swapped != code:
        assert tracking_code_clean(swapped) is None


@pytest.mark.parametrize(
    "code", ["000000000", _code("48291307"), _code("12345678"), _code("99999999"), _code("31415926")]
)
def test_every_error_on_sample_codes_is_caught_exhaustively(code):
    assert tracking_code_clean(code) == code
    for position in range(9):
        for digit in "0123456789":
            if digit != code[position]:
                assert tracking_code_clean(code[:position] + digit + code[position + 1 :]) is None
    for position in range(8):
        if code[position] != code[position + 1]:
            swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
            assert tracking_code_clean(swapped) is None


def test_new_codes_are_nine_digits_with_a_valid_check_digit():
    codes = {tracking_code_new() for _ in range(500)}

    assert all(re.fullmatch(r"\d{9}", code) and tracking_code_clean(code) == code for code in codes)
    assert len(codes) > 490  # random, not sequential


@pytest.mark.parametrize("raw", ["", "12345678", "1234567890", "48291307a", "482 913 07", None])
def test_malformed_codes_are_refused(raw):
    assert tracking_code_clean(raw) is None


def test_masked_phone_shows_only_the_ends():
    assert phone_masked("+84912345678") == "091****678"
    assert phone_masked("+842838224567") == "028*****567"
    assert phone_masked("") == ""


def test_national_form():
    assert phone_national("+84912345678") == "0912345678"
    assert phone_national("+33123456789") == "+33123456789"


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "(091) 234-5678",
        "+84912345678",
        "+84 912 345 678",
        "84912345678",
        "  0912345678  ",
    ],
)
def test_vietnamese_mobile_formats_are_normalised(raw):
    assert phone_e164(raw) == "+84912345678"


def test_landline_with_area_code_is_normalised():
    assert phone_e164("028 3822 4567") == "+842838224567"


@pytest.mark.parametrize("raw", ["", "12", "0123", "abc", "091234567890123"])
def test_invalid_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationError) as caught:
        phone_e164(raw)

    assert caught.value.params == {"number": raw}
