"""The public highlights: page, share cards, Atom and JSON feeds. No login."""

from django.urls import path

from feed.highlights.feeds import HighlightsFeed
from feed.highlights.views import public as highlights

app_name = "highlights"

urlpatterns = [
    path("", highlights.highlight_list, name="list"),
    path("feed/", HighlightsFeed(), name="feed"),
    path("latest.json", highlights.highlights_latest_json, name="latest_json"),
    path("<slug:slug>/", highlights.highlight_detail, name="detail"),
    path("<slug:slug>/share.png", highlights.highlight_share_image, name="share_image"),
]
