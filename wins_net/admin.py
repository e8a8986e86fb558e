"""
Building blocks for the admin of every domain; registers nothing itself.

Each package's `admin.py` (wins, notifications, highlights) builds on these, so
a row hidden from someone answers 404 and a ledger stays read-only the same way
everywhere.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest


class MissingIs404:
    """A row the person may not see (outside `get_queryset`) answers 404 on its
    pages, exactly as a missing one does, where the admin would send them back
    to its index: a hidden win is a 404 for comms here as in the app."""

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404
        return found


class ReadOnlyAdmin(admin.ModelAdmin):
    """Every field shown, none editable, nothing added by hand.

    `has_change_permission` stays true for the list (admin actions need it)
    and is false for a single row, so its page has no form and no "Save".
    """

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [
            field.name
            for field in [*self.model._meta.fields, *self.model._meta.many_to_many]
            if field.name != "id"
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request)
