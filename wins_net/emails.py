"""
Every email Wins sends is built and sent here.

A message is a template triple under `templates/emails/<template>/`:
`subject.txt` (one line; line breaks are folded), `body.txt` and `body.html`
(simple markup, inline CSS only, because mail clients drop style sheets).
`email_render` renders the three in the recipient's language and time zone, so
dates and text read as the person expects whoever triggered the message;
`email_send` hands the message to Django 6.1's default mailer (`MAILERS`).

The text templates should wrap their content in `{% autoescape off %}`: a name
like "O'Neill" must not arrive as "O&#x27;Neill". The HTML body stays escaped.

Every template gets `recipient`, `SITE_URL` and `ORGANISATION_NAME`, plus the
caller's context. Links in emails must be absolute: `wins_net.links.absolute_url`.
"""

from __future__ import annotations

import email.policy
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.utils import timezone, translation

if TYPE_CHECKING:
    from accounts.models import User


# Headers whose value is a URL (RFC 2369). A URL has no space to fold at, so
# Python's email package would turn one longer than a line into RFC 2047
# "encoded words", which mail clients do not read as a URL (and Gmail's one-click
# unsubscribe then ignores). They are written on one line instead: RFC 5322
# allows 998 characters, far more than a signed unsubscribe link needs.
URL_HEADERS = {"list-unsubscribe"}


class _UrlHeadersOnOneLine(email.policy.EmailPolicy):
    def fold(self, name: str, value: str) -> str:
        if name.lower() in URL_HEADERS:
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() in URL_HEADERS:
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


class Message(EmailMultiAlternatives):
    """A multipart email whose URL headers survive serialisation (`URL_HEADERS`)."""

    def message(self, *, policy=email.policy.default):
        # The backends pass a policy (SMTP's uses CRLF); keep its settings, add ours.
        return super().message(policy=_UrlHeadersOnOneLine(**policy.__dict__))


def email_render(
    *,
    template: str,
    to: User,
    context: dict | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Render `emails/<template>/` for `to`, in their language and time zone.

    Returns an unsent multipart message (text, with an HTML alternative)
    addressed to `to.email`, from DEFAULT_FROM_EMAIL. `headers` are added as is
    (for example List-Unsubscribe). Raises TemplateDoesNotExist for a missing
    template, so a typo fails loudly in tests rather than sending half a message.
    """
    full_context = {
        "recipient": to,
        "SITE_URL": settings.SITE_URL,
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        **(context or {}),
    }
    with translation.override(to.language), timezone.override(to.time_zone):
        subject = render_to_string(f"emails/{template}/subject.txt", full_context)
        text = render_to_string(f"emails/{template}/body.txt", full_context)
        html = render_to_string(f"emails/{template}/body.html", full_context)
    message = Message(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def email_send(*, message: EmailMultiAlternatives) -> int:
    """Send `message` through the default mailer; returns how many were sent (0 or 1).

    Errors of the mail server propagate, so the calling task can retry.
    """
    return mailers.default.send_messages([message])
