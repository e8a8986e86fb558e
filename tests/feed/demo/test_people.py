"""`seed_demo` builds the demo organisation and the four demo logins, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import Team, User
from feed.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    """Seed people only: the demo wins have their own tests in tests/feed/demo/test_wins.py."""
    out = StringIO()
    call_command("seed_demo", "--wins", "0", *args, stdout=out)
    return out.getvalue()


def test_refuses_demo_logins_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        _seed()
    assert not User.objects.exists()


def test_creates_the_organisation_and_the_fixed_logins(settings):
    settings.DEBUG = True
    output = _seed()

    assert User.objects.count() >= 30
    assert Team.objects.count() >= 5
    employee = User.objects.get(email="employee@example.com")
    manager = User.objects.get(email="manager@example.com")
    comms = User.objects.get(email="comms@example.com")
    admin = User.objects.get(email="admin@example.com")
    assert employee.manager == manager
    assert comms.team != employee.team
    assert admin.is_superuser
    assert admin.is_staff
    assert not employee.is_staff
    for login in (employee, manager, comms, admin):
        assert authenticate(email=login.email, password=DEMO_PASSWORD) == login
        assert login.emailaddress_set.get().verified
    assert "Done: " in output
    assert "employee@example.com" in output


def test_every_person_but_the_top_has_a_manager(settings):
    settings.DEBUG = True
    _seed()
    assert User.objects.filter(manager__isnull=True).count() == 1


def test_running_twice_changes_nothing(settings):
    settings.DEBUG = True
    _seed()
    people = set(User.objects.values_list("email", "manager__email", "team__name"))
    output = _seed()
    assert set(User.objects.values_list("email", "manager__email", "team__name")) == people
    assert "0 people created" in output


def test_force_creates_logins_without_debug(settings):
    settings.DEBUG = False
    _seed("--force")
    assert User.objects.filter(email="admin@example.com", is_superuser=True).exists()


def test_users_option_scales_the_organisation(settings):
    settings.DEBUG = True
    _seed()
    before = User.objects.count()
    _seed("--users", "40")
    assert User.objects.count() == before + 40
    assert not User.objects.filter(email__startswith="person0", manager__isnull=True).exists()


def test_negative_users_is_refused(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--users"):
        _seed("--users", "-1")
