"""Tags are one per topic, whatever the case or accents; near-duplicates merge."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse

from feed.wins import services
from feed.wins.models import Tag
from feed.wins.tags import tag_key, tags_merge
from tests.factories import UserFactory, WinFactory

pytestmark = pytest.mark.django_db


def test_key_ignores_case_accents_and_hash():
    assert tag_key("Python") == tag_key("python") == tag_key("Pythón") == tag_key("#PYTHON")
    assert tag_key("Python") != tag_key("Pythons")


def test_new_tags_reuse_one_that_matches_when_folded():
    Tag.objects.create(name="Python")
    win = services.win_create(author=UserFactory(), body="Migrado #pythón y #python #Café")
    other = services.win_create(author=UserFactory(), body="Más #cafe")
    assert sorted(win.tags.values_list("name", flat=True)) == ["Café", "Python"]
    assert list(other.tags.values_list("name", flat=True)) == ["Café"]
    assert Tag.objects.count() == 2


def test_merge_moves_wins_and_deletes_the_others():
    # Case is unique already (a constraint); accents made the near-duplicates.
    python, lower, accent = (Tag.objects.create(name=n) for n in ("Python", "Pýthon", "Pythón"))
    both, only_lower, only_accent = WinFactory(), WinFactory(), WinFactory()
    both.tags.add(python, lower)
    only_lower.tags.add(lower)
    only_accent.tags.add(accent)
    only_lower.refresh_from_db()
    revision = only_lower.revision

    moved = tags_merge(into=python, tags=[python, lower, accent])

    assert moved == 3
    assert list(Tag.objects.values_list("name", flat=True)) == ["Python"]
    for win in (both, only_lower, only_accent):
        assert list(win.tags.values_list("name", flat=True)) == ["Python"]
    only_lower.refresh_from_db()
    assert only_lower.revision > revision  # its card shows the new tag


def test_merge_keeps_the_value_flag():
    kept = Tag.objects.create(name="equipo")
    value = Tag.objects.create(name="Équipo", is_value=True)
    tags_merge(into=kept, tags=[kept, value])
    kept.refresh_from_db()
    assert kept.is_value


def test_merge_needs_two_tags():
    python = Tag.objects.create(name="Python")
    with pytest.raises(ValidationError):
        tags_merge(into=python, tags=[python])


def test_admin_merge_asks_to_confirm_then_merges(admin_client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    python, lower = Tag.objects.create(name="Python"), Tag.objects.create(name="pythón")
    win = WinFactory()
    win.tags.add(lower)
    url = reverse("admin:feed_tag_changelist")
    data = {"action": "merge", ACTION_CHECKBOX_NAME: [python.pk, lower.pk]}

    page = admin_client.post(url, data)
    assert page.status_code == 200
    assert b'name="into"' in page.content
    assert Tag.objects.count() == 2

    done = admin_client.post(url, {**data, "into": str(python.pk), "confirmed": "yes"})
    assert done.status_code == 302
    assert list(win.tags.values_list("name", flat=True)) == ["Python"]
    assert not Tag.objects.filter(pk=lower.pk).exists()
