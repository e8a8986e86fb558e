"""URLs of the wins feed.

`urlpatterns` are mounted at the root in the `feed` namespace by the composition
module `feed/urls.py` (with the consent pages of highlights); `people_urlpatterns`
under `/people/` in the `accounts` namespace by `wins_net/urls.py`.
"""

from django.urls import path

from feed.wins.views import browse, comments, compose, people, reactions, reports, search

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
]

# A person's page and their wins, under /people/ (`accounts:profile`...).
people_urlpatterns = [
    path("me/wins.md", people.export_markdown, name="export_markdown"),
    path("me/wins.csv", people.export_csv, name="export_csv"),
    path("autocomplete/", people.autocomplete, name="autocomplete"),
    path("<int:pk>/", people.profile, name="profile"),
]
