"""The app API's views: thin, each parses, calls one service or selector, and answers.

Every view answers in the language of `Accept-Language` (Vietnamese unless English is asked for),
refuses a body over `BODY_MAX` with 413, and counts requests per installation and per address.
"""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, parsers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from cases.services import IllegalTransition
from channels.app import selectors, services
from channels.app.schema import PAGE_NOT_FOUND, refusals
from channels.app.serializers import (
    CaseSerializer,
    CategorySerializer,
    DeviceRegisteredSerializer,
    DeviceRegisterSerializer,
    DeviceSerializer,
    DeviceUpdateSerializer,
    MessageSerializer,
    ReportSerializer,
    ThreadItemSerializer,
    WardSerializer,
)
from channels.app.throttles import AddressThrottle, DeviceThrottle, RegisterThrottle
from channels.http import declared_length

# Reports and messages are short texts; anything larger is not the app's.
BODY_MAX = 64 * 1024


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request is too large.")
    default_code = "too_large"


class CaseFinished(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The case is finished.")
    default_code = "finished"


class TooManyRequests(exceptions.APIException):
    """DRF's `Throttled` formats its wait into the text before translating it, so it stays English."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "throttled"

    def __init__(self, wait: float | None):
        # DRF's exception handler turns `wait` into the Retry-After header.
        self.wait = math.ceil(wait) if wait else None
        if self.wait:
            detail = ngettext(
                "Too many requests; try again in %(wait)d second.",
                "Too many requests; try again in %(wait)d seconds.",
                self.wait,
            ) % {"wait": self.wait}
        else:
            detail = _("Too many requests; try again later.")
        super().__init__(detail)


class JsonBody(parsers.JSONParser):
    """DRF's JSON parser, refusing a body that is not JSON in the asked language, without Python's parser message."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except exceptions.ParseError:
            raise exceptions.ParseError(_("The body is not valid JSON.")) from None


class AppApiView(generics.GenericAPIView):
    parser_classes = [JsonBody]
    # Counted before the token is looked up, so that guessing tokens is rationed too.
    address_throttle_classes: list = [AddressThrottle]

    def initial(self, request, *args, **kwargs):
        # Before authentication and throttling, so their refusals are in the asked language too.
        language = translation.get_language_from_request(request._request)
        translation.activate(language)
        request._request.LANGUAGE_CODE = language
        if declared_length(request) > BODY_MAX:
            raise PayloadTooLarge()
        super().initial(request, *args, **kwargs)

    def perform_authentication(self, request):
        for throttle in (throttle_class() for throttle_class in self.address_throttle_classes):
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait())
        super().perform_authentication(request)

    def throttled(self, request, wait):
        raise TooManyRequests(wait)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ["Accept-Language"])
        return response


