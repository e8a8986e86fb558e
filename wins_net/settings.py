"""
Settings for Wins, read from the environment and nowhere else.

Every variable is listed in `.env.example` and in the README. With no variables
at all the app runs on embedded defaults (SQLite, a file-system Celery broker,
the database cache); `DATABASE_URL` and `REDIS_URL` switch it to PostgreSQL and
Redis. Production defaults are the safe ones: DEBUG is off unless set.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from wins_net.mailers import mailers_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` is a convenience for development; real deployments set variables.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# --------------------------------------------------------------------------
# Core
# --------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)


def _local_secret_key(path: Path) -> str:
    """A random key kept in `var/`, for a single machine that sets no SECRET_KEY.

    Every server of a deployment must share one key: set SECRET_KEY there.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x") as key_file:  # "x": two processes starting at once keep one key
            path.chmod(0o600)
            key_file.write(secrets.token_urlsafe(50))
    except FileExistsError:
        pass
    return path.read_text().strip()


# https://docs.djangoproject.com/en/6.1/ref/settings/#secret-key
SECRET_KEY = env("SECRET_KEY", default="") or _local_secret_key(BASE_DIR / "var" / "secret-key")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where the app is reached from outside, for links in emails and commands.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ORGANISATION_NAME = env("ORGANISATION_NAME", default="Wins")
# The organisation's brand on the share cards of public stories. A colour as
# #rrggbb (the card picks white or dark text, whichever reads better on it);
# the default is the app's accent (--accent in static/css/wins.css).
ORGANISATION_COLOUR = env("ORGANISATION_COLOUR", default="#0f766e")
if not re.fullmatch(r"#[0-9a-fA-F]{6}", ORGANISATION_COLOUR):
    raise ImproperlyConfigured(f"ORGANISATION_COLOUR must be #rrggbb, not {ORGANISATION_COLOUR!r}")
# A PNG (Pillow draws no SVG), absolute or relative to the project folder, drawn
# on a white tile on the card; a square of 256 px or more looks sharp.
ORGANISATION_LOGO = BASE_DIR / env("ORGANISATION_LOGO", default="static/img/organisation-logo.png")
# The organisation's own website, linked from the public pages; none when empty.
ORGANISATION_URL = env("ORGANISATION_URL", default="")
# Origins (scheme://host[:port]) whose pages may fetch the public highlights JSON,
# e.g. the company website embedding the latest stories.
# https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS
HIGHLIGHTS_CORS_ORIGINS = [
    origin.rstrip("/") for origin in env.list("HIGHLIGHTS_CORS_ORIGINS", default=[])
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # relative times on win cards, translated
    "django.contrib.postgres",  # full-text search on PostgreSQL; harmless on SQLite
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "accounts",
    "feed",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF: reads a POST's body first, to answer 413 to one that is too large.
    "wins_net.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after the user is known: sees every response made for them, and marks it private.
    "wins_net.middleware.PrivateResponsesMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After MessageMiddleware: it tells staff, with a message, why it sent them away.
    "accounts.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "wins_net.urls"
WSGI_APPLICATION = "wins_net.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wins_net.context_processors.site",
            ],
            # The feed app's domains keep their template tags in their own package.
            "libraries": {
                "time_tags": "wins_net.templatetags.time_tags",
                "win_cards": "feed.wins.templatetags.win_cards",
                "notification_tags": "feed.notifications.templatetags.notification_tags",
                "digest_tags": "feed.notifications.templatetags.digest_tags",
                "comms_tags": "feed.highlights.templatetags.comms_tags",
                "highlight_tags": "feed.highlights.templatetags.highlight_tags",
            },
        },
    },
]

# --------------------------------------------------------------------------
# Database
# --------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a test run can share it with a Celery worker;
    # one per test run, so that two runs in one checkout keep apart.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}


# --------------------------------------------------------------------------
# Cache and Redis
# --------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")

# allauth's rate limits count in the cache, so it must be one that every web
# process shares: Redis when there is one, the database otherwise. With Redis,
# the database cache stands in while Redis does not answer (wins_net/cache.py),
# so an outage neither breaks sign-in nor turns the limits off.
_DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "wins_cache",
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "wins_net.cache.RedisWithDatabaseFallback",
            "OPTIONS": {"primary": "redis", "fallback": "database"},
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        },
        "database": _DATABASE_CACHE,
        # Rendered win cards (feed/cards.py): Redis, or this process's memory while
        # Redis does not answer. Keys carry the win's revision, so a card from
        # either is never out of date; the memory one only helps less.
        "cards": {
            "BACKEND": "wins_net.cache.RedisWithDatabaseFallback",
            "OPTIONS": {"primary": "redis", "fallback": "cards_local"},
        },
        "cards_local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
