"""
Wins and what people do with them: tags, credits, reactions, comments, reports.

Models stay data-shaped. Who may see what is decided in one place,
`Win.objects.visible_to(user)`; writes go through `feed.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind
from feed.roles import is_moderator

# Long enough for a paragraph and a link, short enough to post in thirty seconds.
WIN_BODY_MAX_LENGTH = 1000
COMMENT_BODY_MAX_LENGTH = 1000
# What moderators write when hiding a win or a comment.
HIDDEN_REASON_MAX_LENGTH = 250


class Tag(models.Model):
    """A topic (`#onboarding`) or one of the organisation's values, offered in the composer."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    is_value = models.BooleanField(
        _("organisation value"),
        default=False,
        help_text=_("Offered to everyone when posting a win."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(Lower("name"), name="feed_tag_name_ci_unique")]

    def __str__(self) -> str:
        return f"#{self.name}"


class WinQuerySet(models.QuerySet):
    def visible_to(self, user) -> WinQuerySet:
        """The wins `user` may see, anywhere in the product.

        Signed-in, active people see wins for everyone, team-only wins of their
        own team, and their own wins. Hidden (moderated) wins are left out except
        for moderators (`is_moderator`) and their author, who sees why. Anonymous
        visitors see nothing.
        """
        if not (user.is_authenticated and user.is_active):
            return self.none()
        shared = Q(visibility=Win.Visibility.EVERYONE)
        if user.team_id:
            shared |= Q(visibility=Win.Visibility.TEAM, team_id=user.team_id)
        if not is_moderator(user):
            shared &= Q(is_hidden=False)
        return self.filter(shared | Q(author_id=user.pk))

    def publishable(self) -> WinQuerySet:
        """The wins that may be, or stay, a public story: wins for everyone that
        moderators have not hidden. The curation queue, the candidates email,
        proposing and publishing a highlight, the public pages and feeds and the
        public highlight images all start here (`feed.highlight_selectors`)."""
        return self.filter(visibility=Win.Visibility.EVERYONE, is_hidden=False)


