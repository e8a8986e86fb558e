"""
allauth customised through its adapters, as allauth intends.

Sign-up is open only to the organisation's email domains, both for the email
form and for single sign-on, whose sign-up skips the form's checks.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.selectors import email_domain_allowed


def _refusal() -> str:
    return _(
        "Sign-up is open only to addresses of %(domains)s. "
        "Use your work email, or ask IT to invite you."
    ) % {"domains": ", ".join(settings.ALLOWED_SIGNUP_DOMAINS)}


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            raise forms.ValidationError(_refusal(), code="domain_not_allowed")
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = getattr(request, "LANGUAGE_CODE", user.language)[:2]
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        email = sociallogin.user.email or ""
        if not email_domain_allowed(email):
            from django.contrib import messages

            messages.error(request, _refusal())
            return False
        return super().is_open_for_signup(request, sociallogin)
