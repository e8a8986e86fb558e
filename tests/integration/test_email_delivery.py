"""Every email that is due arrives once: real workers, beat, Redis and an SMTP server.

Each test runs its own `redis-server` (so it can be stopped without disturbing
other tests), a local SMTP server (`SmtpSink`) that counts what it accepted per
recipient and per Message-ID, and real `celery worker` / `celery beat` / gunicorn
children on the test database. Timings are shortened through the environment
(`DELIVERY_ENV`): Redis redelivers an unacknowledged task after 5 s, a row left
`sending` is abandoned after 3 s, the sweep runs every second.

Nothing is shared between tests but the database server, so they may run in
parallel with each other (pytest-xdist 3.8 ignores `xdist_group` under pytest 9).
Where things happen is not left to timing: the kill comes while the sink holds a
message at MAIL, an outage ends when the database shows every message met it.
The times asserted (a request under 5 s, recovery under 30 s) leave wide margins.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from celery import Celery
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db.models import Count
from django.urls import reverse

from accounts.models import Cadence, NotificationKind, User
from feed.notifications.digests import digests_plan
from feed.notifications.ledger import message_id_for
from feed.notifications.models import Email
from feed.notifications.periods import previous_week
from feed.notifications.services import preference_set
from feed.wins import services as feed_services
from feed.wins.models import Win
from tests.conftest import require_postgresql
from tests.factories import UserFactory, WinFactory
from tests.integration.conftest import (
    ROOT,
    VENV_BIN,
    SmtpSink,
    beat_command,
    celery_publishing_to,
    child_env,
    collect_static,
    free_port,
    kill_group,
    process_group,
    redis_server,
    wait_ready,
    wait_until,
    web_server,
    worker_command,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# What the children run with (and this process, for what it does itself).
VISIBILITY_TIMEOUT = 5
DELIVERY_ENV = {
    "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    "EMAIL_RETRY_SECONDS": "0.5",
    "EMAIL_MAX_ATTEMPTS": "5",
    "EMAIL_SENDING_LEASE_SECONDS": "3",
    "EMAIL_SWEEP_SECONDS": "1",
    "EMAIL_SWEEP_GRACE_SECONDS": "2",
    "EMAIL_TIMEOUT": "10",
    "LOG_LEVEL": "INFO",
}
MAX_ATTEMPTS = int(DELIVERY_ENV["EMAIL_MAX_ATTEMPTS"])
# How long a test waits for mail it expects, at most; it is usually a few seconds.
DELIVERY_TIMEOUT = 60


@dataclass
class Rig:
    """One test's private Redis and SMTP server, and the environment of its children."""

    redis_url: str
    sink: SmtpSink
    folder: Path

    @property
    def env(self) -> dict[str, str]:
        return delivery_env(redis_url=self.redis_url, sink=self.sink)

    def worker(self, name: str):
        return process_group(
            worker_command(name=name), self.env, log=self.folder / f"{name}.log", ready=b" ready."
        )

    @contextmanager
    def worker_and_beat(self, name: str = "worker") -> Iterator[subprocess.Popen]:
        """A worker and beat (whose sweep runs every second), started side by side."""
        worker_log, beat_log = self.folder / f"{name}.log", self.folder / "beat.log"
        beat = beat_command(schedule=self.folder / "beat-schedule")
        with (
            process_group(worker_command(name=name), self.env, log=worker_log, ready=None) as w,
            process_group(beat, self.env, log=beat_log, ready=None) as b,
        ):
            wait_ready(b, log=beat_log, ready=b"beat: Starting")
            wait_ready(w, log=worker_log, ready=b" ready.")
            yield w

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-6000:]}"
            for path in sorted(self.folder.glob("*.log"))
        )


def delivery_env(*, redis_url: str, sink: SmtpSink, **overrides: str) -> dict[str, str]:
    return child_env(
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_RESULT_BACKEND=redis_url,
        EMAIL_URL=sink.url,
        **DELIVERY_ENV,
        **overrides,
    )


@pytest.fixture
def delivery_settings(settings):
    """This process decides like its children: same lease, grace and attempts."""
    settings.EMAIL_RETRY_SECONDS = float(DELIVERY_ENV["EMAIL_RETRY_SECONDS"])
    settings.EMAIL_MAX_ATTEMPTS = MAX_ATTEMPTS
    settings.EMAIL_SENDING_LEASE_SECONDS = int(DELIVERY_ENV["EMAIL_SENDING_LEASE_SECONDS"])
    settings.EMAIL_SWEEP_GRACE_SECONDS = int(DELIVERY_ENV["EMAIL_SWEEP_GRACE_SECONDS"])
    settings.MFA_REQUIRED_FOR_STAFF = False
    return settings


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def rig(tmp_path, sink, delivery_settings) -> Iterator[Rig]:
    require_postgresql()  # row locks (skip_locked) are what these tests are about
    with (
        redis_server(free_port(), folder=tmp_path) as redis_url,
        celery_publishing_to(redis_url, visibility_timeout=VISIBILITY_TIMEOUT),
    ):
        yield Rig(redis_url=redis_url, sink=sink, folder=tmp_path)


