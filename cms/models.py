"""The province's public site, edited by its own admins in the Wagtail admin."""

from __future__ import annotations

import re
from html import unescape

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import F
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from cases.search import search_fold
from cms.cache import page_cache_allow, page_view_count

FAQ_PER_PAGE = 20
# Shown on the home page beside the questions; more would push the dialing numbers off a phone's screen.
HOME_FAQ_COUNT = 5


class CachedPage(Page):
    """A page that is the same for every anonymous visitor, so cms.cache may keep it."""

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        return page_cache_allow(response, counted_page_id=self.counted_page_id())

    def counted_page_id(self) -> int | None:
        """The page whose views each serving counts, cached or not."""
        return None


class HomePage(CachedPage):
    """The hotline's front page: who we are, how to dial 1022 from here, what to do in an emergency.

    The province's name and dialing prefixes come from the platform's registry, so
    they stay right after a merger moves a prefix; the admin edits the text around them.
    """

    intro = RichTextField(_("introduction"), blank=True)
    service_hours = models.CharField(_("service hours"), max_length=100, default="24/7")
    emergency_notice = models.TextField(
        _("emergency notice"),
        blank=True,
        help_text=_("What to do in an emergency. Left blank, the standard numbers 113, 114 and 115 are shown."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("service_hours"),
        FieldPanel("emergency_notice"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        faqs = FaqPage.objects.live().public().descendant_of(self).specific()
        context["latest_faqs"] = faqs.order_by("-first_published_at")[:HOME_FAQ_COUNT]
        context["popular_faqs"] = faqs.filter(view_count__gt=0).order_by("-view_count", "title")[:HOME_FAQ_COUNT]
        # Its own list: a merged unit's list sits deeper, in the unit's section.
        context["faq_index"] = FaqIndexPage.objects.live().child_of(self).first()
        # Imported here: the channels' settings models import the cases app, which loads after this one.
        from cms.contact import public_channels

        context["channels"] = public_channels()
        return context


class MergedUnitPage(CachedPage):
    """The section a merger adds for the province it merged in: that unit's questions, kept at their
    old addresses under this one (its former host redirects here)."""

    intro = RichTextField(_("introduction"), blank=True)
    # The merged unit's slug: redirects from its former host find the section by it.
    unit = models.CharField(_("merged unit"), max_length=40, editable=False)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.FaqIndexPage"]

    class Meta:
        verbose_name = _("merged province's section")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["faq_indexes"] = FaqIndexPage.objects.live().public().child_of(self)
        return context


@register_snippet
class FaqTopic(models.Model):
    """A topic the questions are grouped by (health, administrative procedures, …)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("order")]

    class Meta:
        verbose_name = _("FAQ topic")
        verbose_name_plural = _("FAQ topics")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class FaqIndexPage(CachedPage):
    """The list of frequently asked questions, by topic, with a tag filter."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage", "cms.MergedUnitPage"]
    subpage_types = ["cms.FaqPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("FAQ list")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        faqs = (
            FaqPage.objects.live()
            .public()
            .child_of(self)
            .select_related("topic")
            .order_by(F("topic__order").asc(nulls_last=True), "topic__name", "title")
        )
        tag = request.GET.get("tag", "").strip()
        if tag:
            faqs = faqs.filter(tags__slug=tag).distinct()
        context["tag"] = tag
        context["tags"] = FaqPageTag.tags_for(FaqPage).order_by("name")
        context["faqs_page"] = Paginator(faqs, FAQ_PER_PAGE).get_page(request.GET.get("page"))
        return context


class FaqPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.FaqPage", related_name="tagged_items", on_delete=models.CASCADE)


class FaqPage(CachedPage):
    """One question (the title) and its answer."""

    answer = StreamField(
        [
            ("paragraph", blocks.RichTextBlock(label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul"])),
            ("list", blocks.ListBlock(blocks.CharBlock(label=_("Item")), label=_("List"))),
        ],
        verbose_name=_("answer"),
    )
    topic = models.ForeignKey(
        FaqTopic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL, related_name="faqs"
    )
    tags = ClusterTaggableManager(verbose_name=_("tags"), through=FaqPageTag, blank=True)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    # Counted in Redis on every view and added here by a periodic task (cms.cache); kept out of revisions.
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("answer"),
        MultiFieldPanel([FieldPanel("topic"), FieldPanel("tags"), FieldPanel("last_reviewed")], heading=_("About")),
        InlinePanel("related_links", label=_("Related questions")),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("answer"),
        # The same words without diacritics: found by "tiem vac xin" even on a server without `unaccent`.
        index.SearchField("search_folded"),
        index.RelatedFields("topic", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    parent_page_types = ["cms.FaqIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")

    def answer_lines(self) -> list[tuple[str, str]]:
        """The answer as plain text, ("paragraph" | "item", text) a line, in order."""
        lines = []
        for block in self.answer:
            if block.block_type == "list":
                lines.extend(("item", " ".join(str(item).split())) for item in block.value)
                continue
            # A rich text block may hold several paragraphs and lists: one line each.
            source = re.sub(r"</(?:p|li|h[1-6])>|<br\s*/?>", "\n", block.value.source)
            for raw in source.split("\n"):
                text = " ".join(unescape(strip_tags(raw)).split())
                if text:
                    lines.append(("paragraph", text))
        return lines

    def answer_text(self) -> str:
        return " ".join(text for _kind, text in self.answer_lines())

    def quick_answer(self, url: str) -> str:
        """The answer as an operator sends it to a reporter: the question, the answer, where to read more."""
        body = "\n".join(f"- {text}" if kind == "item" else f"\n{text}" for kind, text in self.answer_lines())
        with translation.override(settings.LANGUAGE_CODE):
            more = _("Read more: %(url)s") % {"url": url}
        return f"{self.title}\n{body}\n\n{more}"

    def search_folded(self) -> str:
        return search_fold(f"{self.title} {self.answer_text()}")

    def summary(self) -> str:
        """The page's description: the editor's, or the answer's first sentence."""
        if self.search_description:
            return self.search_description
        text = self.answer_text()
        end = text.find(". ")
        return text[: end + 1] if 0 < end < 300 else text[:300]

    def related_pages(self) -> list[FaqPage]:
        return [link.target for link in self.related_links.select_related("target") if link.target.live]

    def with_content_json(self, content):
        # A revision carries the count of when it was saved; publishing it must not undo later views.
        page = super().with_content_json(content)
        page.view_count = FaqPage.objects.filter(pk=self.pk).values_list("view_count", flat=True).first() or 0
        return page

    def counted_page_id(self) -> int | None:
        return self.pk

    def serve(self, request, *args, **kwargs):
        if request.method == "GET":
            page_view_count(self.pk)
        return super().serve(request, *args, **kwargs)


class FaqRelated(Orderable):
    page = ParentalKey(FaqPage, related_name="related_links", on_delete=models.CASCADE)
    target = models.ForeignKey(FaqPage, verbose_name=_("question"), related_name="+", on_delete=models.CASCADE)

    panels = [PageChooserPanel("target", "cms.FaqPage")]

    class Meta(Orderable.Meta):
        verbose_name = _("related question")
        verbose_name_plural = _("related questions")


class ServicePage(Page):
    """A page whose body is one of the hotline's forms (channels.web): the admin edits its title and introduction.

    The form's own address (/phan-anh/, /tra-cuu/) is served by the form's view, which reads the live
    page for its texts; under another slug, the page serves the same view. Never cached (cms.cache):
    the form carries a CSRF token and answers POSTs.
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        abstract = True

    @classmethod
    def shown(cls) -> ServicePage | None:
        """The live page holding the form's texts, if the province has one."""
        return cls.objects.live().public().first()


class ReportPage(ServicePage):
    class Meta:
        verbose_name = _("report form page")

    def serve(self, request, *args, **kwargs):
        from channels.web.views import report

        return report(request)


class LookupPage(ServicePage):
    class Meta:
        verbose_name = _("status lookup page")

    def serve(self, request, *args, **kwargs):
        from channels.web.views import lookup

        return lookup(request)


class BannerLevel(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    DANGER = "danger", _("Alert")


@register_setting(icon="warning")
class AnnouncementSettings(BaseGenericSetting):
    """A banner on every page of the province's site, e.g. while an epidemic is declared."""

    enabled = models.BooleanField(_("show the banner"), default=False)
    text = models.TextField(_("text"), blank=True)
    level = models.CharField(_("level"), max_length=10, choices=BannerLevel.choices, default=BannerLevel.WARNING)

    panels = [FieldPanel("enabled"), FieldPanel("text"), FieldPanel("level")]

    class Meta:
        verbose_name = _("announcement banner")

    @property
    def shown(self) -> bool:
        return self.enabled and bool(self.text.strip())
