"""
Tags are one per topic, whatever the spelling: "Python", "python" and "Pythón"
are one tag.

`tag_key` is the folded form two spellings share (case and accents ignored);
`tags_for` reuses the tag whose key matches a new name, and
`tags_merge` folds the near-duplicates made before that into one (the admin's
"Merge tags" action).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from feed.wins.models import Tag, Win


def tag_key(name: str) -> str:
    """`name` without a leading "#", accents or case: equal keys are one tag."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lstrip("#"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.casefold()


@transaction.atomic
def tags_merge(*, into: Tag, tags: Sequence[Tag]) -> int:
    """Move every win tagged with one of `tags` over to `into`, then delete them.
        `into` keeps its name, value flag and description. A win that had both keeps
        one. The cards of the wins moved get a new revision from deleting their old
    tags (`feed.wins.revisions._tag_deleted`).
        Returns how many wins were moved.

        ValidationError when `tags` holds nothing but `into`.
    """
    others = [tag for tag in tags if tag.pk != into.pk]
    if not others:
        raise ValidationError(_("Choose at least two tags to merge."), code="alone")
    through = Win.tags.through
    other_ids = [tag.pk for tag in others]
    win_ids = set(through.objects.filter(tag_id__in=other_ids).values_list("win_id", flat=True))
    already = set(
        through.objects.filter(tag_id=into.pk, win_id__in=win_ids).values_list("win_id", flat=True)
    )
    through.objects.bulk_create(
        [through(win_id=win_id, tag_id=into.pk) for win_id in sorted(win_ids - already)]
    )
    Tag.objects.filter(pk__in=other_ids).delete()
    if not into.is_value and any(tag.is_value for tag in others):
        into.is_value = True
        into.save(update_fields=["is_value"])
    return len(win_ids)


def tags_for(*, names: Iterable[str]) -> list[Tag]:
    """The tags named, created when new. A name matches an existing tag whatever
    its case and accents (`tag_key`): "Pythón" is #Python when
    that exists. Keeps the first spelling."""
    wanted = [n.strip().lstrip("#") for n in names if n.strip().lstrip("#")]
    if not wanted:
        return []
    existing: dict[str, Tag] = {}
    for tag in Tag.objects.all():  # a few hundred at most: one query
        existing.setdefault(tag_key(tag.name), tag)
    tags: list[Tag] = []
    for name in wanted:
        key = tag_key(name)
        tag = existing.get(key)
        if tag is None:
            tag, _created = Tag.objects.get_or_create(name=name[:50])
            existing[key] = tag
        if tag not in tags:
            tags.append(tag)
    return tags
