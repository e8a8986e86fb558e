"""Managers find their team's digest in the header; nobody else is offered it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DIGEST_URL = reverse("notifications:digest_preview")


def test_a_manager_finds_the_digest_in_the_header(client):
    marta = UserFactory(name="Marta Manager")
    UserFactory(manager=marta)
    client.force_login(marta)

    html = client.get(reverse("feed:home")).content.decode()

    assert f'<a href="{DIGEST_URL}"' in html
    assert "Team digest" in html
    # On the digest's own page, the link says it is the current page.
    page = client.get(DIGEST_URL).content.decode()
    assert f'<a href="{DIGEST_URL}"\n                 aria-current="page">' in page or (
        'aria-current="page">Team digest' in page
    )


def test_people_without_reports_are_not_offered_it(client):
    marta = UserFactory(name="Marta Manager")
    UserFactory(manager=marta, is_active=False)  # left: no longer reports
    client.force_login(marta)

    html = client.get(reverse("feed:home")).content.decode()

    assert DIGEST_URL not in html
