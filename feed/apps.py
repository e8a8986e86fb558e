from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "feed"
    verbose_name = _("Wins")

    def ready(self) -> None:
        # Connects the receivers that give a win a new revision when its card changes.
        from feed import cards  # noqa: F401
