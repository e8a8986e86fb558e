"""
Feed benchmark: does the feed stay fast at 10,000 people and 200,000 wins?

Run with `make bench` (or `.venv/bin/python bench/feed.py`); never part of the
tests. About 4 minutes the first time (seeding), 3 after.

1. Migrates the benchmark database and seeds it with `seed_demo --force
   --users 10000 --wins 200000` (idempotent: a second run only tops up).
2. Serves the app with gunicorn, 2 sync workers, DEBUG=false, HTTPS=false,
   on 127.0.0.1 only, with `bench.harness.settings`: the app's settings and
   URLs plus one page that exists only here, `/bench/trivial/` (below).
3. Signs in once as employee@example.com through /accounts/login/ and drives
   the app with a small, bounded load driver: THREADS threads, one connection
   each, a time and a request limit per scenario, traffic to 127.0.0.1 only.
   Scenarios take turns in ROUNDS rounds, so a burst of other work on the
   machine spreads over all of them.
4. Compares requests per second:
   - the feed's first page `/` with a trivial signed-in view through the
     same middleware, `/bench/trivial/` (`base.html` with no content: the
     layout every page has and nothing else; see bench/harness/urls.py):
     target ≥ 0.4. For context, the feed is also compared with the lightest
     page of the app itself, the composer `/wins/new/` (the layout and a
     form), and with the lightest signed-in response, an empty autocomplete
     fragment (`/people/autocomplete/?q=`: every middleware, session and
     user, no template to speak of), the floor;
   - a page 5,000 wins deep (`/?cursor=…`, the cursor built with
     `feed.wins.selectors.encode_cursor` from the 5,000th win the employee sees,
     the parameter name read from the feed's own "Show more" link) with
     page 1: target ≥ 0.8, as cursor pagination should cost the same at any
     depth;
   - and `/search/?q=…` p95, for context (skipped when search answers 404).

Client, server and PostgreSQL share the machine, so absolute numbers compare
only between runs on one machine; the ratios are the point.

Settings (environment): BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/wins_bench), BENCH_REDIS_URL (default
redis://127.0.0.1:6379/13 when it answers, as in production, where the rendered
win cards live in Redis; empty for none: each worker's memory), BENCH_USERS
(10000), BENCH_WINS (200000), BENCH_SECONDS per scenario (30), BENCH_ROUNDS (3),
BENCH_MAX_REQUESTS per scenario (6000), BENCH_THREADS (4), BENCH_PORT (8765),
BENCH_SKIP_SEED=1 to reuse the database as it is. Exits 1 when a target is missed.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only host this script sends traffic to
LOGIN_EMAIL = "employee@example.com"
DEEP = 5000  # wins before the deep page
SEARCH_WORDS = ["cliente", "release onboarding", "aprendizaje"]
TRIVIAL = "/bench/trivial/"  # bench/harness/urls.py
COMPOSER = "/wins/new/"

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wins_bench")
USERS = int(os.environ.get("BENCH_USERS", "10000"))
WINS = int(os.environ.get("BENCH_WINS", "200000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "6000"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WARMUP_REQUESTS = 20
REQUEST_TIMEOUT = 30.0
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"


def _redis_url() -> str:
    """BENCH_REDIS_URL, or the default one when Redis answers there, or none."""
    if "BENCH_REDIS_URL" in os.environ:
        return os.environ["BENCH_REDIS_URL"]
    try:
        socket.create_connection((HOST, 6379), timeout=1).close()
    except OSError:
        print("Redis does not answer on 6379: the cards are cached in each worker's memory.")
        return ""
    return DEFAULT_REDIS_URL


REDIS_URL = _redis_url()

TARGETS = {"feed ÷ trivial": 0.4, "deep ÷ page 1": 0.8}


def server_environment() -> dict[str, str]:
    """The app's environment: production-like (DEBUG off), plain HTTP on loopback."""
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DEBUG": "false",
        "HTTPS": "false",
        "ALLOWED_HOSTS": HOST,
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "wins_net.settings",
    }
    return env


def manage(*args: str) -> None:
    started = time.monotonic()
    print(f"$ manage.py {' '.join(args)}", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=server_environment(), check=True
    )
    print(f"  ({time.monotonic() - started:.1f} s)", flush=True)


