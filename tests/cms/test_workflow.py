"""The province's site under review: editors submit, its admins approve, and a province sees only its own pages."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import QueryDict
from django.test import Client

import pytest
from django_tenants.utils import tenant_context
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage
from wagtail.permissions import policy_registry
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from cases.models import Agency
from cms.models import FaqIndexPage, FaqPage, HomePage
from cms.services import APPROVAL_TASK_NAME, WORKFLOW_NAME, workflow_ensure
from tenants import roles
from tenants.demo import DEMO_PASSWORD, DEMO_PROVINCES
from tests.channels.test_voice_admin import signed_in
from tests.conftest import host_of, province

OLD_TEXT = "Câu trả lời đang đăng trên trang."
NEW_TEXT = "Câu trả lời mới của biên tập viên, chờ duyệt."


def edit_url(page_id: int) -> str:
    return f"/admin/pages/{page_id}/edit/"


def approve_url(page_id: int, task_state_id: int) -> str:
    return f"/admin/pages/workflow/action/{page_id}/approve/{task_state_id}/"


@pytest.fixture
def faq(province_a) -> FaqPage:
    """A live Bình Dương question whose answer the test knows."""
    with tenant_context(province_a):
        page = FaqPage.objects.live().first()
        page.answer = [("paragraph", f"<p>{OLD_TEXT}</p>")]
        page.save_revision().publish()
        return FaqPage.objects.get(pk=page.pk)


def live_text(client: Client, page: FaqPage) -> str:
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def edit_form(client: Client, page: FaqPage, answer: str, action: str) -> QueryDict:
    """The page's edit form as the browser sends it, with a new answer and the button pressed."""
    data = querydict_from_html(client.get(edit_url(page.pk)).content.decode(), form_id="page-edit-form")
    # The StreamField's inputs are written by the admin's JavaScript, so the HTML has none to copy.
    stream = nested_form_data({"answer": streamfield([("paragraph", rich_text(f"<p>{answer}</p>"))])})
    for key, value in stream.items():
        data[key] = value
    data[action] = "1"
    return data


def submit(editor: Client, page: FaqPage, answer: str = NEW_TEXT) -> None:
    response = editor.post(edit_url(page.pk), edit_form(editor, page, answer, "action-submit"))
    assert response.status_code == 302, response.content.decode()[:2000]


def current_task_state_id(slug: str, page: FaqPage) -> int:
    with tenant_context(province(slug)):
        return FaqPage.objects.get(pk=page.pk).current_workflow_task_state.pk


def test_the_editors_change_waits_for_review_while_the_old_text_stays_live(client_a, province_a, faq):
    submit(signed_in("binhduong", "editor.binhduong"), faq)

    html = live_text(client_a, faq)
    assert OLD_TEXT in html
    assert NEW_TEXT not in html
    with tenant_context(province_a):
        page = FaqPage.objects.get(pk=faq.pk)
        assert page.workflow_in_progress
        assert page.current_workflow_task.name == APPROVAL_TASK_NAME
        assert page.has_unpublished_changes
        assert NEW_TEXT in str(page.get_latest_revision_as_object().answer)
    # The change waits on the province admin's dashboard, not on the editor's.
    assert faq.title in signed_in("binhduong", "admin.binhduong").get("/admin/").content.decode()


def test_the_change_goes_live_when_the_province_admin_approves_it(client_a, province_a, faq):
    submit(signed_in("binhduong", "editor.binhduong"), faq)

    admin = signed_in("binhduong", "admin.binhduong")
    response = admin.post(approve_url(faq.pk, current_task_state_id("binhduong", faq)), {"comment": "Đã kiểm tra."})

    assert response.status_code == 302
    html = live_text(client_a, faq)
    assert NEW_TEXT in html
    assert OLD_TEXT not in html
    with tenant_context(province_a):
        page = FaqPage.objects.get(pk=faq.pk)
        assert not page.workflow_in_progress
        assert not page.has_unpublished_changes
        assert page.live_revision.user.username == "editor.binhduong"


def test_the_editor_cannot_approve_their_own_change(client_a, province_a, faq):
    editor = signed_in("binhduong", "editor.binhduong")
    submit(editor, faq)

    response = editor.post(approve_url(faq.pk, current_task_state_id("binhduong", faq)), {"comment": ""})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"  # Wagtail's answer to a permission it refuses
    assert NEW_TEXT not in live_text(client_a, faq)
    with tenant_context(province_a):
        assert FaqPage.objects.get(pk=faq.pk).workflow_in_progress