def _service_errors(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal as a 400, field by field where it names them."""
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class WardPagination(PageNumberPagination):
    page_size = 100


# --- devices --------------------------------------------------------------------------------------


class DeviceRegisterView(AppApiView):
    """Register an installation of the app; the token in the answer is shown only this once."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [RegisterThrottle]
    serializer_class = DeviceRegisterSerializer

    @extend_schema(
        request=DeviceRegisterSerializer,
        responses={201: DeviceRegisteredSerializer, **refusals(400, 413, 415, 429)},
        auth=[],
    )
    def post(self, request):
        form = DeviceRegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        device, token = services.device_register(**form.validated_data)
        device.token = token
        return Response(DeviceRegisteredSerializer(device).data, status=status.HTTP_201_CREATED)


class DeviceMeView(AppApiView):
    """This installation: see it, give it a new app version or push token, or unregister it."""

    throttle_classes = [DeviceThrottle]
    serializer_class = DeviceSerializer

    @extend_schema(responses={200: DeviceSerializer, **refusals(401, 429)})
    def get(self, request):
        return Response(DeviceSerializer(request.user).data)

    @extend_schema(
        request=DeviceUpdateSerializer, responses={200: DeviceSerializer, **refusals(400, 401, 413, 415, 429)}
    )
    def patch(self, request):
        form = DeviceUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        device = services.device_update(device=request.user, **form.validated_data)
        return Response(DeviceSerializer(device).data)

    @extend_schema(responses={204: None, **refusals(401, 429)})
    def delete(self, request):
        services.device_revoke(device=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- reference lists ------------------------------------------------------------------------------


class CategoryListView(AppApiView):
    """What a report can be about, in the hotline's order."""

    throttle_classes = [DeviceThrottle]
    serializer_class = CategorySerializer
    pagination_class = None

    @extend_schema(responses={200: CategorySerializer(many=True), **refusals(401, 429)})
    def get(self, request):
        return Response(CategorySerializer(selectors.categories_active(), many=True).data)


class WardListView(AppApiView):
    """The province's wards and communes; `q` finds them by name, with or without diacritics."""

    throttle_classes = [DeviceThrottle]
    serializer_class = WardSerializer
    pagination_class = WardPagination

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Part of the name, e.g. “tan thanh”.")],
        responses={200: WardSerializer(many=True), **refusals(401, 404, 429, not_found=PAGE_NOT_FOUND)},
    )
    def get(self, request):
        query = request.query_params.get("q", "")[:100]
        page = self.paginate_queryset(selectors.wards_search(query))
        return self.get_paginated_response(WardSerializer(page, many=True).data)


# --- cases ----------------------------------------------------------------------------------------


class CaseListView(AppApiView):
    """GET: this installation's reports, newest first. POST: send a report."""

    throttle_classes = [DeviceThrottle]
    serializer_class = CaseSerializer

    @extend_schema(responses={200: CaseSerializer(many=True), **refusals(401, 404, 429, not_found=PAGE_NOT_FOUND)})
    def get(self, request):
        page = self.paginate_queryset(selectors.device_cases(request.user))
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(
        request=ReportSerializer,
        responses={
            201: CaseSerializer,
            200: OpenApiResponse(CaseSerializer, description="Sent before with this client_id: the same case"),
            **refusals(400, 401, 413, 415, 429),
        },
    )
    def post(self, request):
        form = ReportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        client_id = data.pop("client_id")
        for name in ("latitude", "longitude"):
            data[name] = None if data.get(name) is None else str(data[name])
        try:
            case, created = services.report_submit(
                device=request.user, client_id=client_id, report=services.Report(**data)
            )
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        case = selectors.device_case(request.user, case.tracking_code)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class _OwnCaseView(AppApiView):
    throttle_classes = [DeviceThrottle]

    def own_case(self, tracking_code: str):
        case = selectors.device_case(self.request.user, tracking_code)
        if case is None:
            # The same answer for a code that does not exist and for someone else's case.
            raise exceptions.NotFound(_("No report of yours has this tracking code."))
        return case


TRACKING_CODE = OpenApiParameter(
    "tracking_code", str, OpenApiParameter.PATH, description="The 9 digits of the tracking code."
)


class CaseDetailView(_OwnCaseView):
    """One of this installation's reports."""

    serializer_class = CaseSerializer

    @extend_schema(parameters=[TRACKING_CODE], responses={200: CaseSerializer, **refusals(401, 404, 429)})
    def get(self, request, tracking_code: str):
        return Response(CaseSerializer(self.own_case(tracking_code)).data)


class CaseMessagesView(_OwnCaseView):
    """GET: the thread of a report (the citizen's messages and the hotline's replies). POST: write on it."""

    serializer_class = ThreadItemSerializer
    pagination_class = None

    @extend_schema(
        parameters=[TRACKING_CODE], responses={200: ThreadItemSerializer(many=True), **refusals(401, 404, 429)}
    )
    def get(self, request, tracking_code: str):
        thread = selectors.case_thread(self.own_case(tracking_code))
        return Response(ThreadItemSerializer(thread, many=True).data)

    @extend_schema(
        parameters=[TRACKING_CODE],
        request=MessageSerializer,
        responses={
            201: ThreadItemSerializer,
            200: OpenApiResponse(ThreadItemSerializer, description="Sent before with this client_id"),
            **refusals(400, 401, 404, 409, 413, 415, 429),
        },
    )
    def post(self, request, tracking_code: str):
        case = self.own_case(tracking_code)
        form = MessageSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            event, created = services.thread_message_add(device=request.user, case=case, **form.validated_data)
        except IllegalTransition as exc:
            raise CaseFinished(_("The report is finished; send a new report instead.")) from exc
        except DjangoValidationError as exc:
            raise _service_errors(exc) from exc
        item = selectors.thread_item_of_event(event)
        return Response(
            ThreadItemSerializer(item).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
