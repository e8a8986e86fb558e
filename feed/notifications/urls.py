"""URLs of notifications, email preferences and the digest preview, under /notifications/."""

from django.urls import path

from feed.notifications.views import digests as digest_views
from feed.notifications.views import notifications as views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("read/", views.mark_read, name="mark_read"),
    path("email/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("digest/", digest_views.digest_preview, name="digest_preview"),
    path("digest/email/", digest_views.digest_preview_email, name="digest_preview_email"),
]