def test_the_editor_cannot_publish_directly(client_a, province_a, faq):
    editor = signed_in("binhduong", "editor.binhduong")

    response = editor.post(edit_url(faq.pk), edit_form(editor, faq, NEW_TEXT, "action-publish"))

    # Without the permission the button is ignored: the change is kept as a draft, nothing goes live.
    assert response.status_code == 302
    assert NEW_TEXT not in live_text(client_a, faq)
    with tenant_context(province_a):
        page = FaqPage.objects.get(pk=faq.pk)
        assert page.has_unpublished_changes
        assert not page.workflow_in_progress


def test_the_province_admin_still_publishes_directly(client_a, faq):
    admin = signed_in("binhduong", "admin.binhduong")

    response = admin.post(edit_url(faq.pk), edit_form(admin, faq, NEW_TEXT, "action-publish"))

    assert response.status_code == 302
    assert NEW_TEXT in live_text(client_a, faq)


def test_page_permissions_follow_the_roles(province_a, faq):
    with tenant_context(province_a):
        editor = User.objects.get(username="editor.binhduong")
        admin = User.objects.get(username="admin.binhduong")
        assert faq.permissions_for_user(editor).can_edit()
        assert not faq.permissions_for_user(editor).can_publish()
        assert faq.permissions_for_user(admin).can_publish()
        for policy in map(policy_registry.get_by_type, (get_image_model(), get_document_model())):
            assert policy.user_has_permission(editor, "add")
            assert policy.user_has_permission(editor, "choose")
        assert not editor.has_perm("cases.change_agency")
        assert [role.key for role in roles.user_roles(editor)] == ["editor"]


# Wagtail sends a user without the permission to the dashboard, and one without the admin to its login.
@pytest.mark.parametrize(
    ("username", "sent_to"), [("editor.binhduong", "/admin/"), ("operator.binhduong", "/admin/login/")]
)
def test_other_roles_cannot_approve_or_configure_the_province(province_a, faq, username, sent_to):
    submit(signed_in("binhduong", "editor.binhduong"), faq)
    with tenant_context(province_a):
        agency = Agency.objects.first()
    client = signed_in("binhduong", username)

    for url in (
        f"/admin/snippets/cases/agency/edit/{agency.pk}/",
        approve_url(faq.pk, current_task_state_id("binhduong", faq)),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].split("?")[0] == sent_to


def test_the_revision_history_lists_every_revision_for_the_admin(province_a, faq):
    editor = signed_in("binhduong", "editor.binhduong")
    admin = signed_in("binhduong", "admin.binhduong")
    submit(editor, faq)
    admin.post(approve_url(faq.pk, current_task_state_id("binhduong", faq)), {"comment": ""})
    submit(editor, faq, answer="Bản sửa thứ hai.")

    response = admin.get(f"/admin/pages/{faq.pk}/history/")

    assert response.status_code == 200
    html = response.content.decode()
    with tenant_context(province_a):
        revisions = list(faq.revisions.filter(user__username="editor.binhduong").values_list("pk", flat=True))
    assert len(revisions) == 2
    for revision in revisions:
        assert f"/admin/pages/{faq.pk}/revisions/{revision}/view/" in html
    assert "editor.binhduong" in html and "admin.binhduong" in html
    assert WORKFLOW_NAME in html


def titles(slug: str) -> dict[str, int]:
    with tenant_context(province(slug)):
        return dict(FaqPage.objects.values_list("title", "pk"))


def own_pages(slug: str, other: str) -> dict[str, int]:
    """The province's questions the other province has no question of the same title for."""
    others = titles(other)
    return {title: pk for title, pk in titles(slug).items() if title not in others}


def test_a_camau_page_id_never_opens_camau_content_in_binhduongs_admin(province_a, province_b):
    binhduong_ids = set(titles("binhduong").values())
    # Each schema numbers its own pages, so Cà Mau's ids are Bình Dương's ids too: both cases are checked,
    # the id of one of Bình Dương's pages and an id Bình Dương has none for (its page removed for the test).
    shared = {title: pk for title, pk in own_pages("camau", "binhduong").items() if pk in binhduong_ids}
    (gone_title, gone_id), *shared_items = shared.items()
    with tenant_context(province_a):
        FaqPage.objects.get(pk=gone_id).delete()
    admin = signed_in("binhduong", "admin.binhduong")

    for url in (edit_url(gone_id), f"/admin/pages/{gone_id}/", f"/admin/pages/{gone_id}/history/"):
        assert admin.get(url).status_code == 404, url
    assert shared_items
    for title, pk in shared_items:
        response = admin.get(edit_url(pk))
        assert response.status_code == 200
        assert title not in response.content.decode()
    assert gone_title in signed_in("camau", "admin.camau").get(edit_url(gone_id)).content.decode()


