"""Every person a public story names was asked: the draft flags anyone else its
text names, and consent is not asked, nor the story published, until they are
taken out or added and asked."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.highlights.models import HighlightPerson
from feed.highlights.names import people_unasked
from feed.wins.models import Credit
from tests.factories import UserFactory, WinFactory

from .conftest import consent_of
from .test_admin import change_url, edit, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def marta(author):
    return UserFactory(name="Marta Ruiz", email="marta.ruiz@example.com", team=author.team)


@pytest.fixture
def pedro(author):
    """A coworker who left."""
    return UserFactory(
        name="Pedro Gil", email="pedro.gil@example.com", team=author.team, is_active=False
    )


@pytest.fixture
def naming(author, credited, marta, pedro, comms):
    """A draft whose win credits Luis and Pedro (who left) and mentions Marta
    without crediting her."""
    win = WinFactory(
        author=author,
        body="Closed 100 tickets in a day\nThanks @luis, @marta.ruiz and @pedro.gil!",
    )
    Credit.objects.create(win=win, user=credited)
    Credit.objects.create(win=win, user=pedro)
    return highlights.highlight_propose(win=win, by=comms)


@pytest.fixture
def comms_client(client, comms, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(comms)
    return client


def rewrite(highlight, *, by, text: str, title: str | None = None):
    return highlights.highlight_update(
        highlight=highlight, by=by, title=title or highlight.title, text=text,
        image_choice="none", image_alt="",
    )  # fmt: skip


# --------------------------------------------------------------------------
# The service
# --------------------------------------------------------------------------
def test_handles_of_people_not_asked_are_flagged(naming, marta, pedro):
    """A mention of someone not credited, and of a credited coworker who left
    (and so was not asked), stay in the draft and are flagged."""
    assert set(naming.people.values_list("user__name", flat=True)) == {"Ana García", "Luis Pérez"}
    assert "Luis Pérez" in naming.text

    found = people_unasked(highlight=naming)

    assert [(p.user, p.written, p.left) for p in found] == [
        (marta, "@marta.ruiz", False),
        (pedro, "@pedro.gil", True),
    ]
    assert [p.label for p in found] == ["Marta Ruiz (@marta.ruiz)", "Pedro Gil (@pedro.gil)"]


def test_consent_is_not_asked_while_the_text_names_someone_not_asked(naming, comms):
    with pytest.raises(ValidationError) as refused:
        consent_request(highlight=naming, by=comms)

    said = " ".join(refused.value.messages)
    assert "not asked: Marta Ruiz (@marta.ruiz)" in said
    assert "left and can no longer be asked: Pedro Gil (@pedro.gil)" in said
    naming.refresh_from_db()
    assert naming.status == "draft"
    assert not naming.consents.exists()


def test_full_names_are_flagged_in_any_case(draft, comms, marta, pedro):
    rewrite(draft, by=comms, title="A day with marta ruiz",
            text="Pedro\nGil started it. Ana García and Luis Pérez finished it.")  # fmt: skip

    found = people_unasked(highlight=draft)

    assert [(p.user, p.written) for p in found] == [(marta, "marta ruiz"), (pedro, "Pedro\nGil")]


def test_the_names_of_the_people_asked_are_theirs(draft, comms, author, credited):
    """Someone else with the name of a person asked, or a name inside one, is
    not flagged; nor are first names alone, or handles of nobody."""
    UserFactory(name="Luis Pérez", email="another.luis@example.com")
    UserFactory(name="María García", email="maria@example.com")
    UserFactory(name="Luis", email="luis.other@example.com")
    author.name = "Ana María García"
    author.save(update_fields=["name"])
    rewrite(
        draft, by=comms, text="Ana María García and Luis Pérez did it, with Luis. @nobody @luis"
    )

    assert people_unasked(highlight=draft) == []


def test_finding_them_costs_two_queries(naming, django_assert_num_queries):
    with django_assert_num_queries(2):
        people_unasked(highlight=naming)


def test_taking_them_out_lets_consent_be_asked(naming, comms):
    rewrite(naming, by=comms, text="Closed 100 tickets in a day.\nThanks Luis Pérez!")

    consent_request(highlight=naming, by=comms)

    assert naming.status == "awaiting"
    assert naming.consents.count() == 2


def test_adding_them_asks_them_too(client, naming, comms, author, credited, marta):
    """Added, Marta is asked with the others and appears on the public page once
    everyone approved; Pedro, who left, still has to be taken out."""
    added = highlights.highlight_people_add(highlight=naming, by=comms, users=[marta])
    assert [(p.user, p.role, p.public_name) for p in added] == [
        (marta, HighlightPerson.Role.NAMED, f"Marta Ruiz, {author.team.name}")
    ]
    assert naming.events.last().note.endswith("Marta Ruiz, Customer Care")
    with pytest.raises(ValidationError, match="Pedro Gil"):
        consent_request(highlight=naming, by=comms)

    rewrite(naming, by=comms, text=naming.text.replace(" and @pedro.gil", ""))
    consent_request(highlight=naming, by=comms)
    assert set(naming.consents.values_list("person", flat=True)) == {
        author.pk,
        credited.pk,
        marta.pk,
    }
    for person in (author, credited, marta):
        consent_answer(consent=consent_of(naming, person), person=person, approve=True)
    naming.refresh_from_db()
    highlights.highlight_publish(highlight=naming, by=comms)
    page = client.get(reverse("highlights:detail", kwargs={"slug": naming.slug}))
    assert "Marta Ruiz, Customer Care" in page.text


def test_someone_who_left_cannot_be_added(naming, comms, pedro):
    with pytest.raises(ValidationError, match="cannot be asked: Pedro Gil"):
        highlights.highlight_people_add(highlight=naming, by=comms, users=[pedro])
    assert not naming.people.filter(user=pedro).exists()


def test_only_comms_add_people(naming, author, marta):

    with pytest.raises(PermissionDenied):
        highlights.highlight_people_add(highlight=naming, by=author, users=[marta])


def test_adding_someone_to_a_published_story_asks_them_at_once(published, comms, marta):
    """The story is taken down until the person added approves too."""
    highlights.highlight_people_add(highlight=published, by=comms, users=[marta])

    published.refresh_from_db()
    assert published.status == "awaiting"
    assert consent_of(published, marta).public_name == "Marta Ruiz, Customer Care"
    assert published.consents.filter(answer="pending").count() == 1


def test_an_edit_after_consent_cannot_name_someone_not_asked(awaiting, comms, marta):
    """The edit would ask again at once: refused, and nothing changes."""
    text = awaiting.text
    with pytest.raises(ValidationError, match="Marta Ruiz"):
        rewrite(awaiting, by=comms, text=f"{text} With Marta Ruiz.")

    awaiting.refresh_from_db()
    assert awaiting.text == text
    assert awaiting.consents.filter(answer="pending").count() == 2


def test_publish_refuses_a_text_naming_someone_never_asked(draft, comms, author, credited):
    """Sara joined after consent was asked: the text names her, and she was never asked."""
    rewrite(draft, by=comms, text="We closed 100 tickets, with help from Sara Núñez.")
    consent_request(highlight=draft, by=comms)
    for person in (author, credited):
        consent_answer(consent=consent_of(draft, person), person=person, approve=True)
    draft.refresh_from_db()
    UserFactory(name="Sara Núñez", email="sara@example.com")

    with pytest.raises(ValidationError, match="not asked: Sara Núñez"):
        highlights.highlight_publish(highlight=draft, by=comms)

    draft.refresh_from_db()
    assert draft.status == "approved"


# --------------------------------------------------------------------------
# The admin page
# --------------------------------------------------------------------------
def test_the_draft_page_warns_about_the_people_not_asked(comms_client, naming):
    page = comms_client.get(change_url(naming))

    assert page.status_code == 200
    assert "The public text names people who were not asked:" in page.text
    assert "Marta Ruiz (@marta.ruiz)" in page.text
    assert "Pedro Gil (@pedro.gil)" in page.text
    assert "(left the organisation: cannot be asked)" in page.text
    # Only Marta, who can still be asked, is offered.
    assert 'name="add_people"' in page.text
    assert "Marta Ruiz · marta.ruiz@example.com" in page.text
    assert "Pedro Gil · " not in page.text


def test_a_draft_naming_only_people_asked_has_no_warning(comms_client, draft):
    page = comms_client.get(change_url(draft))
    assert "who were not asked" not in page.text
    assert 'name="add_people"' not in page.text


def test_asking_from_the_page_is_refused_with_a_message(comms_client, naming):
    response = comms_client.post(step_url(naming, "ask"), follow=True)

    assert response.status_code == 200
    said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert len(said) == 1
    assert said[0][0] == "error"
    assert "Marta Ruiz (@marta.ruiz)" in said[0][1]
    assert "Pedro Gil (@pedro.gil)" in said[0][1]
    naming.refresh_from_db()
    assert naming.status == "draft"


def test_ticking_a_person_on_the_page_adds_them(comms_client, naming, marta):
    text = naming.text.replace(" and @pedro.gil", "")
    response = edit(comms_client, naming, public_text=text, add_people=[str(marta.pk)])

    assert response.status_code == 302
    assert naming.people.filter(user=marta, role="named").exists()
    page = comms_client.get(response["Location"])
    said = [str(m) for m in get_messages(page.wsgi_request)]
    assert "1 person added to the people named." in said
    assert "who were not asked" not in comms_client.get(change_url(naming)).text
    comms_client.post(step_url(naming, "ask"))
    naming.refresh_from_db()
    assert naming.status == "awaiting"


def test_an_edit_naming_someone_after_consent_is_a_form_error(comms_client, awaiting, marta):
    response = edit(comms_client, awaiting, public_text=f"{awaiting.text}\nThanks @marta.ruiz")

    assert response.status_code == 200
    assert "who were not asked: Marta Ruiz (@marta.ruiz)" in response.text
    awaiting.refresh_from_db()
    assert "marta" not in awaiting.text
