"""
Stored files that follow their rows: written in a transaction, gone if it fails.

A service that stores a picture and then fails to save its row must not leave
the picture behind; one that replaces or deletes a picture removes the old file
only after the commit, so a failure loses nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.files.storage import Storage


@contextmanager
def files_removed_on_error() -> Iterator[list[tuple[Storage, str]]]:
    """Files stored inside the block (appended as `(storage, name)`) are deleted
    again if the block raises: a write that fails leaves no file behind."""
    stored: list[tuple[Storage, str]] = []
    try:
        yield stored
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise


def files_delete(storage: Storage, names: Sequence[str]) -> None:
    """Delete `names` from `storage`; for `transaction.on_commit` after a replace or delete."""
    for name in names:
        storage.delete(name)
