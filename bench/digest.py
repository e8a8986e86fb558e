"""
Digest benchmark: how fast do the weekly digests of 1,000 managers go out, and
does memory stay flat while they do?

Run with `make bench` (or `.venv/bin/python bench/digest.py`); never part of the
tests. About a minute the first time (seeding), less after.

1. Creates and migrates the benchmark database, then seeds it (once; a second
   run finds it there): MANAGERS managers in 50 teams under 10 directors, each
   with REPORTS people who posted WINS wins in ISO week 2026-W47 (a third with a
   picture, half crediting a teammate, one in ten team-only) and one the week
   before. The directors' people (the managers) posted nothing: they are the
   "nothing to say" case.
2. Starts an SMTP sink (aiosmtpd, in a process of its own, counting what it
   receives and dropping it) on 127.0.0.1.
3. The real path, as beat runs it on Monday 23 November 2026 at 16:00 UTC:
   `feed.notifications.digests.digests_plan` plans every manager in chunks and
   records the rows; each chunk's rows are handed over in batches of
   `ledger.BATCH_SIZE` to `feed.notifications.tasks.emails_send`, run in this process
   (Celery eager), which claims each row, builds the digest (`digest_build`,
   rendered in the manager's language) and sends it over one SMTP connection
   per batch.
4. The floor: the same number of messages, rendered beforehand, sent by a
   plain loop over one SMTP connection.
5. Prints messages per second for both, their ratio, the SQL queries per
   digest, and the resident memory after each chunk of managers: flat memory
   means the same figure after the first chunk as after the last.

The rounds alternate (real, floor, real, floor, ...) and the digest rows are
deleted between rounds, so every round sends the same 1,000 messages. The sink,
the sender and PostgreSQL share the machine: compare the ratio, and absolute
numbers only between runs on one machine.

Settings (environment): BENCH_DIGEST_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/wins_bench_digest), BENCH_MANAGERS (1000),
BENCH_REPORTS (5), BENCH_WINS (2 per person), BENCH_ROUNDS (3), BENCH_SMTP_PORT
(8825), BENCH_SKIP_SEED=1 to reuse the database as it is.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only host this script sends mail to

DATABASE_URL = os.environ.get(
    "BENCH_DIGEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wins_bench_digest"
)
MANAGERS = int(os.environ.get("BENCH_MANAGERS", "1000"))
REPORTS = int(os.environ.get("BENCH_REPORTS", "5"))
WINS = int(os.environ.get("BENCH_WINS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT", "8825"))

TEAMS = 50
DIRECTORS = 10
EMAIL_DOMAIN = "bench.example.com"
# Beat's run: Monday 23 November 2026, 16:00 UTC, when every manager's Monday
# 08:00 has passed (Madrid and Mexico City alike). The week covered: 2026-W47.
NOW = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
WEEK_START = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
ZONES = ["Europe/Madrid", "America/Mexico_City", "Europe/London"]


def environment() -> dict[str, str]:
    """Production-like settings: DEBUG off (no query log kept), mail to the sink."""
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "false",
        "HTTPS": "false",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "EMAIL_URL": f"smtp://{HOST}:{SMTP_PORT}",
        "SITE_URL": "https://wins.example.org",
        "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "wins_net.settings",
    }


def setup_django() -> None:
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------
def create_database() -> None:
    """Create the benchmark database when it does not exist yet."""
    import psycopg

    url = urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            print(f"Creating database {name}", flush=True)
            connection.execute(f'CREATE DATABASE "{name}"')


def seed() -> None:
    """The organisation, once: directors, managers, their people and their wins."""
    setup_django()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import Team, User
    from feed.wins.models import Credit, Win

    call_command("migrate", "--no-input", "-v", "0")
    call_command("createcachetable")
    if User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() >= MANAGERS * (REPORTS + 1):
        print("Seed: already there", flush=True)
        return
    started = time.monotonic()
    password = make_password(None)
    with transaction.atomic():
        Team.objects.bulk_create(
            [Team(name=f"Bench team {n}") for n in range(TEAMS)], ignore_conflicts=True
        )
        teams = list(Team.objects.filter(name__startswith="Bench team ").order_by("pk"))
        directors = User.objects.bulk_create(
            User(
                email=f"director{n}@{EMAIL_DOMAIN}",
                name=f"Director {n}",
                team=teams[n % TEAMS],
                password=password,
                language="es" if n % 2 else "en",
            )
            for n in range(DIRECTORS)
        )
        managers = User.objects.bulk_create(
            (
                User(
                    email=f"manager{n}@{EMAIL_DOMAIN}",
                    name=f"Manager {n}",
                    job_title="Team lead",
                    team=teams[n % TEAMS],
                    manager=directors[n % DIRECTORS],
                    password=password,
                    language="es" if n % 2 else "en",
                    time_zone=ZONES[n % len(ZONES)],
                )
                for n in range(MANAGERS)
            ),
            batch_size=2000,
        )
        people = User.objects.bulk_create(
            (
                User(
                    email=f"person{m}-{r}@{EMAIL_DOMAIN}",
                    name=f"Person {r} of team {m}",
                    job_title="Specialist",
                    team=manager.team,
                    manager=manager,
                    password=password,
                    language="es" if r % 2 else "en",
                    time_zone=manager.time_zone,
                )
                for m, manager in enumerate(managers)
                for r in range(REPORTS)
            ),
            batch_size=2000,
        )
        wins = []
        for n, person in enumerate(people):
            for w in range(WINS + 1):
                # WINS wins in 2026-W47, spread over its days, and one the week before.
                when = WEEK_START + timedelta(hours=(n * 7 + w * 31) % 150)
                if w == WINS:
                    when -= timedelta(days=7)
                photo = (n + w) % 3 == 0
                wins.append(
                    Win(
                        author=person,
                        team_id=person.team_id,
                        body=(
                            f"Win {w} of {person.name}: closed a tricky case for a customer "
                            "and wrote down how, so the next one takes minutes. #soporte"
                        ),
                        visibility="team" if (n + w) % 10 == 0 else "everyone",
                        created_at=when,
                        reaction_count=(n * 3 + w) % 9,
                        comment_count=(n + w) % 4,
                        image=f"wins/2026/11/bench-{n}-{w}.webp" if photo else "",
                        thumbnail=f"wins/2026/11/bench-{n}-{w}-thumb.webp" if photo else "",
                        image_width=1200 if photo else None,
                        image_height=800 if photo else None,
                        image_status="ready" if photo else "",
                    )
                )
        wins = Win.objects.bulk_create(wins, batch_size=2000)
        credits = []
        for n, win in enumerate(wins):
            if n % 2 == 0:
                mate = people[(n // (WINS + 1)) // REPORTS * REPORTS + (n + 1) % REPORTS]
                if mate.pk != win.author_id:
                    credits.append(Credit(win=win, user=mate))
        Credit.objects.bulk_create(credits, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Seed: {len(directors)} directors, {len(managers)} managers, {len(people)} people, "
        f"{len(wins)} wins, {len(credits)} credits ({time.monotonic() - started:.1f} s)",
        flush=True,
    )


# --------------------------------------------------------------------------
# The SMTP sink
# --------------------------------------------------------------------------
def sink(port: int) -> None:
    """An SMTP server that accepts everything and keeps a count; prints it on SIGTERM."""
    from aiosmtpd.controller import Controller

    class Counting:
        received = 0

        async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
            Counting.received += 1
            return "250 OK"

    controller = Controller(Counting(), hostname=HOST, port=port)
    controller.start()
    print(f"sink listening on {HOST}:{port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    print(f"sink received {Counting.received}", flush=True)


def start_sink() -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, __file__, "--sink", str(SMTP_PORT)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    line = process.stdout.readline()
    if "listening" not in line:
        raise SystemExit(f"The SMTP sink did not start: {line!r}")
    return process


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------
def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


@dataclass
class Round:
    seconds: float
    sent: int
    queries: int = 0
    memory: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.sent / self.seconds


def real_round() -> Round:
    """Plan and send every digest as beat and the workers would, in this process."""
    from django.db import connection
    from django.db.models import Count

    from feed.notifications.digests import digests_plan
    from feed.notifications.models import Email

    Email.objects.filter(kind=Email.Kind.DIGEST).delete()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    memory: list[float] = []
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        plans = digests_plan(now=NOW, progress=lambda done, total: memory.append(rss_mb()))
    seconds = time.perf_counter() - started
    sent = Email.objects.filter(kind=Email.Kind.DIGEST, state=Email.State.SENT).count()
    if sent != len(plans):
        states = dict(
            Email.objects.filter(kind=Email.Kind.DIGEST)
            .values_list("state")
            .annotate(n=Count("pk"))
        )
        raise SystemExit(f"{len(plans)} digests planned but {sent} sent: {states}")
    return Round(seconds=seconds, sent=sent, queries=queries, memory=memory)


def render_all() -> list:
    """Every digest of the week, rendered (not timed): the floor's messages."""
    from feed.notifications.emails import message_build
    from feed.notifications.models import Email

    rows = Email.objects.filter(kind=Email.Kind.DIGEST).select_related("recipient").order_by("pk")
    return [message_build(email=row) for row in rows.iterator(chunk_size=500)]


