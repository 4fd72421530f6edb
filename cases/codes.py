"""Tracking codes and phone numbers: what citizens read, key in and are identified by."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

import phonenumbers

TRACKING_CODE_RANDOM_DIGITS = 8

# Damm's quasigroup: the check digit catches every single-digit error and every swap of
# two adjacent digits, the mistakes people make reading a code over the phone.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm_digit(digits: str) -> str:
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return str(interim)


def tracking_code_new() -> str:
    """Eight random digits and a check digit. Random, so codes reveal nothing about volumes."""
    body = f"{secrets.randbelow(10**TRACKING_CODE_RANDOM_DIGITS):0{TRACKING_CODE_RANDOM_DIGITS}d}"
    return body + damm_digit(body)


def tracking_code_clean(raw: str) -> str | None:
    """The code in `raw` ("482 913 075", "482-913-075") if it is well formed and its check digit holds."""
    digits = re.sub(r"[\s.\-]", "", raw or "")
    if not re.fullmatch(r"\d{9}", digits) or damm_digit(digits) != "0":
        return None
    return digits


@lru_cache(maxsize=8192)
def phone_e164(raw: str, *, region: str = "VN") -> str:
    """A phone number in E.164, or ValidationError saying what is wrong with it.

    Cached: parsing costs more than storing a case, and hotlines hear the same callers again.
    """
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("“%(number)s” is not a phone number."), params={"number": raw}) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("“%(number)s” is not a valid phone number."), params={"number": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_national(e164: str) -> str:
    """+84912345678 → 0912345678 (digits only, as Vietnamese people write it)."""
    number = phonenumbers.parse(e164, None)
    if number.country_code == 84:
        return "0" + str(number.national_number)
    return e164


def phone_masked(e164: str) -> str:
    """0912345678 → 091****678: enough to recognise one's own number, not enough to call it."""
    if not e164:
        return ""
    digits = phone_national(e164)
    if len(digits) <= 6:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 6) + digits[-3:]
