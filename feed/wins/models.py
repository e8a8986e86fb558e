"""
Wins and what people do with them: tags, credits, reactions, comments, reports.

Models stay data-shaped. Who may see what is decided in one place,
`Win.objects.visible_to(user)`; writes go through `feed.wins.services`.
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

from feed.wins.roles import is_moderator

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
        public highlight images all start here (`feed.highlights.selectors`)."""
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
    # `body` as safe HTML (`feed.wins.text.render_body`), written with it by the services:
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
    # Goes up with every change to what the win's card shows (`feed.wins.cards`): a card
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


def win_audience(*, visibility: str, team_id: int | None) -> Q:
    """The people who may see a win with `visibility` posted from the team
    `team_id`, as a filter on users: everyone (an empty `Q`), or that team.

    The one rule for whom a win may credit or @mention: the services refuse
    anyone else (`feed.wins.services`), and the composer suggests nobody else
    (`feed.wins.views.people.autocomplete`), so the form never offers what the
    server refuses. Credited people are told of the win and find it on their
    page, so they must be able to see it.
    """
    if visibility != Win.Visibility.TEAM:
        return Q()
    if team_id is None:
        return Q(pk__in=[])
    return Q(team_id=team_id)


class PendingUpload(models.Model):
    """A photo attached to a composer that came back with an error, kept for its
    owner so that posting again does not lose it (`feed.wins.pending`).

    `image` holds the clean pixels at full size (never the uploaded bytes), and
    `preview` a small WebP the form shows. Both live under the private `pending/`
    folder of MEDIA, served to the owner only (`feed.wins.media`). The row goes
    when the win is posted with it, when its owner removes it, or when the sweep
    finds it older than `settings.PENDING_UPLOAD_MAX_AGE_HOURS`.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="pending_uploads",
    )
    image = models.ImageField(_("image"), upload_to="pending/%Y/%m/")
    preview = models.ImageField(_("preview"), upload_to="pending/%Y/%m/")
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")

    def __str__(self) -> str:
        return f"{self.image.name} of {self.owner_id}"


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