def _states(ids: list[int]) -> dict[str, int]:
    rows = Email.objects.filter(pk__in=ids).values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def _all_in(ids: list[int], *states: str) -> bool:
    return Email.objects.filter(pk__in=ids).exclude(state__in=states).count() == 0


def _expected_message_ids(ids: list[int]) -> set[str]:
    return set(Email.objects.filter(pk__in=ids).values_list("message_id", flat=True))


def _assert_each_arrived_once(sink: SmtpSink, ids: list[int]) -> None:
    """Every row's message reached the sink exactly once, and nothing else did."""
    by_message_id = sink.by_message_id()
    assert set(by_message_id) == _expected_message_ids(ids), by_message_id
    twice = {message_id: n for message_id, n in by_message_id.items() if n != 1}
    assert not twice, f"arrived more than once: {twice}"


# --------------------------------------------------------------------------
# 1. A worker killed in the middle of a digest batch
# --------------------------------------------------------------------------
MANAGERS = 12
# Messages the first worker delivers before it is killed.
DELIVERED_BEFORE_KILL = 4


def _managers_with_wins_last_week(count: int) -> list[User]:
    managers = []
    for _n in range(count):
        manager = UserFactory()
        week = previous_week(time_zone=manager.time_zone)
        for day in (1, 3):
            report = UserFactory(manager=manager, team=manager.team)
            win = WinFactory(author=report, body=f"Closed ticket {day} for a happy customer")
            Win.objects.filter(pk=win.pk).update(
                created_at=week.start + timedelta(days=day, hours=10)
            )
        managers.append(manager)
    return managers


def test_a_worker_killed_mid_digest_batch_sends_every_digest_once(rig):
    """SIGKILL to a worker (its main process and pool child) between two digests of a
    batch, then a new worker and beat: each manager gets exactly one digest.

    The kill is placed deterministically: the sink holds the MAIL command of message
    number DELIVERED_BEFORE_KILL + 1, so by then the previous message has had its 250
    and its row is committed `sent` (the worker marks a row sent before it claims the
    next), and the held row is `sending`, claimed by the task, with nothing of it
    delivered. Its task was never acknowledged (`acks_late`): Redis gives it to the new
    worker after the visibility timeout, and it takes its row back at once (same task
    id); the sweep in beat takes the row back too once its lease runs out, and hands
    over the rows never tried. Claiming makes whichever comes first the only sender.

    Had the kill landed between the sink's 250 and the commit marking that row sent,
    the row would still be `sending` and would be sent again: the sink would count its
    Message-ID twice. That window (a few milliseconds per message) is the one duplicate
    SMTP cannot rule out; the deterministic Message-ID lets a mail client, or this
    test, recognise it.
    """
    managers = _managers_with_wins_last_week(MANAGERS)
    rig.sink.delay = 0.3  # a slow mail server: the batch takes seconds
    rig.sink.hold_after(DELIVERED_BEFORE_KILL)

    plans = digests_plan(force=True)  # records the rows; one task for the batch after commit
    assert len(plans) == MANAGERS
    ids = list(Email.objects.filter(kind=Email.Kind.DIGEST).values_list("pk", flat=True))
    assert len(ids) == MANAGERS

    with rig.worker("doomed") as doomed:
        wait_until(
            lambda: rig.sink.holding.wait(0.1),
            timeout=DELIVERY_TIMEOUT,
            message=lambda: f"the first digests did not arrive:\n{rig.logs()}",
        )
        kill_group(doomed)
    rig.sink.release()

    assert rig.sink.count() == DELIVERED_BEFORE_KILL
    states = _states(ids)
    assert states == {
        Email.State.SENT: DELIVERED_BEFORE_KILL,
        Email.State.SENDING: 1,
        Email.State.PENDING: MANAGERS - DELIVERED_BEFORE_KILL - 1,
    }
    in_flight = Email.objects.get(pk__in=ids, state=Email.State.SENDING)
    killed_task = in_flight.claimed_by
    assert killed_task

    started = time.monotonic()
    with rig.worker_and_beat("heir"):
        wait_until(
            lambda: _all_in(ids, Email.State.SENT),
            timeout=DELIVERY_TIMEOUT,
            message=lambda: f"not all digests were sent: {_states(ids)}\n{rig.logs()}",
        )
        recovered = time.monotonic() - started
        time.sleep(VISIBILITY_TIMEOUT + 1)  # a late redelivery must send nothing more

    redelivered = killed_task in (rig.folder / "heir.log").read_text()
    print(
        f"recovered in {recovered:.1f} s after the kill, the held row taken back by "
        + ("the killed task, redelivered" if redelivered else "the sweep")
    )

    assert rig.sink.by_recipient() == {manager.email: 1 for manager in managers}
    _assert_each_arrived_once(rig.sink, ids)
    in_flight.refresh_from_db()
    assert in_flight.attempts == 2  # the killed worker's attempt, then the one that sent it
    assert recovered < 30, f"recovery took {recovered:.1f} s"


