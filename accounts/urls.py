from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.profile_edit, name="profile_edit"),
    path("me/wins.md", views.export_markdown, name="export_markdown"),
    path("me/wins.csv", views.export_csv, name="export_csv"),
    path("language/", views.set_language, name="set_language"),
    path("autocomplete/", views.autocomplete, name="autocomplete"),
    path("<int:pk>/", views.profile, name="profile"),
]
