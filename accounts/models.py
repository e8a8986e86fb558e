"""
People, teams and reporting lines.

The user is the person: email is the login, `name` is how others see them, and
the profile fields (job title, team, manager, language, time zone, avatar) live
on the same row because every page needs them.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TIME_ZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language, default=Language.ENGLISH
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default=settings.TIME_ZONE
    )
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can sign in to the admin area."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")),
                name="accounts_user_not_own_manager",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"pk": self.pk})

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ", 1)[0]


# --------------------------------------------------------------------------
# Notification preferences
# --------------------------------------------------------------------------
# What happens to people (the bell's lines, `feed.models.Notification`) and how
# often each kind reaches them by email. The delivery itself is `feed.notifications.delivery`.
class NotificationKind(models.TextChoices):
    """What happened to someone, for the bell and for email preferences."""

    REACTION = "reaction", _("Reactions to your wins")
    COMMENT = "comment", _("Comments on your wins")
    MENTION = "mention", _("Mentions of you")
    CREDIT = "credit", _("Credits on a coworker's win")
    CONSENT = "consent", _("Requests for your consent")
    # Only for comms staff: someone approved or declined a highlight they asked about.
    CONSENT_ANSWER = "consent_answer", _("Answers to your consent requests")
    # A public story was taken down with its win (deleted, hidden by moderators,
    # kept for the team): for the people it names and for comms.
    STORY_WITHDRAWN = "story_withdrawn", _("Public stories taken down")
    # A story the person approved was published: they get its public link.
    STORY_PUBLISHED = "story_published", _("Your public stories, once published")


class Cadence(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("In a daily summary")
    WEEKLY = "weekly", _("In a weekly summary")
    NEVER = "never", _("Never")


class EmailPreference(models.Model):
    """How often a person gets one kind of email. No row means the default
    (`feed.notifications.preferences` is the one reader that knows it)."""

    class DigestScope(models.TextChoices):
        DIRECT = "direct", _("My direct reports")
        TREE = "tree", _("Everyone under me")

    # Besides the notification kinds, two emails of their own have a preference:
    # the manager digest and comms' weekly email of highlight candidates. What
    # each kind defaults to, and which cadences it takes, is declared with the
    # kinds of email in `feed.notifications.kinds`.
    DIGEST = "digest"
    CANDIDATES = "candidates"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(_("kind"), max_length=16)
    cadence = models.CharField(_("how often"), max_length=16, choices=Cadence)
    # Only for the digest: whose wins it gathers.
    scope = models.CharField(
        _("whose wins"), max_length=8, choices=DigestScope, default=DigestScope.DIRECT
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="accounts_email_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.cadence}"