def floor_round(messages: list) -> Round:
    """The same messages, already rendered, sent by a plain loop over one connection."""
    from django.core.mail import mailers

    connection = mailers.default
    started = time.perf_counter()
    connection.open()
    try:
        sent = 0
        for message in messages:
            sent += connection.send_messages([message])
    finally:
        connection.close()
    return Round(seconds=time.perf_counter() - started, sent=sent)


def main() -> int:
    print(
        f"Digest benchmark: {MANAGERS} managers x {REPORTS} people x {WINS} wins, "
        f"database {DATABASE_URL}, SMTP sink on {HOST}:{SMTP_PORT}",
        flush=True,
    )
    create_database()
    if os.environ.get("BENCH_SKIP_SEED") != "1":
        subprocess.run([sys.executable, __file__, "--seed"], cwd=ROOT, check=True)
    setup_django()
    from wins_net.celery import app

    # The workers' code, run in this process: each batch is sent as its task would be.
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    baseline = rss_mb()
    server = start_sink()
    try:
        real: list[Round] = []
        floor: list[Round] = []
        messages: list = []
        for turn in range(ROUNDS):
            real.append(real_round())
            if not messages:
                messages = render_all()
            floor.append(floor_round(messages))
            print(
                f"  round {turn + 1}/{ROUNDS}: real {real[-1].rate:.1f} msg/s "
                f"({real[-1].sent} in {real[-1].seconds:.1f} s), "
                f"floor {floor[-1].rate:.1f} msg/s ({floor[-1].sent} in {floor[-1].seconds:.1f} s)",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        received = server.communicate(timeout=30)[0].strip()
    real_rate = statistics.median(r.rate for r in real)
    floor_rate = statistics.median(r.rate for r in floor)
    first = real[0]
    print()
    print("| path | messages | msg/s (median) |")
    print("| --- | ---: | ---: |")
    print(f"| real: digests_plan + emails_send batches | {first.sent} | {real_rate:.1f} |")
    print(f"| floor: pre-rendered, one connection | {floor[0].sent} | {floor_rate:.1f} |")
    print()
    print(f"real ÷ floor: {real_rate / floor_rate:.2f}")
    print(
        f"SQL queries in a real round: {first.queries} "
        f"({first.queries / first.sent:.1f} per digest, planning and sending included)"
    )
    chunks = ", ".join(f"{mb:.0f}" for mb in real[-1].memory)
    print(
        f"Resident memory (MB): {baseline:.0f} before; after each chunk of managers "
        f"in the last real round: {chunks}"
    )
    print(f"SMTP sink: {received}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--sink"]:
        sink(int(sys.argv[2]))
    elif sys.argv[1:2] == ["--seed"]:
        seed()
    else:
        sys.exit(main())
