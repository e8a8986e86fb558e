"""Production settings pass Django's deploy checks, and environment variables mean what
the README says (email, sign-up domains, proxies, SSO)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils.deprecation import RemovedInDjango2028Warning

from wins_net.mailers import mailers_from_url

ROOT = Path(__file__).resolve().parents[1]

# What the settings read; anything else of the test run's environment is left out.
_KEEP = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV"}


def _production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key in _KEEP}
    env.update(
        DJANGO_SETTINGS_MODULE="wins_net.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="wins.example.org",
        CSRF_TRUSTED_ORIGINS="https://wins.example.org",
        SITE_URL="https://wins.example.org",
    )
    env.update(overrides)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


_PROBE = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "ACCOUNT_EMAIL_VERIFICATION": s.ACCOUNT_EMAIL_VERIFICATION,
    "ALLOWED_SIGNUP_DOMAINS": s.ALLOWED_SIGNUP_DOMAINS,
    "ALLAUTH_TRUSTED_PROXY_COUNT": s.ALLAUTH_TRUSTED_PROXY_COUNT,
    "MFA_REQUIRED_FOR_STAFF": s.MFA_REQUIRED_FOR_STAFF,
    "SOCIALACCOUNT_PROVIDERS": s.SOCIALACCOUNT_PROVIDERS,
    "FORM_ACTION": [str(source) for source in s.SECURE_CSP["form-action"]],
    "MAILERS": s.MAILERS,
    "SECURE_HSTS_PRELOAD": getattr(s, "SECURE_HSTS_PRELOAD", None),
}))
"""


def _settings_for(**env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT, env=_production_env(**env), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --------------------------------------------------------------------------
# manage.py check --deploy
# --------------------------------------------------------------------------


@pytest.mark.parametrize("preload", ["false", "true"])
def test_deploy_check_finds_nothing_with_production_settings(preload):
    """HTTPS on by default, a long random key, a real host: not one warning."""
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=_production_env(SECURE_HSTS_PRELOAD=preload),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_catches_a_weak_secret_key():
    """The check is real: a short key is reported."""
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_production_env(SECRET_KEY="short")
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_debug_in_production_is_caught():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_production_env(DEBUG="true")
    )

    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


# --------------------------------------------------------------------------
# What the variables mean
# --------------------------------------------------------------------------


