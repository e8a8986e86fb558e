from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "feed"
    verbose_name = _("Wins")

    def ready(self) -> None:
        # Imported for what they register: the receivers that give a win a new
        # revision when its card changes (cards), every Celery task (services
        # queue them by name), the handlers of the events lower layers send
        # (handlers: wins_net.events), and who may get the files of each folder
        # of MEDIA_ROOT (media: wins_net.media).
        from feed.highlights import media as highlights_media  # noqa: F401
        from feed.highlights import tasks as highlights_tasks  # noqa: F401
        from feed.notifications import handlers  # noqa: F401
        from feed.notifications import tasks as notifications_tasks  # noqa: F401
        from feed.wins import cards, tasks  # noqa: F401
        from feed.wins import media as wins_media  # noqa: F401
