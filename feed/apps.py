from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "feed"
    verbose_name = _("Wins")

    def ready(self) -> None:
        # Connects the receivers that give a win a new revision when its card
        # changes, and registers every Celery task (services queue them by name).
        from feed.highlights import tasks as highlights_tasks  # noqa: F401
        from feed.notifications import tasks as notifications_tasks  # noqa: F401
        from feed.wins import cards, tasks  # noqa: F401
