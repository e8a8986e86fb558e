"""The pages `accounts` serves under `/people/`.

`wins_net/urls.py` mounts them in the `accounts` namespace together with the
wins feed's pages about people (`feed.wins.urls.people_urlpatterns`: a person's
page, the exports, the autocomplete), which share the prefix and the namespace.
"""

from django.urls import path

from accounts import views

urlpatterns = [
    path("me/", views.profile_edit, name="profile_edit"),
    path("language/", views.set_language, name="set_language"),
]
