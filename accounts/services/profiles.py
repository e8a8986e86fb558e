"""A person's own profile and preferences."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from accounts import events
from accounts.models import User


def user_set_language(*, user: User, language: str) -> bool:
    """Remember `language` for `user`. Returns False (and changes nothing) for an unknown code."""
    if language not in User.Language.values:
        return False
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return True


# --------------------------------------------------------------------------
# Profile
# --------------------------------------------------------------------------


# What a person may change about themselves. Not the team nor the manager: they
# widen or narrow what a person sees, so only the directory sets them.
PROFILE_FIELDS = ("name", "job_title", "language", "time_zone")


def user_update_profile(
    *,
    user: User,
    name: str,
    job_title: str,
    language: str,
    time_zone: str,
    avatar: ContentFile | None = None,
    remove_avatar: bool = False,
) -> User:
    """Save what a person edits about themselves; never their team or manager,
    which only the directory sets (they decide what the person may see).

    `avatar` is an already re-encoded file (see `wins_net.images.avatar_file`) that
    replaces the current one; `remove_avatar` removes it. The old file is deleted
    only after the transaction commits, so a failed save loses nothing, and a new
    file written for a save that fails is deleted again. The layers above hear
    that what others see of the person changed (`events.people_changed`, in the
    same transaction: the cards showing them are renewed).
    Raises ValidationError, with `user` left as it was, for invalid values.
    """
    values = {
        "name": name.strip(),
        "job_title": job_title.strip(),
        "language": language,
        "time_zone": time_zone,
    }
    for attribute, value in values.items():
        setattr(user, attribute, value)
    try:
        user.full_clean(
            exclude=[f.name for f in User._meta.fields if f.name not in values],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError:
        user.refresh_from_db(fields=PROFILE_FIELDS)
        raise

    storage = user.avatar.storage
    old_avatar = user.avatar.name if avatar is not None or remove_avatar else ""
    new_avatar = ""
    try:
        with transaction.atomic():
            if avatar is not None:
                user.avatar.save(avatar.name, avatar, save=False)
                new_avatar = user.avatar.name
            elif remove_avatar:
                user.avatar = ""
            user.save(update_fields=[*PROFILE_FIELDS, "avatar"])
            events.people_changed.send(user_ids=[user.pk])
            if old_avatar:
                transaction.on_commit(lambda: storage.delete(old_avatar), robust=True)
    except Exception:
        if new_avatar:
            storage.delete(new_avatar)
        user.refresh_from_db(fields=[*PROFILE_FIELDS, "avatar"])
        raise
    return user
