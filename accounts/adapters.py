"""
allauth customised through its adapters, as allauth intends.

Sign-up is open only to the organisation's email domains, both for the email
form and for single sign-on, whose sign-up skips the form's checks. A person
adding an address to their account gets neither an outside address nor one
that is already someone else's. Whoever signs in is answered in their own
language from that moment on.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import email_domain_allowed, email_owned_by_another

# allauth passes the address of a password reset through `clean_email` too. The
# domain rule is about who may *get* an account: people already in Wins (imported
# by IT, or from a domain since removed) must still be able to reset a password.
DOMAIN_RULE_EXEMPT_VIEWS = frozenset({"account_reset_password"})
# Where a signed-in person adds an address to their own account.
ADD_EMAIL_VIEWS = frozenset({"account_email"})


def _exempt_from_domain_rule() -> bool:
    match = getattr(context.request, "resolver_match", None)
    return match is not None and match.url_name in DOMAIN_RULE_EXEMPT_VIEWS


def _adding_to_own_account() -> bool:
    request = context.request
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return (
        match is not None
        and match.url_name in ADD_EMAIL_VIEWS
        and user is not None
        and user.is_authenticated
    )


def _refusal() -> str:
    return _(
        "Sign-up is open only to addresses of %(domains)s. "
        "Use your work email, or ask IT to invite you."
    ) % {"domains": ", ".join(settings.ALLOWED_SIGNUP_DOMAINS)}


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """Refuse addresses outside the organisation's domains, and on one's own
        account the addresses of other people.

        allauth calls this for sign-up (by form and by SSO) and for adding an
        address to an account, so neither path leads to an outside address.
        allauth would add someone else's address as unverified (so as not to
        say it exists): it could then never be made primary, but it would
        squat the address and mail its owner a confirmation for a stranger's
        account. Coworkers' addresses are no secret inside the organisation,
        so the person is simply told.
        """
        email = super().clean_email(email)
        if not email_domain_allowed(email) and not _exempt_from_domain_rule():
            raise forms.ValidationError(_refusal(), code="domain_not_allowed")
        if _adding_to_own_account() and email_owned_by_another(
            email=email, user=context.request.user
        ):
            raise forms.ValidationError(
                _("That address belongs to someone else. Add an address of your own."),
                code="email_of_another",
            )
        return email

    def login(self, request: HttpRequest, user: User) -> None:
        """Sign in, then speak the person's saved language for the rest of the request.

        The request came in anonymous, in the browser's language; allauth writes
        "Signed in as …" right after this, and the next pages speak the saved
        language (accounts.middleware.UserPreferencesMiddleware), so the message
        must too.
        """
        super().login(request, user)
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = getattr(request, "LANGUAGE_CODE", user.language)[:2]
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        """Only people whose SSO address is in an allowed domain get an account.

        A refusal ends on allauth's "sign-up closed" page, with the reason above it.
        """
        email = sociallogin.user.email or ""
        if not email_domain_allowed(email):
            messages.error(request, _refusal(), fail_silently=True)
            return False
        return super().is_open_for_signup(request, sociallogin)

    def populate_user(self, request: HttpRequest, sociallogin, data: dict):
        """A person who arrives by SSO starts with the name and language they came with."""
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        user.name = name.strip()[: User._meta.get_field("name").max_length]
        user.language = getattr(request, "LANGUAGE_CODE", user.language)[:2]
        return user
