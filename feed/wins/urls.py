from django.urls import path

from feed.highlights.views import consent
from feed.wins.views import browse, comments, compose, reactions, reports, search

app_name = "feed"

urlpatterns = [
    path("", browse.home, name="home"),
    path("wins/new/", compose.win_new, name="win_new"),
    path("wins/<int:pk>/", browse.win_detail, name="win_detail"),
    path("wins/<int:pk>/edit/", compose.win_edit, name="win_edit"),
    path("wins/<int:pk>/delete/", compose.win_delete, name="win_delete"),
    path("wins/<int:pk>/react/", reactions.react, name="react"),
    path("wins/<int:pk>/comments/", comments.comment_create, name="comment_create"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment_delete"),
    path("search/", search.search, name="search"),
    path("wins/<int:pk>/report/", reports.report_win, name="report_win"),
    path("comments/<int:pk>/report/", reports.report_comment, name="report_comment"),
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
