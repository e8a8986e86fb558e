"""
The one Celery app of the project.

Configuration comes from Django's settings (the `CELERY_` prefix) and tasks are
found in each app's `tasks.py`. Periodic work is listed in
`settings.CELERY_BEAT_SCHEDULE`, next to the management command that does the
same job by hand.
"""

from __future__ import annotations

import os

from celery import Celery, Task
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wins_net.settings")

app = Celery("wins_net")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["feed.wins", "feed.notifications", "feed.highlights"])


def task_named(name: str) -> Task:
    """The registered task called `name`.

    A service queues work through this rather than importing its package's
    `tasks` module, which imports the service: tasks sit above services, and
    nothing below imports them. Every `tasks` module is imported when Django
    starts (`feed.apps.FeedConfig.ready`), so the name is always registered.
    """
    return app.tasks[name]


def _make_broker_folders() -> None:
    """The file-system broker needs its folders before the first message."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if key in options:
            os.makedirs(options[key], exist_ok=True)
    if settings.CELERY_RESULT_BACKEND.startswith("file://"):
        os.makedirs(settings.CELERY_RESULT_BACKEND.removeprefix("file://"), exist_ok=True)


@app.on_after_configure.connect
def _on_after_configure(sender: Celery, **kwargs: object) -> None:
    _make_broker_folders()


@app.task(name="wins_net.ping", ignore_result=False)
def ping() -> str:
    """A real task that proves the wiring: a worker answers `pong`."""
    return "pong"
