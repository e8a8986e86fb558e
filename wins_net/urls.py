"""URLs of the whole project. Each app owns its own `urls.py`."""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.urls import urlpatterns as accounts_urlpatterns
from feed.highlights.views.dashboard import comms_dashboard
from feed.wins.urls import people_urlpatterns as wins_people_urlpatterns
from wins_net.health import healthz
from wins_net.media import media_urlpatterns

# The admin signs in through allauth, so its rate limits and two-factor apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = settings.ORGANISATION_NAME
admin.site.site_title = settings.ORGANISATION_NAME

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # An admin page: signed-in active staff only (others go to the admin's
    # login), behind the staff two-factor check; the view then lets in comms only.
    path("admin/dashboard/", admin.site.admin_view(comms_dashboard), name="comms_dashboard"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # People's pages: `accounts` serves one's profile, the wins feed a person's
    # page and their wins; one prefix, one namespace, no import between them.
    path("people/", include(([*accounts_urlpatterns, *wins_people_urlpatterns], "accounts"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", include("feed.notifications.urls")),
    path("highlights/", include("feed.highlights.urls")),
    path("comms/", include("feed.highlights.comms_urls")),
    # Uploaded files, with access rules; none when SERVE_MEDIA is off.
    *media_urlpatterns(),
    path("", include("feed.urls")),
]
