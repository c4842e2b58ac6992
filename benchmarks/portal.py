"""How long the portal's server takes for the dashboard and a client's record with a large caseload.

Fills a fresh SQLite database with the demo caseload at the asked size (300 clients of three
practitioners by default, through the same storage functions the bot uses: `bot.demo`), starts the
gateway on a free loopback port, logs in over HTTP and asks for each page many times, one request
at a time. Measured: the time from sending a request to having the whole page, on loopback (the
server's time and a fraction of a millisecond of HTTP). Pages:

- the dashboard of an administrator, who sees every client (the largest caseload);
- the dashboard of a practitioner (a third of them), and the same with a search and a filter;
- the record of the client with the longest history (most summaries, notes, flags);
- the caseload as CSV (every client on one page).

    .venv/bin/python benchmarks/portal.py [--clients 300] [--requests 40]

Prints p50, p95 and max per page, and the gateway's CPU time per request (which the machine's other
work does not inflate, unlike the wall time), and writes reports/portal.json. The target (issue 16) is under
200 ms for the dashboard and the record with 300 clients on two cores.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_support import (  # noqa: E402
    PROJECT_ROOT,
    cpu_seconds,
    met,
    ms,
    report_header,
    seconds_summary,
    start_process,
    stop_process,
    wait_until_answers,
    write_report,
)
from sqlalchemy import func, select  # noqa: E402

from bot.demo.caseload import fill  # noqa: E402
from bot.storage.engine import make_engine, make_session_factory, transaction  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Handoff, PractitionerNote, SafetyFlag  # noqa: E402
from tests.stack_support import free_port  # noqa: E402

TARGET_SECONDS = 0.2
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
WARM_UP = 3


class Browser:
    """A logged-in portal session over plain HTTP (cookies kept), timing each page."""

    def __init__(self, base: str, email: str, password: str, server_pid: int) -> None:
        self.base, self.server_pid = base, server_pid
        self.cpu: dict[str, float] = {}  # path → the server's CPU seconds per request
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        token = CSRF_FIELD.search(self.get("/portal/login")).group(1)
        form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token, "next": "/portal/"})
        with self.opener.open(base + "/portal/login", data=form.encode(), timeout=60) as response:
            assert "Dashboard" in response.read().decode(), "logged in"

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            assert response.status == 200, path
            return response.read().decode("utf-8-sig")

    def timed(self, path: str, requests: int) -> list[float]:
        for _ in range(WARM_UP):
            self.get(path)
        times = []
        cpu_before = cpu_seconds(self.server_pid)
        for _ in range(requests):
            started = time.perf_counter()
            self.get(path)
            times.append(time.perf_counter() - started)
        self.cpu[path] = (cpu_seconds(self.server_pid) - cpu_before) / requests
        return times


def richest_client(database_url: str) -> str:
    """The client with the longest history: the heaviest record to show."""
    engine = make_engine(database_url)
    with transaction(make_session_factory(engine)) as session:
        weight: dict[str, int] = {}
        for model in (Handoff, PractitionerNote, SafetyFlag):
            for client_id, count in session.execute(select(model.client_id, func.count()).group_by(model.client_id)):
                weight[client_id] = weight.get(client_id, 0) + count
    engine.dispose()
    return max(weight, key=weight.get)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page (after 3 to warm up)")
    args = parser.parse_args()
    header = report_header({"clients": args.clients, "requests": args.requests, "database": "sqlite"})
    with tempfile.TemporaryDirectory() as work:
        database_url = f"sqlite:///{Path(work) / 'waypoint.db'}"
        engine = make_engine(database_url)
        upgrade(engine)
        started = time.perf_counter()
        with transaction(make_session_factory(engine)) as session:
            logins = {login.role + ":" + login.name: login for login in fill(session, args.clients)}
        engine.dispose()
        print(f"demo caseload of {args.clients} clients filled in {time.perf_counter() - started:.1f} s")
        client_id = richest_client(database_url)
        port = free_port()
        environment = {
            **os.environ, "DATABASE_URL": database_url, "GATEWAY_PORT": str(port), "RASA_PORT": str(free_port()),
            "LOG_LEVEL": "WARNING", "MEDIA_DIR": str(Path(work) / "media"), "SERVICE_TIME_ZONE": "Europe/Helsinki",
        }  # fmt: skip
        log_path = Path(work) / "gateway.log"
        gateway = start_process([sys.executable, "-m", "bot.gateway"], environment, PROJECT_ROOT, log_path)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_answers(base + "/portal/login", gateway, log_path, timeout=120)
            administrator = next(login for key, login in logins.items() if key.startswith("administrator"))
            practitioner = next(login for key, login in logins.items() if key.startswith("practitioner"))
            admin = Browser(base, administrator.email, administrator.password, gateway.pid)
            own = Browser(base, practitioner.email, practitioner.password, gateway.pid)
            asked = {
                "dashboard, administrator (every client)": (admin, "/portal/", args.requests),
                "dashboard, practitioner": (own, "/portal/", args.requests),
                "dashboard, practitioner, search and filter": (own, "/portal/?q=a&show=waiting&page=2", args.requests),
                "client record (the longest history)": (admin, f"/portal/clients/{client_id}", args.requests),
                "caseload CSV, administrator": (admin, "/portal/caseload.csv", max(5, args.requests // 4)),
            }
            pages = {name: browser.timed(path, requests) for name, (browser, path, requests) in asked.items()}
            cpu = {name: browser.cpu[path] for name, (browser, path, _) in asked.items()}
        finally:
            stop_process(gateway)
    figures = {name: {**seconds_summary(times), "server_cpu_per_request": round(cpu[name], 4)} for name, times in pages.items()}
    targeted = ["dashboard, administrator (every client)", "dashboard, practitioner", "client record (the longest history)"]
    verdict = all(figures[name]["p95"] <= TARGET_SECONDS for name in targeted)
    print(f"server time per page with {args.clients} clients, {args.requests} requests each, one at a time, on loopback")
    print(f"(load average {header['load_average_at_start']} on {header['cpu_count']} cores at the start; CPU is the gateway's own per request):")
    for name, summary in figures.items():
        print(
            f"  {name:<45} p50 {ms(summary['p50']):>7}   p95 {ms(summary['p95']):>7}   max {ms(summary['max']):>7}"
            f"   CPU {ms(summary['server_cpu_per_request']):>7}"
        )
    print(f"  target: dashboard and record under {TARGET_SECONDS * 1000:.0f} ms (p95): {met(verdict)}")
    write_report("portal", {**header, "pages": figures, "target_seconds": TARGET_SECONDS, "target_met": verdict})


if __name__ == "__main__":
    main()
