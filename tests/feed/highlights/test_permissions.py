"""Who may do what with a highlight: (role) × (propose, edit, consent, publish, withdraw).

Runs on PostgreSQL in CI (CI sets DATABASE_URL), on SQLite locally.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer
from feed.wins import access
from tests.factories import UserFactory, comms_user

from .conftest import consent_of

pytestmark = pytest.mark.django_db

ROLES = ["employee", "manager", "comms", "superuser", "anonymous", "inactive", "author",
         "credited"]  # fmt: skip
ALLOWED = {
    "propose": {"comms", "superuser"},
    "edit": {"comms", "superuser"},
    # The author's own request: only the author answers it.
    "consent": {"author"},
    "publish": {"comms", "superuser"},
    "withdraw": {"comms", "superuser", "author", "credited"},
}


@pytest.fixture
def actor(request, author, credited):
    role = request.param
    if role == "employee":
        return UserFactory()
    if role == "manager":
        manager = UserFactory(team=author.team)
        author.manager = manager
        author.save(update_fields=["manager"])
        return manager
    if role == "comms":
        return comms_user()
    if role == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    if role == "anonymous":
        return AnonymousUser()
    if role == "inactive":
        return comms_user(is_active=False)
    return {"author": author, "credited": credited}[role]


def run(action, actor, *, request):
    if action == "propose":
        win = request.getfixturevalue("win")
        return highlights.highlight_propose(win=win, by=actor)
    if action == "edit":
        draft = request.getfixturevalue("draft")
        return highlights.highlight_update(
            highlight=draft, by=actor, title="Edited", text="Edited text", image_choice="none",
            image_alt="",
        )  # fmt: skip
    if action == "consent":
        awaiting = request.getfixturevalue("awaiting")
        author = request.getfixturevalue("author")
        return consent_answer(consent=consent_of(awaiting, author), person=actor, approve=True)
    if action == "publish":
        approved = request.getfixturevalue("approved")
        return highlights.highlight_publish(highlight=approved, by=actor)
    published = request.getfixturevalue("published")
    return highlights.highlight_withdraw(highlight=published, by=actor)


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("actor", ROLES, indirect=True, ids=ROLES)
def test_permission_matrix(request, action, actor):
    role = request.node.callspec.id.split("-")[0]
    if role in ALLOWED[action]:
        assert run(action, actor, request=request) is not None
    else:
        with pytest.raises(PermissionDenied):
            run(action, actor, request=request)


def test_superuser_curates_but_cannot_consent_for_others(awaiting, author):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert access.is_comms(superuser)
    with pytest.raises(PermissionDenied):
        consent_answer(consent=consent_of(awaiting, author), person=superuser, approve=True)
    assert consent_of(awaiting, author).answer == "pending"


def test_credited_person_consents_only_for_themself(awaiting, author, credited):
    with pytest.raises(PermissionDenied):
        consent_answer(consent=consent_of(awaiting, author), person=credited, approve=True)
    mine = consent_of(awaiting, credited)
    assert consent_answer(consent=mine, person=credited, approve=True).answer == ("approved")


def test_comms_cannot_consent_even_when_named_elsewhere(awaiting, comms, author):
    with pytest.raises(PermissionDenied):
        consent_answer(consent=consent_of(awaiting, author), person=comms, approve=False)


def test_staff_outside_the_group_is_not_comms(db):
    assert not access.is_comms(UserFactory(is_staff=True))
    assert not access.is_comms(AnonymousUser())
    assert not access.is_comms(None)
