"""
`EMAIL_URL` turned into Django's `MAILERS` setting.

django-environ parses the URL into the old `EMAIL_*` settings, which Django 6.1
deprecates in favour of `MAILERS` (each mailer a backend and its `OPTIONS`).
This module does that translation in one tested place, so that `settings.py`
stays declarative and no mail goes through the deprecated connection helper
or `EMAIL_*` settings.

Accepted forms:
- `smtp://user:password@host:587`: SMTP. Port 587 (submission) speaks STARTTLS
  and port 465 implicit TLS, so credentials never cross the network in clear;
  `smtp+tls://` and `smtp+ssl://` (or `smtps://`) choose explicitly on any port.
- `consolemail://`: messages printed to standard output.
- `filemail:///absolute/path`: one file per message in that folder.
- `memorymail://`, `dummymail://`: kept in memory, or dropped.

https://docs.djangoproject.com/en/6.1/ref/settings/#mailers
https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
"""

from __future__ import annotations

from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

# Ports whose transport security is fixed by convention (RFC 8314, RFC 6409).
STARTTLS_PORT = 587
IMPLICIT_TLS_PORT = 465

# SMTP options that may be given in the URL's query string, e.g. `?ssl_certfile=/path`.
SMTP_QUERY_OPTIONS = {"ssl_certfile", "ssl_keyfile"}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def mailers_from_url(url: str, *, timeout: int) -> dict:
    """The `MAILERS` setting for `url`: one `default` mailer.

    `timeout` (seconds) bounds every SMTP connection, so a slow mail server
    cannot hang a worker. Raises ImproperlyConfigured, naming what to fix,
    for a scheme or option it does not know.
    """
    try:
        config = environ.Env.email_url_config(url)
    except ImproperlyConfigured as error:
        scheme = urlsplit(url).scheme
        raise ImproperlyConfigured(
            f"EMAIL_URL has an unknown scheme {scheme!r}: use smtp://, smtp+tls://, "
            "smtp+ssl://, consolemail:// or filemail:///path."
        ) from error
    backend = config["EMAIL_BACKEND"]
    if backend == SMTP_BACKEND:
        options = _smtp_options(config, timeout=timeout)
    elif backend == FILE_BACKEND:
        if not config["EMAIL_FILE_PATH"]:
            raise ImproperlyConfigured(
                "EMAIL_URL filemail:// needs a folder: filemail:///absolute/path"
            )
        options = {"file_path": "/" + config["EMAIL_FILE_PATH"].lstrip("/")}
    else:
        options = {}
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


def _smtp_options(config: dict, *, timeout: int) -> dict:
    port = config["EMAIL_PORT"] or None
    use_tls = _flag(config.get("EMAIL_USE_TLS", False))
    use_ssl = _flag(config.get("EMAIL_USE_SSL", False))
    if not (use_tls or use_ssl):
        use_tls = port == STARTTLS_PORT
        use_ssl = port == IMPLICIT_TLS_PORT
    if use_tls and use_ssl:
        raise ImproperlyConfigured(
            "EMAIL_URL asks for both STARTTLS and implicit TLS: choose smtp+tls:// or smtp+ssl://."
        )
    options = {
        "host": config["EMAIL_HOST"] or "localhost",
        "port": port,  # None: Django picks 25, 587 or 465 from the TLS mode
        "username": config["EMAIL_HOST_USER"] or None,
        "password": config["EMAIL_HOST_PASSWORD"] or None,
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": timeout,
    }
    for name, value in config.get("OPTIONS", {}).items():
        if name.lower() not in SMTP_QUERY_OPTIONS:
            raise ImproperlyConfigured(
                f"EMAIL_URL has an unknown option {name.lower()!r}; "
                f"known: {', '.join(sorted(SMTP_QUERY_OPTIONS))}."
            )
        options[name.lower()] = str(value)
    return options


def _flag(value: object) -> bool:
    """django-environ leaves `?email_use_tls=false` as a string: read it as a boolean."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ImproperlyConfigured(f"EMAIL_URL has {value!r} where true or false was expected.")
