"""Where reports go and by when, in each province's Wagtail admin: agencies, categories, deadlines, calendars.

The admin runs on the province's host, so each list holds the province's own rows only; one admin
serves the province's whole configuration beside its pages and its phone line.
"""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.admin.ui.tables import BooleanColumn, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cases.models import Agency, BusinessCalendar, Category, SlaPolicy


def field_panels(*names: str) -> list[FieldPanel]:
    return [FieldPanel(name) for name in names]


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "group"
    menu_label = _("Agencies")
    list_display = ["name", "code", "kind", BooleanColumn("is_active"), UpdatedAtColumn()]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["name"]
    panels = [
        *field_panels("name", "code", "kind", "parent", "email", "categories", "wards", "is_active"),
        # The numbers a call to this agency rings, in order: the first, then each backup (channels.voice).
        InlinePanel(
            "phones",
            heading=_("Transfer numbers"),
            label=_("Transfer number"),
            panels=field_panels("number", "order", "label"),
        ),
    ]


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Categories")
    list_display = ["name", "code", "default_agency", "sla_policy", BooleanColumn("is_active")]
    list_filter = ["national_code", "is_local", "is_emergency", "is_active"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["order", "name"]
    panels = field_panels(
        "name",
        "name_en",
        "code",
        "national_code",
        "default_agency",
        "sla_policy",
        "is_local",
        "is_emergency",
        "is_active",
        "order",
    )


class SlaPolicyViewSet(SnippetViewSet):
    model = SlaPolicy
    icon = "time"
    menu_label = _("Deadline policies")
    list_display = ["name", "code", "calendar", "response_minutes", "resolution_minutes", UpdatedAtColumn()]
    ordering = ["name"]
    panels = [
        *field_panels("name", "code", "calendar", "response_minutes", "resolution_minutes", "at_risk_percent"),
        InlinePanel(
            "priority_targets",
            heading=_("Targets per priority"),
            label=_("Priority target"),
            panels=field_panels("priority", "response_minutes", "resolution_minutes"),
        ),
    ]


class BusinessCalendarViewSet(SnippetViewSet):
    model = BusinessCalendar
    icon = "date"
    menu_label = _("Business calendars")
    list_display = ["name", "code", BooleanColumn("always_open"), BooleanColumn("public_holidays"), UpdatedAtColumn()]
    ordering = ["name"]
    panels = [
        *field_panels("name", "code", "always_open", "public_holidays"),
        InlinePanel(
            "periods",
            heading=_("Working hours"),
            label=_("Working period"),
            panels=field_panels("weekday", "start", "end"),
        ),
        # Extra days off, and Saturdays made working days: the `holidays` library lists neither.
        InlinePanel(
            "overrides", heading=_("Exceptions"), label=_("Exception"), panels=field_panels("date", "kind", "note")
        ),
    ]


class CaseConfigurationViewSetGroup(SnippetViewSetGroup):
    items = (AgencyViewSet, CategoryViewSet, SlaPolicyViewSet, BusinessCalendarViewSet)
    menu_icon = "cogs"
    menu_label = _("Case handling")
    menu_name = "case_handling"
    menu_order = 260


register_snippet(CaseConfigurationViewSetGroup)
