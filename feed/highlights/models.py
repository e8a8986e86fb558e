"""Highlights: wins that comms turn into public stories, with each named person's consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feed.wins.models import Win

# --------------------------------------------------------------------------
# Highlights
# --------------------------------------------------------------------------
# A win that comms turns into a public story. Nothing of it leaves the
# organisation until every person it names has approved exactly what the public
# page will show: each `Consent` keeps that snapshot and its fingerprint, and
# `HighlightEvent` records every step, who took it and when. Every change goes
# through `feed.highlights.services` or `feed.highlights.consents`.
HIGHLIGHT_TITLE_MAX_LENGTH = 120
HIGHLIGHT_TEXT_MAX_LENGTH = 3000
CONSENT_MESSAGE_MAX_LENGTH = 1000
# Where an approved highlight appears. Fixed for now, and stored with every consent
# so that adding a place later cannot stretch what someone already approved.
CONSENT_SCOPE = ["page", "feeds", "share_image"]


def consent_scope() -> list[str]:
    return list(CONSENT_SCOPE)


class Highlight(models.Model):
    """The public version of a win: title, text, image and the people it names."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING = "awaiting", _("Awaiting consent")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECLINED = "declined", _("Declined")

    # A win has at most one highlight in one of these at a time.
    OPEN_STATUSES = (Status.DRAFT, Status.AWAITING, Status.APPROVED, Status.PUBLISHED)

    win = models.ForeignKey(
        Win,
        verbose_name=_("win"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="highlights",
    )
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    title = models.CharField(_("public title"), max_length=HIGHLIGHT_TITLE_MAX_LENGTH)
    text = models.TextField(_("public text"), max_length=HIGHLIGHT_TEXT_MAX_LENGTH)
    # A re-encoded copy of the chosen image, never the win's own file: the win's
    # author may change or delete their photo without touching what was approved.
    image = models.ImageField(_("image"), upload_to="highlights/%Y/%m/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="highlights_proposed",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("highlight")
        verbose_name_plural = _("highlights")
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="feed_highlight_published",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["win"],
                condition=Q(status__in=["draft", "awaiting", "approved", "published"]),
                name="feed_highlight_one_open_per_win",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="feed_highlight_has_title"),
            models.CheckConstraint(
                condition=~Q(image="") | Q(image_alt=""),
                name="feed_highlight_no_alt_without_image",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="feed_highlight_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="feed_highlight_withdrawn_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class HighlightSlug(models.Model):
    """An address a highlight was public at before a new title moved it.

    Kept for good, so shared links keep working: it answers 301 to the
    highlight's current address while it is published, 410 when it is not.
    No other highlight ever gets it (`feed.highlights.slugs.unique_slug`).
    """

    highlight = models.ForeignKey(
        Highlight,
        verbose_name=_("highlight"),
        on_delete=models.CASCADE,
        related_name="past_slugs",
    )
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    retired_at = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        ordering = ["-retired_at", "-id"]
        verbose_name = _("past address of a highlight")
        verbose_name_plural = _("past addresses of highlights")

    def __str__(self) -> str:
        return self.slug


class HighlightPerson(models.Model):
    """Someone a highlight names, and how their name appears in public."""

    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        CREDITED = "credited", _("Credited")
        NAMED = "named", _("Named in the text")

    highlight = models.ForeignKey(Highlight, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="highlight_roles",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role)
    public_name = models.CharField(_("name in public"), max_length=200)

    class Meta:
        ordering = ["highlight", "role", "id"]  # the author first
        verbose_name = _("person named")
        verbose_name_plural = _("people named")
        constraints = [
            models.UniqueConstraint(
                fields=["highlight", "user"], name="feed_highlight_person_once"
            ),
            models.UniqueConstraint(
                fields=["highlight"],
                condition=Q(role="author"),
                name="feed_highlight_one_author",
            ),
            models.CheckConstraint(
                condition=~Q(public_name=""), name="feed_highlight_person_has_name"
            ),
        ]

    def __str__(self) -> str:
        return self.public_name


class Consent(models.Model):
    """One person asked once: exactly what they were shown, and their answer.

    The snapshot fields hold what the public page would show at the moment of
    asking, and `fingerprint` is the SHA-256 of their canonical JSON
    (`feed.highlights.snapshots.consent_fingerprint`): an approval counts only
    while the highlight still has that fingerprint for that person.
    """

    class Answer(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired without an answer")
        SUPERSEDED = "superseded", _("Replaced or no longer needed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    highlight = models.ForeignKey(Highlight, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person asked"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="consents_asked",
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=16, choices=Answer, default=Answer.PENDING)
    message = models.TextField(_("message to comms"), max_length=CONSENT_MESSAGE_MAX_LENGTH,
                               blank=True)  # fmt: skip

    # What the person was shown.
    title = models.CharField(_("public title"), max_length=HIGHLIGHT_TITLE_MAX_LENGTH)
    text = models.TextField(_("public text"), max_length=HIGHLIGHT_TEXT_MAX_LENGTH)
    image = models.CharField(_("image"), max_length=255, blank=True)
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    public_name = models.CharField(_("name in public"), max_length=200)
    scope = models.JSONField(_("where it appears"), default=consent_scope)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            models.Index(
                fields=["expires_at"], condition=Q(answer="pending"), name="feed_consent_pending"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["highlight", "person"],
                condition=Q(answer="pending"),
                name="feed_consent_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("asked_at")),
                name="feed_consent_expires_after_asked",
            ),
            models.CheckConstraint(
                condition=~Q(answer="pending")
                | Q(answered_at__isnull=True, closed_at__isnull=True),
                name="feed_consent_pending_unanswered",
            ),
            models.CheckConstraint(
                condition=~Q(answer__in=["approved", "declined"]) | Q(answered_at__isnull=False),
                name="feed_consent_answer_has_date",
            ),
            models.CheckConstraint(
                condition=Q(answer__in=["pending", "approved"]) | Q(closed_at__isnull=False),
                name="feed_consent_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(fingerprint__regex=r"^[0-9a-f]{64}$"),
                name="feed_consent_fingerprint_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_name}: {self.get_answer_display()}"


class HighlightEvent(models.Model):
    """One step in a highlight's life, written by the service that took it. Append-only."""

    class Action(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        EDITED = "edited", _("Edited")
        CONSENT_ASKED = "consent_asked", _("Consent asked")
        CONSENT_APPROVED = "consent_approved", _("Consent given")
        CONSENT_DECLINED = "consent_declined", _("Consent declined")
        CONSENT_REMINDED = "consent_reminded", _("Reminder sent")
        CONSENT_EXPIRED = "consent_expired", _("Consent request expired")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        APPROVED = "approved", _("Approved by everyone")
        DECLINED = "declined", _("Declined")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    highlight = models.ForeignKey(Highlight, on_delete=models.CASCADE, related_name="events")
    # None for what the system did by itself (a reminder, an expiry).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=32, choices=Action)
    from_status = models.CharField(_("from"), max_length=16, choices=Highlight.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Highlight.Status, blank=True)
    note = models.TextField(_("note"), max_length=CONSENT_MESSAGE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("highlight event")
        verbose_name_plural = _("highlight events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"


class CurationCandidate(Win):
    """A win as comms see it in the curation queue of the admin area."""

    class Meta:
        proxy = True
        verbose_name = _("highlight candidate")
        verbose_name_plural = _("highlight candidates")


class HighlightView(models.Model):
    """How many times a published highlight's page was read on one day.

    A counter and nothing else: no cookie, no address, no browser, so counting
    says nothing about who read it.
    """

    highlight = models.ForeignKey(
        Highlight, verbose_name=_("highlight"), on_delete=models.CASCADE, related_name="views"
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("highlight views on a day")
        verbose_name_plural = _("highlight views per day")
        constraints = [
            models.UniqueConstraint(fields=["highlight", "day"], name="feed_highlight_view_day"),
        ]

    def __str__(self) -> str:
        return f"{self.highlight_id} {self.day}: {self.count}"
