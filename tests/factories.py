"""factory_boy factories for the models of every app."""

from __future__ import annotations

from importlib import import_module

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission

from accounts.models import Team, User

TEST_PASSWORD = "a-Long-test-passw0rd"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    job_title = factory.Faker("job")
    team = factory.SubFactory(TeamFactory)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """A verified primary address, as allauth needs with mandatory verification."""
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class WinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feed.Win"

    author = factory.SubFactory(UserFactory)
    body = factory.Faker("sentence", nb_words=12)
    visibility = "everyone"
    team = factory.LazyAttribute(lambda win: win.author.team)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feed.Comment"

    win = factory.SubFactory(WinFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Faker("sentence")


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feed.Reaction"

    win = factory.SubFactory(WinFactory)
    user = factory.SubFactory(UserFactory)
    kind = "clap"


def comms_user(**kwargs) -> User:
    """A person in the Communications group (created by feed's migration 0006).

    A transactional test (the browser's) empties every table when it ends, and the
    permissions come back but not the group: it is then made again as the migration does.
    """

    group, created = Group.objects.get_or_create(name="Communications")
    if created:
        migration = import_module("feed.migrations.0006_communications_group")
        codenames = [f"{action}_{model}" for action, model in migration.PERMISSIONS]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="feed", codename__in=codenames)
        )
    person = UserFactory(is_staff=True, **kwargs)
    person.groups.add(group)
    return person


def moderator_user(**kwargs) -> User:
    """Staff with the moderation permission (`feed.wins.access.MODERATION_PERMISSION`)
    and the admin's pages of wins and comments (deleting a win deletes its comments,
    reports and notifications too), as a moderators' group would have."""
    person = UserFactory(is_staff=True, **kwargs)
    person.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="feed",
            codename__in=["change_report", "view_report", "delete_report", "view_win",
                          "change_win", "delete_win", "view_comment", "change_comment",
                          "delete_comment", "delete_notification"],
        )
    )  # fmt: skip
    return person


class HighlightFactory(factory.django.DjangoModelFactory):
    """A bare highlight row, for reads; flows go through `feed.highlights.services`."""

    class Meta:
        model = "feed.Highlight"

    win = factory.SubFactory(WinFactory)
    slug = factory.Sequence(lambda n: f"highlight-{n}")
    title = factory.Faker("sentence", nb_words=6)
    text = factory.Faker("paragraph")
    status = "draft"
