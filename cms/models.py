"""The province's public site, edited by its own admins in the Wagtail admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The hotline's front page: who we are, how to dial 1022 from here, what to do in an emergency.

    The province's name and dialing prefixes come from the platform's registry, so
    they stay right after a merger moves a prefix; the admin edits the text around them.
    """

    intro = RichTextField(_("introduction"), blank=True)
    service_hours = models.CharField(_("service hours"), max_length=100, default="24/7")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("service_hours")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
