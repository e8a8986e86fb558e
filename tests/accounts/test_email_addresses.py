"""allauth's email page (/accounts/email/): a person adds only addresses of their own.

Outside domains are refused as at sign-up (tests/accounts/test_signup.py); an
address that is already someone else's is refused too, and an address that only
someone's unverified claim names still goes to its owner when IT imports them.
"""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("account_email")
REFUSAL = "That address belongs to someone else. Add an address of your own."


@pytest.fixture
def me(client):
    person = UserFactory(email="me@example.com")
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return person


def _add(client, email: str):
    return client.post(URL, {"action_add": "", "email": email})


@pytest.mark.parametrize("typed", ["owner@example.com", "Owner@Example.COM"])
def test_another_persons_login_address_is_refused(client, me, typed):
    """Even when the owner has no allauth address row (made in the admin), and in any case."""
    UserFactory(email="owner@example.com", verified=False)

    response = _add(client, typed)

    assert response.status_code == 200
    assert REFUSAL in response.text
    assert list(EmailAddress.objects.filter(user=me).values_list("email", flat=True)) == [
        "me@example.com"
    ]
    assert mail.outbox == []  # nobody is asked to confirm a stranger's claim


def test_another_persons_verified_second_address_is_refused(client, me):
    owner = UserFactory(email="owner@example.com")
    EmailAddress.objects.create(user=owner, email="alias@example.com", verified=True)

    response = _add(client, "alias@example.com")

    assert REFUSAL in response.text
    assert not EmailAddress.objects.filter(user=me, email="alias@example.com").exists()


def test_an_address_of_ones_own_is_added_unverified_and_confirmed_by_mail(client, me):
    response = _add(client, "me.too@example.com")

    assert response.status_code == 302
    address = EmailAddress.objects.get(user=me, email="me.too@example.com")
    assert not address.verified
    assert [message.to for message in mail.outbox] == [["me.too@example.com"]]


def test_an_unverified_address_cannot_become_the_login(client, me):
    """Only a confirmed address can be made primary: typing one is not owning it."""
    _add(client, "me.too@example.com")

    client.post(URL, {"action_primary": "", "email": "me.too@example.com"})

    me.refresh_from_db()
    assert me.email == "me@example.com"
    assert EmailAddress.objects.get(user=me, primary=True).email == "me@example.com"


def test_an_unverified_claim_does_not_stop_the_owner_being_imported(client, me, tmp_path):
    """Someone typed a future coworker's address on their account before IT imported
    them: the import creates the coworker with their address and drops the claim."""
    _add(client, "new.hire@example.com")
    assert EmailAddress.objects.filter(user=me, email="new.hire@example.com").exists()
    path = tmp_path / "people.csv"
    path.write_text("email,name,team,manager_email\nnew.hire@example.com,New Hire,,\n")

    call_command("import_people", str(path), stdout=StringIO(), stderr=StringIO())

    new_hire = User.objects.get(email="new.hire@example.com")
    assert list(
        EmailAddress.objects.filter(email="new.hire@example.com").values_list(
            "user", "verified", "primary"
        )
    ) == [(new_hire.pk, True, True)]
