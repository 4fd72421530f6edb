"""The province's phone line settings, read by every webhook request, kept in each process.

Loading them is a query with three joins, and building that query costs more CPU than the
rest of an incoming call's work. Each process keeps the settings per schema beside a version
number held in the shared cache; any change to the line, its menus or its calendar sets a new
version after commit, and every process reloads on its next request. Without the cache (Redis
down) every request simply reads the database.
"""

from __future__ import annotations

import secrets
import threading

from django.core.cache import cache
from django.db import connection, transaction

from channels.voice.models import VoiceSettings

# The cache key function puts the schema in front, so each province has its own version.
VERSION_KEY = "voice:line:version"
_lines: dict[str, tuple[str, VoiceSettings]] = {}
_lock = threading.Lock()


def line_current() -> VoiceSettings:
    """The current province's line. Shared between requests of the process: read it, never change it."""
    schema = connection.schema_name
    version = cache.get(VERSION_KEY)
    cached = _lines.get(schema)
    if version is not None and cached is not None and cached[0] == version:
        return cached[1]
    line = VoiceSettings.load()
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), None)
        version = cache.get(VERSION_KEY)
    if version is not None:
        with _lock:
            _lines[schema] = (version, line)
    return line


def line_forget() -> None:
    """Make every process reload the line: now, and again once the change is committed (a process
    reloading in between could still read the old row)."""

    def bump() -> None:
        cache.set(VERSION_KEY, secrets.token_hex(8), None)

    bump()
    transaction.on_commit(bump)