# --------------------------------------------------------------------------
# 2. Redis down while people post, react and comment
# --------------------------------------------------------------------------
# A request must never hang on a broker that is down; this is the limit we allow.
REQUEST_LIMIT_SECONDS = 5
PASSWORD = "Right-passw0rd-for-delivery"


def _person(**fields) -> User:
    person = UserFactory(**fields)
    hasher = PBKDF2PasswordHasher()  # what the web process verifies with
    person.password = hasher.encode(PASSWORD, hasher.salt())
    person.save(update_fields=["password"])
    return person


def _handle(person: User) -> str:
    return "@" + person.email.split("@", 1)[0]


class Visitor:
    """A signed-in browser session against the web process."""

    def __init__(self, server: str, email: str):
        self.server = server
        self.session = requests.Session()
        page = self.session.get(f"{server}/accounts/login/", timeout=10)
        response = self.session.post(
            f"{server}/accounts/login/",
            data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text[:2000]
        self.latencies: dict[str, float] = {}

    def post(self, label: str, path: str, data: dict[str, str]) -> requests.Response:
        """POST a form as a browser would (CSRF token from the page), timed."""
        page = self.session.get(f"{self.server}/wins/new/", timeout=10)
        started = time.monotonic()
        response = self.session.post(
            f"{self.server}{path}",
            data={**data, "csrfmiddlewaretoken": _csrf(page.text)},
            allow_redirects=False,
            timeout=REQUEST_LIMIT_SECONDS * 3,
        )
        self.latencies[label] = time.monotonic() - started
        return response


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_posting_while_redis_is_down_succeeds_and_every_email_arrives_once(
    tmp_path, sink, delivery_settings
):
    """With Redis stopped, posting a win with a credit, reacting and commenting with a
    mention all answer at once (the cache and the broker are both Redis); the emails
    they made due wait in the database, and once Redis is back the sweep in beat hands
    them to a worker: each arrives once."""
    require_postgresql()
    poster = _person()
    credited, author, mentioned = _person(), _person(), _person()
    their_win = WinFactory(author=author, body="Shipped the new onboarding guide")
    for kind in (
        NotificationKind.REACTION,
        NotificationKind.COMMENT,
    ):  # daily by default; at once here
        preference_set(user=author, kind=kind, cadence=Cadence.IMMEDIATELY)

    port = free_port()
    with ExitStack() as first_redis:
        redis_url = first_redis.enter_context(redis_server(port, folder=tmp_path))
        env = delivery_env(redis_url=redis_url, sink=sink, ALLOWED_HOSTS="127.0.0.1")
        collect_static(env)
        with web_server(env, log=tmp_path / "web.log") as server:
            visitor = Visitor(server, poster.email)  # signing in counts in the cache
            first_redis.close()  # Redis stops

            posted = visitor.post(
                "post a win crediting a coworker",
                "/wins/new/",
                {"body": "We closed the quarter early", "visibility": "everyone",
                 "credited": _handle(credited)},
            )  # fmt: skip
            reacted = visitor.post(
                "react to a win", f"/wins/{their_win.pk}/react/", {"kind": "celebrate"}
            )
            commented = visitor.post(
                "comment with a mention",
                f"/wins/{their_win.pk}/comments/",
                {"body": f"Great work, {_handle(mentioned)} should see this"},
            )
            feed = visitor.session.get(f"{server}/", timeout=REQUEST_LIMIT_SECONDS * 3)

    web_log = (tmp_path / "web.log").read_text(errors="replace")
    for response in (posted, reacted, commented):
        assert response.status_code == 302, f"{response.status_code}\n{web_log[-4000:]}"
    assert feed.status_code == 200
    print("latency with Redis down:", {k: f"{v:.2f} s" for k, v in visitor.latencies.items()})
    slow = {label: s for label, s in visitor.latencies.items() if s > REQUEST_LIMIT_SECONDS}
    assert not slow, f"requests took too long with Redis down: {slow}"

    ids = list(Email.objects.values_list("pk", flat=True))
    expected = {(credited.email, "credit"), (author.email, "reaction"),
                (author.email, "comment"), (mentioned.email, "mention")}  # fmt: skip
    assert set(Email.objects.values_list("recipient__email", "kind")) == expected
    assert len(ids) == len(expected)
    # Recorded with their cause, never handed over: the broker was down.
    assert set(Email.objects.values_list("state", "queued_at")) == {(Email.State.PENDING, None)}

    with redis_server(port, folder=tmp_path) as redis_url:  # Redis is back, empty
        rig = Rig(redis_url=redis_url, sink=sink, folder=tmp_path)
        with rig.worker_and_beat():
            wait_until(
                lambda: _all_in(ids, Email.State.SENT),
                timeout=DELIVERY_TIMEOUT,
                message=lambda: f"not all were sent: {_states(ids)}\n{rig.logs()}",
            )
            time.sleep(2)  # more sweeps find nothing to send again

    _assert_each_arrived_once(sink, ids)
    assert sink.by_recipient() == {credited.email: 1, author.email: 2, mentioned.email: 1}


# --------------------------------------------------------------------------
# 3. A mail server that refuses for a while
# --------------------------------------------------------------------------
def _mentions(people: list[User]) -> list[int]:
    """Someone comments mentioning `people`: one immediate email each, recorded with the
    comment and handed to the (private) broker after its commit."""
    author = UserFactory()
    win = WinFactory(author=author)
    feed_services.comment_create(
        win=win, author=author, body="Thanks " + " ".join(_handle(p) for p in people)
    )
    ids = list(Email.objects.filter(kind=Email.Kind.MENTION).values_list("pk", flat=True))
    assert len(ids) == len(people)
    return ids


def _errors(ids: list[int]) -> list[tuple[int, str]]:
    return list(Email.objects.filter(pk__in=ids).values_list("attempts", "last_error"))


def _admin_page(client, **query: str) -> str:
    response = client.get(reverse("admin:feed_email_changelist"), query)
    assert response.status_code == 200
    return response.text


def test_a_mail_server_refusing_for_a_while_delays_but_loses_nothing(rig, admin_client):
    """The server answers 451 (at MAIL, RCPT or DATA, in turn) until every message met
    it twice: the rows show their attempts and error in the admin, then every message
    arrives once. A recipient the server always refuses (550) ends `failed` after
    EMAIL_MAX_ATTEMPTS, visible in the admin with its error, and held nobody up."""
    people = [UserFactory() for _n in range(3)]
    refused = UserFactory(email="nobody@example.com")
    rig.sink.rejected.add(refused.email)

    with rig.worker_and_beat():
        _admin_page(admin_client)  # rendered once, so the look during the outage is quick
        rig.sink.refuse = ("mail", "rcpt", "data")
        ids = _mentions([*people, refused])
        good = list(
            Email.objects.filter(pk__in=ids, recipient__in=people).values_list("pk", flat=True)
        )
        wait_until(
            lambda: all(n >= 2 for n, _error in _errors(good)),
            timeout=DELIVERY_TIMEOUT,
            message=lambda: f"not every message was refused twice: {_errors(ids)}\n{rig.logs()}",
        )
        during = _admin_page(admin_client)
        rig.sink.refuse = ()
        wait_until(
            lambda: _all_in(good, Email.State.SENT) and _all_in(ids, Email.State.SENT, "failed"),
            timeout=DELIVERY_TIMEOUT,
            message=lambda: f"not delivered after recovery: {_errors(ids)}\n{rig.logs()}",
        )

    # During the outage the admin showed why each message was waiting.
    assert "Try again later" in during
    for person in people:
        assert person.email in during

    assert rig.sink.by_recipient() == {person.email: 1 for person in people}
    _assert_each_arrived_once(rig.sink, good)
    for attempts, error in _errors(good):
        assert 3 <= attempts <= MAX_ATTEMPTS
        assert "451" in error  # the last error stays for the record

    failed = Email.objects.get(recipient=refused)
    assert failed.state == Email.State.FAILED
    assert failed.attempts == MAX_ATTEMPTS
    assert "550" in failed.last_error
    page = _admin_page(admin_client, state__exact="failed")
    assert refused.email in page
    assert "No such mailbox" in page


def test_a_mail_server_that_is_down_for_a_while_delays_but_loses_nothing(rig, admin_client):
    """Connections refused (nothing listening): the batch stops at the first message,
    which waits with its error; the rest are handed over again. When the server is
    back every message arrives once."""
    people = [UserFactory() for _n in range(4)]

    with rig.worker_and_beat():
        with rig.sink.refuse_connections():
            ids = _mentions(people)
            wait_until(
                lambda: sum(n for n, _error in _errors(ids)) >= 2 * len(people),
                timeout=DELIVERY_TIMEOUT,
                message=lambda: f"no attempts were made: {_errors(ids)}\n{rig.logs()}",
            )
            during = _admin_page(admin_client)
            assert _all_in(ids, Email.State.PENDING, Email.State.SENDING)
        wait_until(
            lambda: _all_in(ids, Email.State.SENT),
            timeout=DELIVERY_TIMEOUT,
            message=lambda: f"not delivered after recovery: {_errors(ids)}\n{rig.logs()}",
        )

    assert "Connection refused" in during or "ConnectionRefusedError" in during
    assert rig.sink.by_recipient() == {person.email: 1 for person in people}
    _assert_each_arrived_once(rig.sink, ids)


# --------------------------------------------------------------------------
# 4. Digests planned twice, by the command and by beat's task
# --------------------------------------------------------------------------
def test_digests_planned_again_and_again_are_sent_once(rig):
    """`send_digests` run twice (real processes) and the beat task fired twice in the
    same hour, with workers sending in between: still one digest per manager."""
    managers = _managers_with_wins_last_week(3)
    env = rig.env

    def send_digests() -> str:
        result = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "send_digests"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    client = Celery("wins_net_test", broker=rig.redis_url, set_as_current=False)
    client.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    with rig.worker_and_beat():
        first = send_digests()
        second = send_digests()
        client.send_task("feed.digests_plan")
        client.send_task("feed.digests_plan")
        digests_plan(force=True)  # and once more in this process
        ids = list(Email.objects.filter(kind=Email.Kind.DIGEST).values_list("pk", flat=True))
        wait_until(
            lambda: _all_in(ids, Email.State.SENT) and rig.sink.count() >= len(managers),
            timeout=DELIVERY_TIMEOUT,
            message=lambda: f"digests not sent: {_states(ids)}\n{rig.logs()}",
        )
        time.sleep(3)  # the beat task's runs and more sweeps have had their chance
    client.close()

    assert "3 digests recorded" in first
    assert "0 digests recorded" in second
    assert len(ids) == len(managers)
    assert rig.sink.by_recipient() == {manager.email: 1 for manager in managers}
    _assert_each_arrived_once(rig.sink, ids)
    expected = {
        message_id_for(
            kind="digest",
            period=previous_week(time_zone=m.time_zone).key,
            recipient_id=m.pk,
        )
        for m in managers
    }
    assert set(rig.sink.by_message_id()) == expected


# --------------------------------------------------------------------------
# 5. Invitations: the import run twice, its batch handed over twice
# --------------------------------------------------------------------------
def test_people_imported_twice_get_one_invitation_each(rig, tmp_path):
    """`import_people` run twice (real processes) and the batch of invitations
    handed to the worker a second time: one invitation per new person."""
    people = [f"new.person{n}@example.com" for n in range(3)]
    path = tmp_path / "people.csv"
    path.write_text(
        "email,name,team,manager_email\n"
        + "".join(f"{email},Person {n},Sales,\n" for n, email in enumerate(people))
    )

    def import_people() -> str:
        result = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "import_people", str(path)],
            cwd=ROOT, env=rig.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    client = Celery("wins_net_test", broker=rig.redis_url, set_as_current=False)
    with rig.worker_and_beat():
        first = import_people()
        second = import_people()
        ids = list(Email.objects.filter(kind=Email.Kind.INVITATION).values_list("pk", flat=True))
        client.send_task("feed.emails_send", args=[ids])  # the same batch, again
        wait_until(
            lambda: _all_in(ids, Email.State.SENT) and rig.sink.count() >= len(people),
            timeout=DELIVERY_TIMEOUT,
            message=lambda: f"invitations not sent: {_states(ids)}\n{rig.logs()}",
        )
        time.sleep(3)  # the second hand-over and more sweeps have had their chance
    client.close()

    assert "3 invitations recorded" in first
    assert "0 invitations recorded" in second
    assert len(ids) == len(people)
    assert rig.sink.by_recipient() == dict.fromkeys(people, 1)
    _assert_each_arrived_once(rig.sink, ids)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client
