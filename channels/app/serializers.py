"""The app API's shapes. Only what the citizen may see of a case: no assignee, notes or other reporters."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from cases.models import Case, CaseStatus, Category, Ward
from cases.services import DESCRIPTION_MAX
from channels.app.models import AppDevice

# PostgreSQL integers: a larger ward code is no ward, and must not reach the database.
INT_MAX = 2_147_483_647
MESSAGE_MAX = 4000


class Coordinate(serializers.DecimalField):
    """Degrees as a JSON number, rounded to the 6 decimals stored (about 10 cm): phones send 15."""

    def __init__(self, limit: int, **kwargs):
        self.limit = limit
        super().__init__(
            max_digits=9,
            decimal_places=6,
            min_value=-limit,
            max_value=limit,
            coerce_to_string=False,
            rounding=ROUND_HALF_EVEN,
            **kwargs,
        )

    def validate_precision(self, value: Decimal) -> Decimal:
        # The range is checked before `quantize` rounds: a huge number would overflow its context.
        if value > self.limit:
            self.fail("max_value", max_value=self.limit)
        if value < -self.limit:
            self.fail("min_value", min_value=-self.limit)
        return value


class DeviceRegisterSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=AppDevice.Platform.choices, label=_("platform"))
    app_version = serializers.CharField(max_length=40, label=_("app version"))
    push_token = serializers.CharField(
        max_length=4096, required=False, allow_blank=True, default="", label=_("push token")
    )


class DeviceUpdateSerializer(serializers.Serializer):
    app_version = serializers.CharField(max_length=40, required=False, label=_("app version"))
    push_token = serializers.CharField(max_length=4096, required=False, allow_blank=True, label=_("push token"))


class DeviceSerializer(serializers.ModelSerializer):
    has_push_token = serializers.SerializerMethodField()

    class Meta:
        model = AppDevice
        fields = ["id", "platform", "app_version", "has_push_token", "created_at", "last_seen_at"]
        read_only_fields = fields

    def get_has_push_token(self, device: AppDevice) -> bool:
        return bool(device.push_token)


class DeviceRegisteredSerializer(DeviceSerializer):
    token = serializers.CharField(read_only=True, help_text=_("Shown once: send it as “Authorization: Bearer …”."))

    class Meta(DeviceSerializer.Meta):
        fields = [*DeviceSerializer.Meta.fields, "token"]
        read_only_fields = fields


def category_name(category: Category) -> str:
    return category.name_en if translation.get_language() == "en" and category.name_en else category.name


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["code", "name", "is_emergency"]

    def get_name(self, category: Category) -> str:
        return category_name(category)


class WardSerializer(serializers.ModelSerializer):
    # Labelled here: the model's "official code" reads as a province's code in the shared catalog.
    code = serializers.IntegerField(read_only=True, label=_("ward code"))
    name = serializers.CharField(read_only=True, label=_("ward name"))
    division_type = serializers.CharField(read_only=True, label=_("division type"), help_text=_("“Phường” or “Xã”."))

    class Meta:
        model = Ward
        fields = ["code", "name", "division_type"]


class ReportSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(
        label=_("client id"), help_text=_("Made by the app for each report; sending it again returns the same case.")
    )
    category = serializers.SlugField(max_length=40, label=_("category"))
    description = serializers.CharField(max_length=DESCRIPTION_MAX, label=_("description"))
    ward = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False, allow_null=True, label=_("ward"))
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="", label=_("address"))
    latitude = Coordinate(90, required=False, allow_null=True, label=_("latitude"))
    longitude = Coordinate(180, required=False, allow_null=True, label=_("longitude"))
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="", label=_("name"))
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="", label=_("phone"))
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="", label=_("e-mail"))

    def validate_category(self, code: str) -> str:
        if not Category.objects.filter(code=code, is_active=True).exists():
            raise serializers.ValidationError(_("Unknown category “%(code)s”.") % {"code": code})
        return code

    def validate_ward(self, code: int | None) -> int | None:
        if code is not None and not Ward.objects.filter(code=code).exists():
            raise serializers.ValidationError(_("Ward or commune %(code)s is not in this province.") % {"code": code})
        return code

    def validate(self, attrs):
        if (attrs.get("latitude") is None) != (attrs.get("longitude") is None):
            raise serializers.ValidationError({"latitude": _("Give both latitude and longitude, or neither.")})
        return attrs


class CaseSerializer(serializers.ModelSerializer):
    """A case as its reporter sees it."""

    display_code = serializers.CharField(read_only=True, help_text=_("The tracking code as it is read out."))
    is_open = serializers.BooleanField(read_only=True)
    status_label = serializers.SerializerMethodField()
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.SerializerMethodField()
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
    )
    ward = serializers.SerializerMethodField()
    ward_name = serializers.SerializerMethodField()
    agency_name = serializers.SerializerMethodField()
    resolution = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "tracking_code",
            "display_code",
            "status",
            "status_label",
            "is_open",
            "category",
            "category_name",
            "description",
            "ward",
            "ward_name",
            "address",
            "latitude",
            "longitude",
            "agency_name",
            "resolution",
            "received_at",
            "updated_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_status_label(self, case: Case) -> str:
        return str(CaseStatus(case.status).label)

    def get_category_name(self, case: Case) -> str:
        return category_name(case.category)

    def get_ward(self, case: Case) -> int | None:
        return case.ward.code if case.ward else None

    def get_ward_name(self, case: Case) -> str:
        return case.ward.name if case.ward else ""

    def get_agency_name(self, case: Case) -> str:
        return case.agency.name if case.agency else ""

    def get_resolution(self, case: Case) -> str:
        # Only the closing answer the operators gave the reporter; an agency's draft answer stays internal.
        return case.resolution if case.status == CaseStatus.CLOSED else ""


class ThreadItemSerializer(serializers.Serializer):
    id = serializers.CharField(read_only=True)
    author = serializers.ChoiceField(choices=[("citizen", _("citizen")), ("hotline", _("hotline"))], read_only=True)
    text = serializers.CharField(read_only=True)
    sent_at = serializers.DateTimeField(read_only=True)


class MessageSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(
        label=_("client id"), help_text=_("Made by the app for each message; sending it again adds nothing.")
    )
    text = serializers.CharField(max_length=MESSAGE_MAX, label=_("message"))


class ErrorSerializer(serializers.Serializer):
    """A refusal that is not about one field (401, 404, 409, 413, 415, 429; a body that is not JSON)."""

    detail = serializers.CharField(read_only=True)


# A refusal of the body's fields: each field's messages; `non_field_errors` for the body as a whole.
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"description": ["Vui lòng điền mục này."]},
}
