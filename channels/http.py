"""What every provider's small HTTP client shares."""

from __future__ import annotations

import requests


def response_json(response: requests.Response) -> dict:
    """The answer's JSON object, or {} when the provider answered something else (an HTML error page,
    a proxy's text): the caller then reports the HTTP status, never a parsing error."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