# --------------------------------------------------------------------------
# What to request
# --------------------------------------------------------------------------
@dataclass
class Targets:
    deep_cursor: str
    visible_wins: int


def targets_from_database() -> Targets:
    """The cursor after the 5,000th win the employee sees, and how many they see, from the ORM."""
    os.environ.update(server_environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from accounts.models import User
    from feed.wins.models import Win
    from feed.wins.selectors import encode_cursor

    employee = User.objects.get(email=LOGIN_EMAIL)
    visible = Win.objects.visible_to(employee).order_by("-created_at", "-id")
    deep_win = visible[DEEP - 1 : DEEP].get()  # one OFFSET query, here only
    return Targets(deep_cursor=encode_cursor(deep_win), visible_wins=visible.count())


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------
class Client:
    """One connection to the server with the session's cookies."""

    def __init__(self, cookies: dict[str, str] | None = None) -> None:
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection(HOST, PORT, timeout=REQUEST_TIMEOUT)

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A sync worker closes the connection after each response.
                self.connection.close()
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, dict(response.getheaders()), content

    def close(self) -> None:
        self.connection.close()


def sign_in(password: str) -> dict[str, str]:
    """Session cookies for the employee, through allauth's login form."""
    client = Client()
    status, _headers, page = client.request("GET", "/accounts/login/")
    if status != 200:
        raise SystemExit(f"GET /accounts/login/ answered {status}")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not token:
        raise SystemExit("No CSRF token on /accounts/login/")
    form = urlencode(
        {"login": LOGIN_EMAIL, "password": password, "csrfmiddlewaretoken": token.group(1)}
    )
    status, _headers, _body = client.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    client.close()
    if status not in (302, 303) or "sessionid" not in client.cookies:
        raise SystemExit(f"Signing in failed (status {status}); is the demo seeded?")
    return client.cookies


def wait_until_up(deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = Client().request("GET", "/healthz")
            if status in (200, 503):
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on {HOST}:{PORT}")


# --------------------------------------------------------------------------
# The load driver
# --------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    path: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def drive(result: Result, cookies: dict[str, str], *, seconds: float, budget: int) -> None:
    """Request `result.path` from THREADS threads for `seconds` or `budget` requests,
    adding to `result`."""
    lock = threading.Lock()
    tickets = iter(range(budget))
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        client = Client(cookies)
        while time.monotonic() < stop_at:
            with lock:
                if next(tickets, None) is None:
                    break
            started = time.perf_counter()
            try:
                status, _headers, _body = client.request("GET", result.path)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    result.latencies.append(elapsed)
                else:
                    result.errors += 1
        client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT)
    result.seconds += time.monotonic() - started


def measure(scenarios: list[tuple[str, str]], cookies: dict[str, str]) -> list[Result]:
    """Each scenario for SECONDS in all, in ROUNDS interleaved turns, so a burst of
    other work on the machine spreads over every scenario instead of hitting one."""
    results = [Result(name=name, path=path) for name, path in scenarios]
    warm = Client(cookies)
    for result in results:
        for _ in range(WARMUP_REQUESTS):
            warm.request("GET", result.path)
    warm.close()
    for turn in range(ROUNDS):
        print(f"  round {turn + 1}/{ROUNDS}", flush=True)
        for result in results:
            drive(result, cookies, seconds=SECONDS / ROUNDS, budget=MAX_REQUESTS // ROUNDS)
    return results


def show(results: list[Result]) -> None:
    print()
    print("| scenario | path | requests | errors | req/s | p50 ms | p95 ms | p99 ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        path = r.path if len(r.path) < 40 else r.path[:37] + "…"
        print(
            f"| {r.name} | `{path}` | {len(r.latencies)} | {r.errors} | {r.rps:.1f} | "
            f"{r.percentile(50):.0f} | {r.percentile(95):.0f} | {r.percentile(99):.0f} |"
        )
    print()


def main() -> int:
    print(f"Feed benchmark: {USERS} people, {WINS} wins, database {DATABASE_URL}")
    print("Cache:", REDIS_URL or "none (the database; cards in each worker's memory)")
    manage("migrate", "--no-input", "-v", "0")
    manage("createcachetable")
    manage("collectstatic", "--no-input", "-v", "0")
    if os.environ.get("BENCH_SKIP_SEED") != "1":
        manage("seed_demo", "--force", "--users", str(USERS), "--wins", str(WINS))
    targets = targets_from_database()
    print(f"{LOGIN_EMAIL} sees {targets.visible_wins} wins")
    from feed.demo.people import DEMO_PASSWORD  # once Django is set up

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wins_net.wsgi",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        # The app's settings plus the benchmark's trivial page (bench/harness/).
        env={**server_environment(), "DJANGO_SETTINGS_MODULE": "bench.harness.settings"},
        start_new_session=True,
    )
    try:
        wait_until_up(time.monotonic() + 30)
        return run(targets, sign_in(DEMO_PASSWORD))
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def run(targets: Targets, cookies: dict[str, str]) -> int:
    client = Client(cookies)
    status, _headers, page = client.request("GET", "/")
    if status != 200:
        raise SystemExit(f"GET / answered {status} after signing in")
    cards = set(re.findall(rb'href="/wins/(\d+)/"', page))
    notes: list[str] = []
    if not cards:
        notes.append("The feed page shows no wins yet: the numbers measure what `/` is today.")
    # The feed's own "Show more" link names the cursor parameter.
    next_link = re.search(rb'href="(/\?[^"]*cursor=[^"]+)"', page)
    parameter = "cursor"
    if next_link:
        query = parse_qs(urlsplit(html.unescape(next_link.group(1).decode())).query)
        parameter = next(k for k in query if "cursor" in k)
    else:
        notes.append("No next-page link on `/`: the deep page uses `?cursor=` as a guess.")
    deep_path = "/?" + urlencode({parameter: targets.deep_cursor})
    status, _headers, deep_page = client.request("GET", deep_path)
    deep_cards = set(re.findall(rb'href="/wins/(\d+)/"', deep_page))
    if status != 200 or (cards and deep_cards == cards):
        notes.append(f"The deep page answered {status} with page 1's wins: not paginated yet?")
    print(f"Page 1 shows {len(cards)} wins, the deep page {len(deep_cards)}: {deep_path[:50]}…")

    # The trivial page: the layout every page has and nothing in it, served by
    # bench/harness/urls.py only. Beside it, for context, the lightest page of the
    # app (the composer: the layout and a form) and the lightest signed-in
    # response of all (an empty autocomplete fragment): middleware, session, user.
    for path in (TRIVIAL, COMPOSER):
        if client.request("GET", path)[0] != 200:
            raise SystemExit(f"GET {path} did not answer 200 after signing in")
    scenarios = [
        ("floor: empty fragment", "/people/autocomplete/?q="),
        ("trivial page", TRIVIAL),
        ("composer page", COMPOSER),
        ("feed page 1", "/"),
        (f"feed {DEEP:,} deep", deep_path),
    ]
    status, _headers, _body = client.request("GET", "/search/?q=cliente")
    if status == 404:
        notes.append("`/search/` answers 404: search skipped.")
    else:
        for words in SEARCH_WORDS:
            scenarios.append((f"search “{words}”", "/search/?" + urlencode({"q": words})))
    client.close()

    results = measure(scenarios, cookies)
    show(results)

    by_name = {r.name: r for r in results}
    page1 = by_name["feed page 1"].rps
    ratios = {
        "feed ÷ trivial": page1 / by_name["trivial page"].rps,
        "deep ÷ page 1": by_name[f"feed {DEEP:,} deep"].rps / page1,
    }
    for name, label in [("composer page", "composer"), ("floor: empty fragment", "floor")]:
        print(f"feed ÷ {label}: {page1 / by_name[name].rps:.2f} (for context, no target)")
    missed = 0
    for name, value in ratios.items():
        ok = value >= TARGETS[name]
        missed += not ok
        print(f"{name}: {value:.2f} (target ≥ {TARGETS[name]}) {'OK' if ok else 'MISSED'}")
    for note in notes:
        print(f"Note: {note}")
    if any(r.errors for r in results):
        print("Note: some requests failed (non-200); see the errors column.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
