"""The case engine's notion of "now", which imports and the demo can set to a past instant.

Channels pass the time a provider received a message; the demo replays thirty days of
history. Everything else reads the wall clock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("cases_clock", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


@contextlib.contextmanager
def at(instant: datetime) -> Iterator[None]:
    """Run the block as if it were `instant` (aware datetime)."""
    if timezone.is_naive(instant):
        raise ValueError("clock.at needs an aware datetime")
    token = _frozen.set(instant)
    try:
        yield
    finally:
        _frozen.reset(token)