class Win(models.Model):
    class Visibility(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        TEAM = "team", _("My team only")

    class ImageStatus(models.TextChoices):
        NONE = "", _("No image")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="wins",
    )
    body = models.TextField(_("text"), max_length=WIN_BODY_MAX_LENGTH)
    # `body` as safe HTML (`feed.text.render_body`), written with it by the services:
    # a page of cards shows stored text instead of rendering every body at every view.
    # Mentions are linked when shown, as they carry people's names.
    body_html = models.TextField(blank=True, default="", editable=False)
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=Visibility, default=Visibility.EVERYONE
    )
    # The author's team when posting: a team-only win stays with that team.
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wins",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="wins")
    credited = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("credited people"),
        through="Credit",
        blank=True,
        related_name="credited_wins",
    )

    image = models.ImageField(
        _("image"), upload_to="wins/%Y/%m/", blank=True, width_field="image_width",
        height_field="image_height",
    )  # fmt: skip
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="wins/%Y/%m/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    image_status = models.CharField(
        _("image status"), max_length=16, choices=ImageStatus, default=ImageStatus.NONE,
        blank=True,
    )  # fmt: skip

    # Counters kept by the services with F() expressions, so lists need no aggregation.
    reaction_count = models.PositiveIntegerField(_("reactions"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)

    is_hidden = models.BooleanField(_("hidden by moderators"), default=False)
    hidden_reason = models.CharField(
        _("reason for hiding"), max_length=HIDDEN_REASON_MAX_LENGTH, blank=True
    )
    # Goes up with every change to what the win's card shows (`feed.cards`): a card
    # cached under an older revision is never looked up again.
    revision = models.PositiveIntegerField(default=0, editable=False)

    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=False)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # PostgreSQL full-text search (English and Spanish); unused on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = WinQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("win")
        verbose_name_plural = _("wins")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="feed_win_recent"),
            models.Index(fields=["team", "-created_at", "-id"], name="feed_win_team_recent"),
            models.Index(fields=["author", "-created_at", "-id"], name="feed_win_author_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="team") | Q(team__isnull=False),
                name="feed_win_team_only_has_team",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return reverse("feed:win_detail", kwargs={"pk": self.pk})


class Credit(models.Model):
    """A coworker credited on a win ("with Ana and Luis")."""

    win = models.ForeignKey(Win, on_delete=models.CASCADE, related_name="credits")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credits"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        constraints = [
            models.UniqueConstraint(fields=["win", "user"], name="feed_credit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.win_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        CLAP = "clap", _("Applause")
        CELEBRATE = "celebrate", _("Celebrate")
        INSIGHTFUL = "insightful", _("Insightful")
        LOVE = "love", _("Love")

    win = models.ForeignKey(Win, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(_("reaction"), max_length=16, choices=Kind)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["win", "user", "kind"], name="feed_reaction_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user} on {self.win_id}"


class Comment(models.Model):
    win = models.ForeignKey(Win, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    body = models.TextField(_("comment"), max_length=COMMENT_BODY_MAX_LENGTH)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in_comments"
    )
    is_hidden = models.BooleanField(_("hidden by moderators"), default=False)
    hidden_reason = models.CharField(
        _("reason for hiding"), max_length=HIDDEN_REASON_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["win", "created_at"], name="feed_comment_win_time")]

    def __str__(self) -> str:
        return self.body[:60]


class Report(models.Model):
    """Someone flagged a win or a comment for the moderators."""

    class Reason(models.TextChoices):
        INAPPROPRIATE = "inappropriate", _("Inappropriate or offensive")
        CONFIDENTIAL = "confidential", _("Shares confidential information")
        INACCURATE = "inaccurate", _("Not accurate")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HIDDEN = "hidden", _("Content hidden")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    win = models.ForeignKey(
        Win, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=32, choices=Reason)
    note = models.CharField(_("details"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_resolved",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(win__isnull=False, comment__isnull=True)
                | Q(win__isnull=True, comment__isnull=False),
                name="feed_report_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "win"],
                condition=Q(status="open", win__isnull=False),
                name="feed_report_open_win_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(status="open", comment__isnull=False),
                name="feed_report_open_comment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.get_status_display()})"


# --------------------------------------------------------------------------
# Notifications and outgoing email
# --------------------------------------------------------------------------
# A `Notification` is the line in the bell's list ("Ana and 4 others reacted to
# your win"). An `Email` is one message that is due: recipient, kind and period
# are unique together, so a message can be recorded once and only once, and its
# state says how far its delivery got (see `feed.delivery`). How often each
# kind reaches someone by email is `accounts.models.EmailPreference`.
class Notification(models.Model):
    """One line in a person's notifications.

    Reactions to a win are grouped while unread: one row per win, with the
    people who reacted in `actors` and the latest of them in `actor`.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    actors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    actor_count = models.PositiveIntegerField(_("people"), default=1)
    win = models.ForeignKey(
        "feed.Win", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "feed.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    highlight = models.ForeignKey(
        "feed.Highlight", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The latest activity: a new reaction on a grouped row moves it to the top.
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-updated_at", "-id"], name="notif_recipient_recent"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notif_recipient_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "win"],
                condition=Q(kind="reaction", read_at__isnull=True),
                name="notif_one_unread_reaction_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Email(models.Model):
    """One email that is due, recorded with what caused it.

    `(recipient, kind, period)` is unique: the period names what the message is
    about (a notification and its count, a day, an ISO week), so recording it a
    second time is impossible whatever runs twice. The delivery moves `state`
    from pending to sending to sent, or back to pending with a later
    `next_attempt_at` after an error, until `attempts` reaches the cap: failed.
    """

    class Kind(models.TextChoices):
        REACTION = "reaction", _("Reaction")
        COMMENT = "comment", _("Comment")
        MENTION = "mention", _("Mention")
        CREDIT = "credit", _("Credit")
        CONSENT = "consent", _("Consent request")
        CONSENT_ANSWER = "consent_answer", _("Answer to a consent request")
        STORY_WITHDRAWN = "story_withdrawn", _("Public story taken down")
        CANDIDATES = "candidates", _("Highlight candidates")
        DAILY_SUMMARY = "daily", _("Daily summary")
        WEEKLY_SUMMARY = "weekly", _("Weekly summary")
        DIGEST = "digest", _("Manager digest")
        # To a person IT added (`import_people`): choose a password and join.
        INVITATION = "invitation", _("Invitation to join")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not needed any more")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="emails",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    period = models.CharField(_("period"), max_length=40)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # Who is sending it and since when: the Celery task's id and the time it
    # claimed the row. A row left `sending` longer than the lease is abandoned.
    claimed_by = models.CharField(max_length=64, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    queued_at = models.DateTimeField(_("handed to a worker"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"], name="notif_email_once_per_period"
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="notif_email_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} to {self.recipient_id}"


# --------------------------------------------------------------------------
# Highlights
# --------------------------------------------------------------------------
# A win that comms turns into a public story. Nothing of it leaves the
# organisation until every person it names has approved exactly what the public
# page will show: each `Consent` keeps that snapshot and its fingerprint, and
# `HighlightEvent` records every step, who took it and when. Every change goes
# through `feed.highlights`.
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
    No other highlight ever gets it (`feed.highlights._unique_slug`).
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
    (`feed.highlights.consent_fingerprint`): an approval counts only while the
    highlight still has that fingerprint for that person.
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
