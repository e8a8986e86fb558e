from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "feed"
    verbose_name = _("Wins")

    def ready(self) -> None:
        # Imported here, once the models are ready (Django's documented place):
        # - each package's `handlers` registers what it does when something
        #   happens in a lower layer (`wins_net.events`, docs/architecture.md);
        # - `feed.wins.revisions` connects the few receivers for changes made
        #   outside the services (the admin, cascades);
        # - the `tasks` modules register every Celery task (services queue them by name);
        # - each package's `media` says who may get the files of its folder of
        #   MEDIA_ROOT (`wins_net.media`).
        from feed.highlights import handlers as highlights_handlers  # noqa: F401
        from feed.highlights import media as highlights_media  # noqa: F401
        from feed.highlights import tasks as highlights_tasks  # noqa: F401
        from feed.notifications import handlers as notifications_handlers  # noqa: F401
        from feed.notifications import tasks as notifications_tasks  # noqa: F401
        from feed.wins import handlers, revisions, tasks  # noqa: F401
        from feed.wins import media as wins_media  # noqa: F401