else:
    CACHES = {
        "default": _DATABASE_CACHE,
        "cards": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
# How long a rendered card is kept after it was last rendered.
CARD_CACHE_SECONDS = env.int("CARD_CACHE_SECONDS", default=24 * 60 * 60)

# --------------------------------------------------------------------------
# Authentication (django-allauth)
# --------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "feed:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env(
    "ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory"
)
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{ORGANISATION_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_PREVENT_ENUMERATION = True
# Sign-up is open to these email domains only (the organisation's own).
ALLOWED_SIGNUP_DOMAINS = [
    domain.strip().lower().lstrip("@")
    for domain in env.list("ALLOWED_SIGNUP_DOMAINS", default=["example.com"])
    if domain.strip()
]

# https://docs.allauth.org/en/latest/common/configuration.html
# How many proxies stand in front of the app; the client IP used by rate limits
# is read from X-Forwarded-For accordingly. 0 means the app faces clients.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# https://docs.allauth.org/en/latest/mfa/configuration.html
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = ORGANISATION_NAME
# Staff must have two-factor on before the admin area opens. Off by default only
# in development, so the demo logins reach the admin at once.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=not DEBUG)

# Single sign-on through OpenID Connect, enabled when a client id is set.
# https://docs.allauth.org/en/latest/socialaccount/providers/openid_connect.html
OIDC_PROVIDER_ID = env("OIDC_PROVIDER_ID", default="sso")
SOCIALACCOUNT_PROVIDERS: dict = {}
if env("OIDC_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": env("OIDC_NAME", default="Single sign-on"),
                "client_id": env("OIDC_CLIENT_ID"),
                "secret": env("OIDC_CLIENT_SECRET", default=""),
                "settings": {"server_url": env("OIDC_SERVER_URL")},
            }
        ],
    }
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_ONLY = False

# --------------------------------------------------------------------------
# Internationalisation
# --------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
# The first folder wins: locale_overrides/ restates in "tú" the packages' strings
# whose Spanish says "usted" (allauth, the admin, form validation); locale/ is
# what `makemessages` extracts from our own code. Django merges LOCALE_PATHS over
# the installed apps' catalogues.
# https://docs.djangoproject.com/en/stable/topics/i18n/translation/#how-django-discovers-translations
LOCALE_PATHS = [BASE_DIR / "locale_overrides", BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", default="Europe/Madrid")
USE_TZ = True

# --------------------------------------------------------------------------
# Static and media files
# --------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are served by the app itself, with the access rules of the
# pages (wins_net/media.py), in development and production alike. Set
# SERVE_MEDIA=false when a web server or CDN serves MEDIA_URL instead (it then
# applies no access rules of its own); MEDIA_URL may be a full URL for a CDN.
# https://docs.djangoproject.com/en/6.1/ref/settings/#media-url
MEDIA_URL = env("MEDIA_URL", default="media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# A file larger than this is refused as soon as that many bytes of it have
# arrived: the rest of the request is never read (wins_net/uploads.py). A form
# says so and keeps what was typed; anything else answers 413. A phone photo
# is 2–8 MB; 10 MB leaves room for high-quality exports. The proxy in front
# lets through a little more than this and refuses the rest (README).
# https://docs.djangoproject.com/en/6.1/topics/http/file-uploads/#upload-handlers
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "wins_net.uploads.UploadLimitHandler",  # first: it sees every chunk before it is kept
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Files up to this size are kept in memory while the request is read; larger ones
# go to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Everything in a request but its files (a form's text, or a body that is not a
# form): Django refuses more from the Content-Length, before reading it (413).
# Django's default; a win is a few thousand characters.
# https://docs.djangoproject.com/en/6.1/ref/settings/#data-upload-max-memory-size
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A win's photo still "processing" after this many minutes lost its task (a broker
# down when it was posted, a killed worker): `feed.win_images_sweep` queues it again.
# Longer than the task's own retries (about 10 minutes, see feed/tasks.py), so a
# photo that is merely retrying is left alone.
WIN_IMAGE_STUCK_MINUTES = env.int("WIN_IMAGE_STUCK_MINUTES", default=15)
# A photo kept while the composer came back with an error (feed/wins/pending.py)
# waits this long for its win to be posted; then `feed.pending_uploads_sweep`
# deletes it and its files, and the form's token for it stops working too.
PENDING_UPLOAD_MAX_AGE_HOURS = env.int("PENDING_UPLOAD_MAX_AGE_HOURS", default=24)
# A request for consent to publish a highlight that nobody answers expires after
# this many days (expired means no); one reminder goes out halfway. See feed/highlights.py.
CONSENT_EXPIRY_DAYS = env.int("CONSENT_EXPIRY_DAYS", default=14)

# --------------------------------------------------------------------------
# Email
# --------------------------------------------------------------------------
# EMAIL_URL (django-environ's form) is turned into Django 6.1's MAILERS by
# wins_net/mailers.py, which documents the accepted URLs. Development writes
# mail to files under var/mail/, where a person can read it.
# https://docs.djangoproject.com/en/6.1/ref/settings/#mailers
MAILERS = mailers_from_url(
    env(
        "EMAIL_URL",
        default=f"filemail://{BASE_DIR / 'var' / 'mail'}" if DEBUG else "smtp://localhost:25",
    ),
    timeout=env.int("EMAIL_TIMEOUT", default=10),
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{ORGANISATION_NAME} <wins@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --------------------------------------------------------------------------
# Celery
# --------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# Without Redis the broker is kombu's file-system transport: a real worker
# consumes it, as in production, with nothing to install.
BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(BASE_DIR / "var" / "broker")))
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Unacknowledged tasks return to the queue after this many seconds.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
# Results are kept only for the few tasks that ask for them (ignore_result=False).
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=REDIS_URL or f"file://{BASE_DIR / 'var' / 'results'}"
)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
# Publishing must never make a web request hang when the broker is down.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
# Periodic work; each entry calls the same function as a management command.
# https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html
CELERY_BEAT_SCHEDULE: dict = {
    "email-sweep": {
        "task": "feed.emails_sweep",
        "schedule": env.float("EMAIL_SWEEP_SECONDS", default=60.0),
    },
    "summaries-plan": {"task": "feed.summaries_plan", "schedule": 15 * 60.0},
    # A lost photo task is queued again within about 15 to 25 minutes.
    "win-images-sweep": {
        "task": "feed.win_images_sweep",
        "schedule": 10 * 60.0,
        "options": {"expires": 9 * 60},
    },
    # Photos kept for a composer that was never sent again: gone within an hour of expiring.
    "pending-uploads-sweep": {
        "task": "feed.pending_uploads_sweep",
        "schedule": 60 * 60.0,
        "options": {"expires": 55 * 60},
    },
    # Each manager's digest goes out from Monday 08:00 in their own time zone:
    # planning every 15 minutes sends it within a quarter of an hour of that.
    "digests-plan": {"task": "feed.digests_plan", "schedule": 15 * 60.0},
    # Comms' weekly email of highlight candidates: the same Monday 08:00 rule.
    "candidates-plan": {"task": "feed.candidates_plan", "schedule": 15 * 60.0},
    # Consent reminders and expiry are counted in days: hourly is precise enough.
    "consents-remind-and-expire": {
        "task": "feed.consents_remind_and_expire",
        "schedule": 60 * 60.0,
        "options": {"expires": 55 * 60},
    },
}

