"""A person who forgot their password gets a link by email and sets a new one."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_forgotten_password_is_reset_through_the_emailed_link(client):
    person = UserFactory(email="lucia@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "lucia@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lucia@example.com"]

    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else "/" + path,
        {"password1": "a-Brand-new-passw0rd", "password2": "a-Brand-new-passw0rd"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-Brand-new-passw0rd")


def test_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert response.status_code == 302
