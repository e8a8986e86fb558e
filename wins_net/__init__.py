"""The Wins project: settings, URLs and the Celery app."""

from wins_net.celery import app as celery_app

__all__ = ["celery_app"]