# --------------------------------------------------------------------------
# Email delivery (feed.notifications.delivery)
# --------------------------------------------------------------------------
# A message is tried this many times, waiting EMAIL_RETRY_SECONDS, then twice
# as long after each failure (60 s base: about an hour in all), then it fails
# for good and shows in the admin with its error.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
EMAIL_RETRY_SECONDS = env.float("EMAIL_RETRY_SECONDS", default=60.0)
# A message left "sending" this long was abandoned by a worker that died; it
# must exceed the send task's time limit (660 s).
EMAIL_SENDING_LEASE_SECONDS = env.int("EMAIL_SENDING_LEASE_SECONDS", default=15 * 60)
# Due messages not picked up after this long are handed to a worker again.
EMAIL_SWEEP_GRACE_SECONDS = env.int("EMAIL_SWEEP_GRACE_SECONDS", default=120)
# The signed addresses of the photos in emails (digest, comms' candidates) stop
# working after this many days; until then each request checks the win is still
# shown to the recipient (wins_net/media.py).
EMAIL_IMAGE_LINK_DAYS = env.int("EMAIL_IMAGE_LINK_DAYS", default=60)

# --------------------------------------------------------------------------
# Security
# --------------------------------------------------------------------------
# Signing in with SSO posts a form to us that redirects to the provider, and
# browsers apply form-action to that redirect: the provider's origin is allowed.
_SSO_ORIGINS = [
    f"{url.scheme}://{url.netloc}"
    for app in SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    for url in [urlsplit(app["settings"]["server_url"])]
]
# https://docs.djangoproject.com/en/6.1/ref/csp/
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, *_SSO_ORIGINS, *env.list("CSP_FORM_ACTION", default=[])],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

HTTPS = env.bool("HTTPS", default=not DEBUG)
if HTTPS:
    # https://docs.djangoproject.com/en/6.1/ref/settings/#secure-proxy-ssl-header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    # Preloading commits a whole registrable domain (hstspreload.org takes apex
    # domains only, and leaving the list takes months), so it is the operator's
    # opt-in; until then the deploy check's reminder (W021) is silenced on purpose.
    # https://hstspreload.org/#deployment-recommendations
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --------------------------------------------------------------------------
# Logging
# --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
