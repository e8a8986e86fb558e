"""The public highlights: page, share cards, Atom and JSON feeds. No login.

`consent_urlpatterns` are the pages where the people a highlight names answer:
they keep their `feed:` names and `/wins/...` addresses, mounted by `feed/urls.py`.
"""

from django.urls import path

from feed.highlights.feeds import HighlightsFeed
from feed.highlights.views import consent
from feed.highlights.views import public as highlights

app_name = "highlights"

urlpatterns = [
    path("", highlights.highlight_list, name="list"),
    path("feed/", HighlightsFeed(), name="feed"),
    path("latest.json", highlights.highlights_latest_json, name="latest_json"),
    path("<slug:slug>/", highlights.highlight_detail, name="detail"),
    path("<slug:slug>/share.png", highlights.highlight_share_image, name="share_image"),
]

consent_urlpatterns = [
    path("wins/consent/<int:consent_id>/", consent.consent_page, name="consent"),
    path(
        "wins/consent/<int:consent_id>/withdraw/",
        consent.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path(
        "wins/<int:win_id>/highlight/withdraw/",
        consent.highlight_withdraw_view,
        name="highlight_withdraw",
    ),
]