def test_production_defaults_are_the_safe_ones():
    found = _settings_for()

    assert found["ACCOUNT_EMAIL_VERIFICATION"] == "mandatory"
    assert found["MFA_REQUIRED_FOR_STAFF"] is True
    assert found["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
    assert found["SOCIALACCOUNT_PROVIDERS"] == {}
    assert found["FORM_ACTION"] == ["'self'"]
    assert found["SECURE_HSTS_PRELOAD"] is False


def test_development_verifies_email_optionally():
    assert _settings_for(DEBUG="true")["ACCOUNT_EMAIL_VERIFICATION"] == "optional"


def test_signup_domains_and_trusted_proxies_come_from_the_environment():
    found = _settings_for(
        ALLOWED_SIGNUP_DOMAINS="Example.COM, @example.es", TRUSTED_PROXY_COUNT="1"
    )

    assert found["ALLOWED_SIGNUP_DOMAINS"] == ["example.com", "example.es"]
    assert found["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1


def test_sso_is_configured_from_the_environment():
    """OIDC_* variables make one OpenID Connect app with PKCE; its origin may receive the
    sign-in form's redirect (CSP form-action)."""
    found = _settings_for(
        OIDC_CLIENT_ID="wins",
        OIDC_CLIENT_SECRET="s3cret",
        OIDC_SERVER_URL="https://login.example.org/realms/example",
        OIDC_PROVIDER_ID="corp",
        OIDC_NAME="Corp SSO",
    )

    oidc = found["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]
    assert oidc["OAUTH_PKCE_ENABLED"] is True
    assert oidc["APPS"] == [
        {
            "provider_id": "corp",
            "name": "Corp SSO",
            "client_id": "wins",
            "secret": "s3cret",
            "settings": {"server_url": "https://login.example.org/realms/example"},
        }
    ]
    assert found["FORM_ACTION"] == ["'self'", "https://login.example.org"]


def test_email_url_reaches_the_settings():
    found = _settings_for(EMAIL_URL="smtp://wins:pw@smtp.example.org:587", EMAIL_TIMEOUT="7")

    options = found["MAILERS"]["default"]["OPTIONS"]
    assert options["host"] == "smtp.example.org"
    assert options["timeout"] == 7


# --------------------------------------------------------------------------
# EMAIL_URL → MAILERS (wins_net/mailers.py)
# --------------------------------------------------------------------------

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_smtp_submission_port_uses_starttls_and_a_timeout():
    mailers = mailers_from_url("smtp://wins%40example.org:p%40ss@smtp.example.org:587", timeout=10)

    assert mailers == {
        "default": {
            "BACKEND": SMTP,
            "OPTIONS": {
                "host": "smtp.example.org",
                "port": 587,
                "username": "wins@example.org",
                "password": "p@ss",
                "use_tls": True,
                "use_ssl": False,
                "timeout": 10,
            },
        }
    }


@pytest.mark.parametrize(
    ("url", "port", "use_tls", "use_ssl"),
    [
        ("smtp://relay.internal:25", 25, False, False),
        ("smtp://relay.internal", None, False, False),  # Django picks 25
        ("smtp://smtp.example.org:465", 465, False, True),
        ("smtp+ssl://smtp.example.org:2465", 2465, False, True),
        ("smtp+tls://smtp.example.org:2525", 2525, True, False),
        ("smtps://smtp.example.org", None, True, False),  # django-environ: smtps is STARTTLS
        ("smtp://relay.internal:25?email_use_tls=true", 25, True, False),
    ],
)
def test_smtp_transport_security(url, port, use_tls, use_ssl):
    options = mailers_from_url(url, timeout=5)["default"]["OPTIONS"]

    assert (options["port"], options["use_tls"], options["use_ssl"]) == (port, use_tls, use_ssl)
    assert options["timeout"] == 5
    assert options["username"] is None
    assert options["password"] is None


def test_console_mail():
    assert mailers_from_url("consolemail://", timeout=10) == {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
    }


def test_file_mail_keeps_the_absolute_folder():
    assert mailers_from_url("filemail:///srv/wins/mail", timeout=10) == {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": "/srv/wins/mail"},
        }
    }


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("smtpx://host", "unknown scheme 'smtpx'"),
        ("filemail://", "needs a folder"),
        ("smtp+tls://host?email_use_ssl=true", "both STARTTLS and implicit TLS"),
        ("smtp://host?email_use_tls=maybe", "true or false"),
        ("smtp://host?colour=blue", "unknown option 'colour'"),
    ],
)
def test_bad_email_urls_say_what_to_fix(url, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        mailers_from_url(url, timeout=10)


@pytest.mark.parametrize(
    "url", ["smtp://u:p@smtp.example.org:587", "consolemail://", "filemail:///tmp/wins-mail"]
)
def test_each_form_builds_a_working_mailer_without_deprecated_apis(url):
    """Django builds each mailer from MAILERS with no RemovedInDjango2028Warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango2028Warning)
        with override_settings(MAILERS=mailers_from_url(url, timeout=10)):
            backend = mail.mailers.default
    assert backend.alias == "default"
    if "smtp" in url:
        assert (backend.host, backend.port, backend.timeout) == ("smtp.example.org", 587, 10)
        assert backend.use_tls is True


def test_no_code_of_ours_uses_the_deprecated_get_connection():
    ours = [
        path
        for folder in ("accounts", "feed", "wins_net")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    ]
    assert [str(path) for path in ours if "get_connection(" in path.read_text()] == []
