"""
`/healthz`: what a load balancer or an operator asks to know whether Wins can serve.

200 when the database answers, 503 when it does not. The broker is reported but
does not fail the check: posting still works while it is away, and the periodic
sweep catches up on what was not queued.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wins_net.celery import app as celery_app

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False
    return True


def broker_ok() -> bool:
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        queue = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return os.path.isdir(queue) and os.access(queue, os.W_OK)
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.warning("Health check: the broker did not answer", exc_info=True)
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_ok()
    broker = broker_ok()
    body = {
        "status": "ok" if database else "error",
        "database": "ok" if database else "error",
        "broker": "ok" if broker else "error",
        "broker_transport": celery_app.conf.broker_url.split("://", 1)[0],
    }
    return JsonResponse(body, status=200 if database else 503)
