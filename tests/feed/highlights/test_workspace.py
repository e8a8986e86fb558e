"""The comms workspace: for comms only, every step through the services, nothing
typed lost, and no step taken twice for one version."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.highlights.models import Consent, Highlight, HighlightEvent
from feed.highlights.transitions import highlight_version
from tests.factories import UserFactory, WinFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms_client(client, comms):
    client.force_login(comms)
    return client


def story_data(highlight, **changes) -> dict:
    data = {
        "title": highlight.title,
        "text": highlight.text,
        "image_choice": "win" if highlight.image else "none",
        "image_alt": highlight.image_alt,
        "version": highlight_version(highlight),
        "action": "save",
    }
    for person in highlight.people.all():
        data[f"name_{person.user_id}"] = person.public_name
    data.update(changes)
    return data


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def editor_url(highlight) -> str:
    return reverse("comms:editor", kwargs={"pk": highlight.pk})


# --------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["anonymous", "employee", "staff", "author"])
def test_everyone_but_comms_gets_404(client, draft, author, who):
    if who == "employee":
        client.force_login(UserFactory())
    elif who == "staff":
        client.force_login(UserFactory(is_staff=True))
    elif who == "author":
        client.force_login(author)
    urls = [
        reverse("comms:workspace"),
        editor_url(draft),
        reverse("comms:share_image", kwargs={"pk": draft.pk}),
        reverse("comms:withdraw", kwargs={"pk": draft.pk}),
    ]
    for url in urls:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404, url
    posts = [
        reverse("comms:propose", kwargs={"win_id": draft.win_id}),
        reverse("comms:preview", kwargs={"pk": draft.pk}),
        reverse("comms:propose_again", kwargs={"pk": draft.pk}),
        editor_url(draft),
    ]
    for url in posts:
        assert client.post(url, story_data(draft)).status_code in {302, 404}
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert Highlight.objects.count() == 1


# --------------------------------------------------------------------------
# The list and proposing
# --------------------------------------------------------------------------
def test_workspace_lists_candidates_and_stories(comms_client, draft, author):
    candidate = WinFactory(author=author, body="Un cliente nos dio las gracias")
    WinFactory(body="Only for my team", visibility="team")
    response = comms_client.get(reverse("comms:workspace"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Un cliente nos dio las gracias" in page
    assert author.display_name in page
    assert author.team.name in page
    assert "Only for my team" not in page
    assert reverse("comms:propose", kwargs={"win_id": candidate.pk}) in page
    assert editor_url(draft) in page
    assert reverse("comms:propose", kwargs={"win_id": draft.win_id}) not in page


def test_propose_from_a_card_and_a_second_press_opens_the_same_draft(comms_client, win):
    url = reverse("comms:propose", kwargs={"win_id": win.pk})
    first = comms_client.post(url)
    highlight = Highlight.objects.get()
    assert first["Location"] == editor_url(highlight)
    second = comms_client.post(url)
    assert second["Location"] == editor_url(highlight)
    assert Highlight.objects.count() == 1


# --------------------------------------------------------------------------
# The editor
# --------------------------------------------------------------------------
def test_editor_shows_preview_consents_and_history(comms_client, awaiting, author):
    response = comms_client.get(editor_url(awaiting))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="highlight"' in page  # the public page's own story partial
    assert reverse("comms:share_image", kwargs={"pk": awaiting.pk}) in page
    assert "Waiting for an answer" in page
    assert "Consent asked" in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_preview_renders_unsaved_text_without_saving(comms_client, draft):
    response = comms_client.post(
        reverse("comms:preview", kwargs={"pk": draft.pk}),
        story_data(draft, title="Un título nuevo", text="Otro texto"),
    )
    page = response.content.decode()
    assert "Un título nuevo" in page
    assert "Otro texto" in page
    assert "title=Un+t%C3%ADtulo+nuevo" in page
    draft.refresh_from_db()
    assert draft.title != "Un título nuevo"


def test_share_card_of_the_draft_is_a_png(comms_client, draft):
    response = comms_client.get(
        reverse("comms:share_image", kwargs={"pk": draft.pk}), {"title": "Hola", "name": "Ana"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert "no-store" in response["Cache-Control"]


def test_save_edits_the_draft(comms_client, draft):
    response = comms_client.post(editor_url(draft), story_data(draft, title="Cien tickets"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.slug) == ("Cien tickets", "cien-tickets")


def test_asking_saves_the_edits_first(comms_client, draft, author):
    response = comms_client.post(
        editor_url(draft), story_data(draft, action="ask", text="Texto revisado.")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "awaiting"
    assert draft.text == "Texto revisado."
    consent = Consent.objects.get(person=author, answer="pending")
    assert consent.text == "Texto revisado."


def test_a_double_submit_asks_once(comms_client, draft):
    data = story_data(draft, action="ask", text="Texto revisado.")
    comms_client.post(editor_url(draft), data)
    again = comms_client.post(editor_url(draft), data)
    assert again.status_code == 302
    assert "already done" in " ".join(said(again))
    assert Consent.objects.filter(highlight=draft).count() == draft.people.count()
    assert HighlightEvent.objects.filter(highlight=draft, action="consent_asked").count() == 1


def test_a_stale_form_keeps_the_text_typed(comms_client, draft, comms):
    data = story_data(draft, text="Lo que escribí yo")
    highlights.highlight_update(
        highlight=draft, by=comms, title="Otro título", text=draft.text,
        image_choice="none", image_alt="",
    )  # fmt: skip
    response = comms_client.post(editor_url(draft), data)
    assert response.status_code == 409
    assert "Lo que escribí yo" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Otro título"


def test_refused_ask_keeps_the_saved_text(comms_client, draft):
    UserFactory(email="marta.ruiz@example.com", name="Marta Ruiz")
    response = comms_client.post(
        editor_url(draft), story_data(draft, action="ask", text="Gracias a Marta Ruiz")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.text) == ("draft", "Gracias a Marta Ruiz")
    assert any("Saved, but" in m for m in said(response))


def test_an_invalid_form_comes_back_with_the_text(comms_client, draft):
    response = comms_client.post(editor_url(draft), story_data(draft, title="", text="Mi texto"))
    assert response.status_code == 400
    assert "Mi texto" in response.content.decode()


def test_publish_is_the_primary_action_once_approved(comms_client, approved):
    page = comms_client.get(editor_url(approved)).content.decode()
    assert re.search(r'value="publish"\s+class="button button-primary"', page)
    data = story_data(approved, action="publish")
    response = comms_client.post(editor_url(approved), data)
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == "published"
    comms_client.post(editor_url(approved), data)  # pressed twice
    assert approved.events.filter(action="published").count() == 1


def test_publishing_with_an_edit_asks_again_instead(comms_client, approved):
    response = comms_client.post(
        editor_url(approved), story_data(approved, action="publish", text="Cambiado.")
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert (approved.status, approved.text) == ("awaiting", "Cambiado.")


# --------------------------------------------------------------------------
# Withdraw and propose again
# --------------------------------------------------------------------------
def test_withdraw_is_not_offered_on_drafts(comms_client, draft):
    page = comms_client.get(editor_url(draft)).content.decode()
    assert 'value="withdraw"' not in page
    response = comms_client.get(reverse("comms:withdraw", kwargs={"pk": draft.pk}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_withdraw_refuses_while_there_are_unsaved_changes(comms_client, published):
    response = comms_client.post(
        editor_url(published), story_data(published, action="withdraw", text="A medias")
    )
    assert response.status_code == 400
    assert "A medias" in response.content.decode()
    published.refresh_from_db()
    assert published.status == "published"


def test_withdraw_asks_for_a_reason_then_withdraws_once(comms_client, published):
    step = comms_client.post(editor_url(published), story_data(published, action="withdraw"))
    assert step.status_code == 302
    confirm = comms_client.get(step["Location"])
    assert confirm.status_code == 200
    url = reverse("comms:withdraw", kwargs={"pk": published.pk})
    version = highlight_version(published)
    assert comms_client.post(url, {"reason": "", "version": version}).status_code == 200
    published.refresh_from_db()
    assert published.status == "published"

    comms_client.post(url, {"reason": "Un error en el texto", "version": version})
    comms_client.post(url, {"reason": "Un error en el texto", "version": version})
    published.refresh_from_db()
    assert published.status == "withdrawn"
    event = published.events.get(action="withdrawn")
    assert event.note == "Un error en el texto"
    assert comms_client.get(reverse("highlights:detail", args=[published.slug])).status_code == 410


def test_propose_again_keeps_the_text(comms_client, published, comms):
    highlights.highlight_update(
        highlight=published, by=comms, title=published.title, text="Texto pulido.",
        image_choice="none", image_alt="",
    )  # fmt: skip
    highlights.highlight_withdraw(highlight=published, by=comms, reason="Más tarde")
    url = reverse("comms:propose_again", kwargs={"pk": published.pk})
    page = comms_client.get(editor_url(published)).content.decode()
    assert url in page

    response = comms_client.post(url)
    copy = Highlight.objects.exclude(pk=published.pk).get()
    assert response["Location"] == editor_url(copy)
    assert (copy.status, copy.title, copy.text) == ("draft", published.title, "Texto pulido.")
    assert sorted(copy.people.values_list("public_name", flat=True)) == sorted(
        published.people.values_list("public_name", flat=True)
    )
    assert comms_client.post(url)["Location"] == editor_url(copy)  # pressed twice
    assert Highlight.objects.count() == 2
    published.refresh_from_db()
    assert published.status == "withdrawn"


def test_propose_again_refuses_an_open_highlight(draft, comms):
    with pytest.raises(Exception, match="withdrawn or declined"):
        highlights.highlight_propose_again(highlight=draft, by=comms)


def test_services_refuse_a_stale_version(approved, comms):
    old = highlight_version(approved)
    highlights.highlight_publish(highlight=approved, by=comms, version=old)
    with pytest.raises(Exception, match="changed since"):
        highlights.highlight_withdraw(highlight=approved, by=comms, version=old)


def test_each_person_s_answer_and_message_show_beside_the_draft(comms_client, awaiting, author):
    consent = Consent.objects.get(highlight=awaiting, person=author, answer="pending")
    consent_answer(consent=consent, person=author, approve=False, message="Prefiero sin foto")
    page = comms_client.get(editor_url(awaiting)).content.decode()
    assert "Declined" in page
    assert "Prefiero sin foto" in page


def test_consent_request_refuses_a_stale_version(draft, comms):
    old = highlight_version(draft)
    highlights.highlight_update(
        highlight=draft, by=comms, title="Nuevo", text=draft.text,
        image_choice="none", image_alt="", version=old,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        consent_request(highlight=draft, by=comms, version=old)
    assert refused.value.code == "stale"
    with pytest.raises(ValidationError):
        highlights.highlight_update(
            highlight=draft, by=comms, title="Otro", text=draft.text,
            image_choice="none", image_alt="", version=old,
        )  # fmt: skip
    draft.refresh_from_db()
    assert (draft.status, draft.title) == ("draft", "Nuevo")
    assert not Consent.objects.filter(highlight=draft).exists()


def test_the_workspace_keeps_one_query_budget(comms_client, comms, django_assert_max_num_queries):
    for n in range(6):
        win = WinFactory(body=f"Win number {n}")
        if n % 2:
            highlights.highlight_propose(win=win, by=comms)
    with django_assert_max_num_queries(20):
        response = comms_client.get(reverse("comms:workspace"))
    assert response.status_code == 200
