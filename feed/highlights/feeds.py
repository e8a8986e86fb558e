"""
The Atom feed of published highlights, for feed readers.

A `Feed` subclass over the same selector as the public page: the latest
published highlights, their public title and text, and the public names of the
people they name. Links are absolute from `SITE_URL`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext

from feed.highlights.models import Highlight
from feed.highlights.selectors import published_highlights
from feed.highlights.views.public import highlight_url, public_names
from wins_net.links import absolute_url

FEED_ITEMS = 20


class HighlightsFeed(Feed):
    """The latest published highlights, newest first."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def title(self) -> str:
        return gettext("%(organisation)s highlights") % {"organisation": settings.ORGANISATION_NAME}

    def subtitle(self) -> str:
        return gettext("Small wins from the people of %(organisation)s.") % {
            "organisation": settings.ORGANISATION_NAME
        }

    def link(self) -> str:
        return absolute_url(reverse("highlights:list"))

    def feed_url(self) -> str:
        return absolute_url(reverse("highlights:feed"))

    def items(self) -> QuerySet[Highlight]:
        return published_highlights()[:FEED_ITEMS]

    def item_title(self, item: Highlight) -> str:
        return item.title

    def item_description(self, item: Highlight) -> str:
        return linebreaks(item.text, autoescape=True)

    def item_link(self, item: Highlight) -> str:
        return highlight_url(item)

    def item_guid(self, item: Highlight) -> str:
        # An entry's id outlives its link: a new title moves a story to a new
        # address, and a feed reader must see the same story, not a new one.
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, absolute_url(f'highlights/#{item.pk}'))}"

    def item_pubdate(self, item: Highlight) -> datetime:
        return item.published_at

    def item_author_name(self, item: Highlight) -> str:
        return "; ".join(public_names(item))
