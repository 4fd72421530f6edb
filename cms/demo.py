"""The demo provinces' FAQ: the questions of `cms.demo_faq`, published under the home page.

Runs inside the province's schema (`tenants.demo.seed`). Idempotent: a topic or a question is
created only when its slug is missing, so an admin's edits survive a new start of the demo.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from cases.search import search_fold
from cms import demo_faq
from cms.models import AnnouncementSettings, FaqIndexPage, FaqPage, FaqRelated, FaqTopic, HomePage

INDEX_SLUG = "cau-hoi-thuong-gap"
INDEX_TITLE = "Câu hỏi thường gặp"


def topic_slug(name: str) -> str:
    # "Điện, nước" → "dien-nuoc": slugify alone would drop the "Đ".
    return slugify(search_fold(name))


def answer_blocks(paragraphs: tuple[str, ...], *, province: str, hotline: str) -> list[tuple[str, object]]:
    """Paragraphs as rich text; consecutive "- " paragraphs as one list."""
    blocks: list[tuple[str, object]] = []
    for paragraph in paragraphs:
        text = demo_faq.render(paragraph, province=province, hotline=hotline)
        if text.startswith("- "):
            if blocks and blocks[-1][0] == "list":
                blocks[-1][1].append(text[2:])
            else:
                blocks.append(("list", [text[2:]]))
        else:
            blocks.append(("paragraph", f"<p>{escape(text)}</p>"))
    return blocks


@transaction.atomic
def faq_seed(slug: str, province_name: str, hotline: str) -> list[str]:
    """Create what is missing of the province's FAQ; the lines say what was created."""
    changes = []
    home = HomePage.objects.first()
    if home is None:
        return changes
    index = FaqIndexPage.objects.child_of(home).first()
    # Provisioning may have made the list already (cms.services.faq_skeleton_ensure), still empty.
    first_seed = index is None or not FaqPage.objects.child_of(index).exists()
    if index is None:
        index = home.add_child(
            instance=FaqIndexPage(
                title=INDEX_TITLE,
                slug=INDEX_SLUG,
                intro=f"<p>Giải đáp những câu hỏi người dân thường gửi đến Tổng đài 1022 {escape(province_name)}.</p>",
                first_published_at=timezone.now(),
            )
        )
        changes.append(f"trang «{INDEX_TITLE}»")
    if first_seed:
        # Filled in once, with the first questions: after that the texts are the admin's.
        if not home.emergency_notice:
            home.emergency_notice = demo_faq.EMERGENCY_NOTICE
            home.save(update_fields=["emergency_notice"])
        announcement = AnnouncementSettings.load()
        if not announcement.text:
            announcement.text = demo_faq.render(demo_faq.ANNOUNCEMENT_EXAMPLE, province=province_name, hotline=hotline)
            announcement.save()

    topics = {topic.slug: topic for topic in FaqTopic.objects.all()}
    made_topics = 0
    for order, name in enumerate(demo_faq.TOPICS):
        key = topic_slug(name)
        if key not in topics:
            topics[key] = FaqTopic.objects.create(name=name, slug=key, order=order)
            made_topics += 1
    if made_topics:
        changes.append(f"{made_topics} chủ đề câu hỏi")

    existing = {page.slug: page for page in FaqPage.objects.child_of(index)}
    made: list[tuple[FaqPage, demo_faq.FaqEntry]] = []
    now = timezone.now()
    for entry in demo_faq.entries_for(slug):
        if entry.key in existing:
            continue
        page = FaqPage(
            title=demo_faq.render(entry.question, province=province_name, hotline=hotline),
            slug=entry.key,
            answer=answer_blocks(entry.answer, province=province_name, hotline=hotline),
            topic=topics[topic_slug(entry.category)],
            last_reviewed=timezone.localdate(now),
            # Created live, like the home page (cms.services): the first revision is the admin's first edit.
            first_published_at=now,
            last_published_at=now,
        )
        page.tags.add(*entry.tags)
        existing[entry.key] = index.add_child(instance=page)
        made.append((page, entry))
    # Links need every target to exist: a second pass. Written directly, as saving each page
    # again would re-index it for search twice over (the seed runs on every `make run`).
    FaqRelated.objects.bulk_create(
        FaqRelated(page=page, target=existing[key], sort_order=order)
        for page, entry in made
        for order, key in enumerate(k for k in entry.related if k in existing)
    )
    if made:
        changes.append(f"{len(made)} câu hỏi thường gặp")
    return changes
