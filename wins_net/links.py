"""
Absolute URLs from `SITE_URL`.

Emails, feeds and the public pages link with the site's own address, whatever
host a request came through (or when there is no request at all, in a task).
"""

from __future__ import annotations

from django.conf import settings


def absolute_url(url: str) -> str:
    """`url` (a path, with or without its leading slash, or a media URL) made
    absolute from `SITE_URL`; a URL that is already absolute (`http://`,
    `https://`, as some storages return) comes back as it is."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}/{url.lstrip('/')}"