def test_the_camau_page_listing_shows_camau_pages_only(province_a, province_b):
    with tenant_context(province_b):
        index_id = FaqIndexPage.objects.get().pk
    admin = signed_in("camau", "admin.camau")

    response = admin.get(f"/admin/pages/{index_id}/")
    listed = {page.title for page in response.context["object_list"]}
    camau_pages, binhduong_pages = own_pages("camau", "binhduong"), own_pages("binhduong", "camau")
    assert response.status_code == 200
    assert listed & camau_pages.keys()
    assert listed <= titles("camau").keys()
    assert not listed & binhduong_pages.keys()

    def search(title: str) -> list[str]:
        response = admin.get("/admin/pages/search/results/", {"q": title})
        assert response.status_code == 200
        return [page.title for page in response.context["object_list"]]

    # Searched for by its exact title, a Cà Mau question is found and a Bình Dương one is not.
    camau_title, binhduong_title = next(iter(camau_pages)), next(iter(binhduong_pages))
    assert camau_title in search(camau_title)
    assert binhduong_title not in search(binhduong_title)


@pytest.mark.parametrize("username", ["admin.camau", "editor.camau"])
def test_a_camau_login_or_session_is_worthless_on_binhduongs_host(province_a, province_b, username):
    camau = signed_in("camau", username)
    assert camau.get("/admin/").status_code == 200

    binhduong = Client(HTTP_HOST=host_of("binhduong"))
    assert binhduong.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 200
    binhduong.cookies["sessionid"] = camau.cookies["sessionid"].value
    response = binhduong.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_binhduong_editor_cannot_reach_camaus_admin(province_a, province_b):
    with tenant_context(province_b):
        camau_page = FaqPage.objects.live().first()
    camau = Client(HTTP_HOST=host_of("camau"))

    login = camau.post("/accounts/login/", {"username": "editor.binhduong", "password": DEMO_PASSWORD})
    assert login.status_code == 200
    response = camau.get(edit_url(camau_page.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def approval_setup() -> tuple[Workflow, list[str]]:
    home = HomePage.objects.get()
    workflow = Workflow.objects.get(workflow_pages__page=home)
    task = workflow.tasks.get().specific
    return workflow, list(task.groups.values_list("name", flat=True))


@pytest.mark.parametrize("slug", [demo.slug for demo in DEMO_PROVINCES])
def test_every_demo_province_reviews_its_pages_and_ensuring_again_changes_nothing(db, slug):
    with tenant_context(province(slug)):
        assert workflow_ensure(approvers=roles.role_group(roles.PROVINCE_ADMIN)) == []
        workflow, approvers = approval_setup()
        assert workflow.name == WORKFLOW_NAME and workflow.active
        assert workflow.tasks.get().name == APPROVAL_TASK_NAME
        assert approvers == [roles.PROVINCE_ADMIN.group_name]
        # Assigned once, at the home page, it covers the home page and every page under it.
        assert {page.get_workflow().pk for page in FaqPage.objects.all()} == {workflow.pk}
        assert HomePage.objects.get().get_workflow() == workflow


def test_the_workflow_is_created_once(province_a):
    with tenant_context(province_a):
        Workflow.objects.filter(name=WORKFLOW_NAME).delete()
        GroupApprovalTask.objects.filter(name=APPROVAL_TASK_NAME).delete()
        approvers = roles.role_group(roles.PROVINCE_ADMIN)

        first = workflow_ensure(approvers=approvers)
        second = workflow_ensure(approvers=approvers)

        assert f"quy trình «{WORKFLOW_NAME}»" in first
        assert second == []
        assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
        assert GroupApprovalTask.objects.filter(name=APPROVAL_TASK_NAME).count() == 1
        assert WorkflowPage.objects.get(page=HomePage.objects.get()).workflow.name == WORKFLOW_NAME
