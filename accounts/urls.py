from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.profile_edit, name="profile_edit"),
    path("language/", views.set_language, name="set_language"),
    path("<int:pk>/", views.profile, name="profile"),
]
