"""The admin manages people and teams, with search and filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_people_are_searchable_by_name_email_and_team(admin_client):
    team = TeamFactory(name="Customer Care")
    UserFactory(name="Lucía Navarro", team=team)
    UserFactory(name="Tom Fletcher")
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "Customer"})
    assert response.status_code == 200
    assert "Lucía Navarro" in response.text
    assert "Tom Fletcher" not in response.text


def test_people_are_filtered_by_team(admin_client):
    care, sales = TeamFactory(name="Customer Care"), TeamFactory(name="Sales")
    UserFactory(name="Lucía Navarro", team=care)
    UserFactory(name="Sofía Romero", team=sales)
    response = admin_client.get(
        reverse("admin:accounts_user_changelist"), {"team__id__exact": sales.pk}
    )
    assert "Sofía Romero" in response.text
    assert "Lucía Navarro" not in response.text


def test_teams_list_counts_members(admin_client):
    team = TeamFactory(name="Sales")
    UserFactory.create_batch(3, team=team)
    response = admin_client.get(reverse("admin:accounts_team_changelist"))
    assert response.status_code == 200
    assert "Sales" in response.text


def test_admin_changes_a_reporting_line(admin_client):
    lead = UserFactory(name="Marta Ruiz")
    person = UserFactory(name="Nuria Gil")
    url = reverse("admin:accounts_user_change", args=[person.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    response = admin_client.post(
        url,
        {
            "email": person.email,
            "name": person.name,
            "job_title": "",
            "language": "es",
            "time_zone": "Europe/Madrid",
            "team": person.team_id,
            "manager": lead.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.manager == lead


def test_employees_cannot_open_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_the_admin_speaks_spanish_as_tu(client, settings):
    """Its actions and messages in Spanish, addressing the operator as "tú" like the app."""
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="es"))
    team, other = TeamFactory(name="Ventas"), TeamFactory(name="Compras")
    changelist = reverse("admin:accounts_team_changelist")

    assert "Eliminar equipos seleccionado/s" in client.get(changelist).text
    confirm = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [team.pk, other.pk]}
    )
    assert "¿Seguro que quieres eliminar la selección de equipos?" in confirm.text

    response = client.post(
        reverse("admin:accounts_team_change", args=[team.pk]),
        {
            "name": "Ventas Iberia",
            "created_at_0": "01/12/2026",
            "created_at_1": "10:00:00",
            "_continue": "",
        },
        follow=True,
    )
    said = [str(message) for message in response.context["messages"]]
    assert len(said) == 1
    assert said[0].startswith("Se han guardado los cambios en equipo")
    assert said[0].endswith("Puedes seguir editando abajo.")
