"""The OpenAPI description of the app API (drf-spectacular): its bearer scheme, its refusals, and only its own paths."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse

from channels.app.serializers import FIELD_ERRORS_SCHEMA, ErrorSerializer

API_PREFIX = "/api/v1/"

REFUSALS = {
    400: "The body is not JSON (`detail`), or fields are refused (their messages, by field name).",
    401: "No device token, or one this province's app did not issue (or has revoked).",
    404: "No such report among this installation's own (the same answer for someone else's).",
    409: "The report is finished: send a new report instead.",
    413: "The body is over 64 KiB.",
    415: "The body is not application/json.",
    429: "Too many requests from this installation or address; Retry-After gives the seconds to wait.",
}


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "channels.app.auth.DeviceTokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The token POST /api/v1/devices/ returned to this installation.",
        }


PAGE_NOT_FOUND = "No such page of the list."


def refusals(*codes: int, not_found: str = REFUSALS[404]) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation, for `extend_schema(responses=...)`."""
    answers = {}
    descriptions = {**REFUSALS, 404: not_found}
    for code in codes:
        if code == 400:
            # A body that is not JSON is refused as a whole ({"detail": …}), bad fields field by field.
            schema = {"oneOf": [{"$ref": "#/components/schemas/Error"}, FIELD_ERRORS_SCHEMA]}
            answers[code] = OpenApiResponse(schema, description=descriptions[code])
        else:
            answers[code] = OpenApiResponse(ErrorSerializer, description=descriptions[code])
    return answers


def only_app_api(endpoints, **_kwargs):
    """Preprocessing hook: the schema describes the app API, whatever else the host serves."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]
