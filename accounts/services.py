"""Writes about people and teams. Views, commands and tasks call these."""

from __future__ import annotations

from accounts.models import User


def user_set_language(*, user: User, language: str) -> bool:
    """Remember `language` for `user`. Returns False (and changes nothing) for an unknown code."""
    if language not in User.Language.values:
        return False
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return True
