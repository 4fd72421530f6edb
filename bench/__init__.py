"""Benchmarks: `make bench` (`python -m bench`). Never part of `make test`.

A benchmark is a callable taking a `Context` and returning `Result`s; `bench.run.BENCHMARKS`
lists them. This module stays free of Django imports so that `bench.run` can set up Django
before anything touches a model.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from tenants.models import Province


@dataclass(frozen=True)
class Context:
    """What every benchmark gets: a throwaway province (already active) and its defaults."""

    province: Province
    # Official codes of the wards the province's defaults were created with.
    ward_codes: tuple[int, ...]


@dataclass
class Result:
    """One line of the table and one entry of `bench/results.json`."""

    name: str
    value: float
    unit: str
    # What `value` is compared with in the same run (e.g. the bare-insert rate), and value / baseline.
    baseline: float | None = None
    ratio: float | None = None
    # Human-readable target ("≥ 0.25", "< 5 s") and whether this run met it; None when there is none.
    goal: str | None = None
    ok: bool | None = None
    # Everything else worth keeping in the JSON: per-round figures, counts, parameters.
    details: dict[str, Any] = field(default_factory=dict)


Benchmark = Callable[[Context], list[Result]]


class Goal(TypedDict):
    goal: str
    ok: bool


# Splat into a result: `Result(..., **at_least(ratio, 0.25))`.
def at_least(value: float, minimum: float, unit: str = "") -> Goal:
    return {"goal": f"≥ {minimum:g}{unit}", "ok": value >= minimum}


def below(value: float, maximum: float, unit: str = "") -> Goal:
    return {"goal": f"< {maximum:g}{unit}", "ok": value < maximum}


def at_most(value: float, maximum: float, unit: str = "") -> Goal:
    return {"goal": f"≤ {maximum:g}{unit}", "ok": value <= maximum}


def equal(value: int, expected: int) -> Goal:
    return {"goal": f"= {expected:,}", "ok": value == expected}


def progress(message: str) -> None:
    """Progress goes to stderr so that stdout carries only the table."""
    print(f"· {message}", file=sys.stderr, flush=True)
