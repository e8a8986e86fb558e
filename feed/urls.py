from django.urls import path

from feed.views import browse

app_name = "feed"

urlpatterns = [
    path("", browse.home, name="home"),
]
