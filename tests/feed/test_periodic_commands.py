"""Periodic work can be run by hand: every beat entry has a management command.

Each command that runs by hand what a beat entry runs on a schedule names that
entry's task in `beat_task`, calls the same service, and is listed in the
README's Commands table. A new beat entry without its command fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import get_commands, load_command_class

from wins_net.celery import app as celery_app


def project_commands_by_task() -> dict[str, list[str]]:
    """The project's own commands (not Django's or a library's), by the task they stand for."""
    ours = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
    }
    by_task: dict[str, list[str]] = {}
    for name, app_name in get_commands().items():
        if app_name not in ours:
            continue
        task = getattr(load_command_class(app_name, name), "beat_task", None)
        if task:
            by_task.setdefault(task, []).append(name)
    return by_task


def readme_commands() -> str:
    """The README's Commands table."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.django_db  # loading the tasks as a worker does checks the models
def test_every_beat_entry_has_one_command_listed_in_the_readme():
    by_task = project_commands_by_task()
    table = readme_commands()
    celery_app.loader.import_default_modules()  # the apps' tasks.py, as a worker loads them
    assert settings.CELERY_BEAT_SCHEDULE
    for entry_name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        task = entry["task"]
        assert task in celery_app.tasks, f"beat entry {entry_name!r}: no task named {task!r}"
        commands = by_task.get(task, [])
        assert len(commands) == 1, (
            f"beat entry {entry_name!r} ({task}) needs one management command with "
            f"beat_task = {task!r}; found {commands}"
        )
        assert f"| `python manage.py {commands[0]}" in table, (
            f"the README's Commands table does not list `{commands[0]}` ({task})"
        )


def test_every_command_that_stands_for_a_task_has_its_beat_entry():
    """A command keeps naming a task only while beat runs it: no stale pairs."""
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert set(project_commands_by_task()) <= scheduled
