"""What the benchmark scripts share: the report's header (date, commit, cores), percentiles, memory and
CPU time of processes, and starting and stopping a process of our own (a Rasa started by hand).

Not a benchmark itself; the scripts beside it import it.
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterable

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

REPORTS_DIR = PROJECT_ROOT / "reports"
MB = 2**20
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- the report -------------------------------------------------------------------------------


def _git(*arguments: str) -> str:
    try:
        return subprocess.run(["git", *arguments], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def report_header(parameters: dict[str, Any]) -> dict[str, Any]:
    """Date, commit, the machine's cores and load, and the script's parameters: the start of every report."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "HEAD") or None,
        # Benchmarks are often run on a working tree with changes not yet committed: say so.
        "uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "python": sys.version.split()[0],
        "parameters": parameters,
    }


def write_report(name: str, report: dict[str, Any]) -> Path:
    REPORTS_DIR.mkdir(exist_ok=True)
    path = REPORTS_DIR / f"{name}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"  written to {path.relative_to(PROJECT_ROOT)}")
    return path


def read_report(name: str) -> dict[str, Any] | None:
    path = REPORTS_DIR / f"{name}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def met(condition: bool | None) -> str:
    return "n/a" if condition is None else ("met" if condition else "NOT met")


# --- figures ----------------------------------------------------------------------------------


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile, interpolated linearly between the two nearest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * p / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def seconds_summary(values: list[float]) -> dict[str, Any]:
    """Count, p50, p95, mean and max of durations in seconds, rounded to the millisecond."""

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 3)

    return {
        "count": len(values),
        "p50": rounded(percentile(values, 50)),
        "p95": rounded(percentile(values, 95)),
        "mean": rounded(statistics.fmean(values)) if values else None,
        "max": rounded(max(values)) if values else None,
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)


def in_mb(memory: dict[str, int | None]) -> dict[str, float | None]:
    return {name: None if size is None else round(size / MB, 1) for name, size in memory.items()}


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f} ms"


# --- processes: memory and CPU time -----------------------------------------------------------


def _status_field(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def resident_memory(pid: int) -> int | None:
    """VmRSS of one process, in bytes."""
    return _status_field(pid, "VmRSS")


def proportional_memory(pid: int) -> int | None:
    """Pss of one process in bytes: its share of pages it shares with others, so that a sum over
    processes (PostgreSQL's server and backends share their buffers) counts each page once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def children_of(parent: int) -> list[int]:
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat_file.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat_file.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time a process has used so far (utime + stime)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None


def machine_cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_seconds(before: tuple[float, float], after: tuple[float, float]) -> float:
    """CPU seconds all cores spent busy between two machine_cpu_times() readings."""
    return round((after[0] - before[0]) / CLOCK_TICKS, 1)


def busy_share(before: tuple[float, float], after: tuple[float, float]) -> float | None:
    """How busy the machine's cores were between two machine_cpu_times() readings (0..1, all cores)."""
    busy, total = after[0] - before[0], after[1] - before[1]
    return round(busy / total, 3) if total else None


def postgres_pids(server: Any) -> list[int]:
    """The PostgreSQL server of tests.servers.PostgresServer and its backends."""
    try:
        postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    return [postmaster, *children_of(postmaster)]


def postgres_memory(server: Any) -> int | None:
    """The whole PostgreSQL server (postmaster, its helpers and backends), counted by Pss."""
    sizes = [proportional_memory(pid) for pid in postgres_pids(server)]
    sizes = [size for size in sizes if size is not None]
    return sum(sizes) if sizes else None


def postgres_cpu_seconds(server: Any) -> float | None:
    """CPU time of the PostgreSQL processes alive now (a backend that has exited is not counted)."""
    times = [cpu_seconds(pid) for pid in postgres_pids(server)]
    times = [value for value in times if value is not None]
    return sum(times) if times else None


def redis_memory(server: Any) -> int | None:
    process = getattr(server, "process", None)
    return None if process is None else resident_memory(process.pid)


def stack_cpu_seconds(stack: Any) -> dict[str, float | None]:
    return {name: cpu_seconds(pid) for name, pid in stack.processes().items()}


def own_cpu_seconds() -> float:
    """CPU time of this script (the simulated clients run here, on the same cores as the stack)."""
    times = os.times()
    return times.user + times.system


def cpu_used(before: dict[str, float | None], after: dict[str, float | None]) -> dict[str, float | None]:
    """CPU seconds used between two readings, per name; None where a process was restarted or missing."""
    used = {}
    for name, end in after.items():
        start = before.get(name)
        used[name] = None if start is None or end is None or end < start else round(end - start, 1)
    return used


# --- a process of our own ---------------------------------------------------------------------


def start_process(command: list[str], environment: dict[str, str], cwd: Path, log_path: Path) -> subprocess.Popen:
    """Start a command in its own session (so it and its children can be stopped together), logging to a file."""
    log = log_path.open("a")
    try:
        return subprocess.Popen(command, cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        log.close()


def stop_process(process: subprocess.Popen | None, grace: float = 20) -> None:
    """SIGTERM to the process group we started, then SIGKILL if it does not go."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def wait_until_answers(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 300) -> float:
    """Poll `url` until it answers 200; returns the seconds waited. Fails if the process exits first."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    tail = log_path.read_text(errors="replace")[-4000:] if log_path.exists() else ""
    raise RuntimeError(f"{url} did not answer (exit code {process.poll()}); the log ends:\n{tail}")


def add_load_options(parser: Any, clients: int, warmup_help: str) -> None:
    """The options of the benchmarks that run simulated clients (throughput, soak)."""
    parser.add_argument("--clients", type=int, default=clients)
    parser.add_argument("--turns", type=int, default=10, help="turns per client")
    parser.add_argument("--warmup-clients", type=int, default=5, help=warmup_help)
    parser.add_argument("--warmup-turns", type=int, default=3)
    parser.add_argument("--tf-threads", type=int, default=1, help="TF intra- and inter-op threads per Rasa process (0: TensorFlow's default)")


def close_all(*parts: Any) -> None:
    """Stop what a benchmark started, in the order given; parts never started (None) are passed over."""
    for part in parts:
        if part is not None:
            # Servers close (stop and remove their folder); a stack or a set of processes stops.
            (part.close if hasattr(part, "close") else part.stop)()


def load_figures(result: Any) -> dict[str, Any]:
    """What a run of simulated clients (tests/load_support.LoadResult) reports."""
    return {
        "turns": result.turns,
        "elapsed_seconds": round(result.elapsed, 1),
        "turns_per_second": round(result.turns_per_second, 2),
        "turn_seconds": seconds_summary(result.turn_seconds),
        "clients_done": result.clients_done,
        "errors": len(result.errors),
        "error_examples": result.errors[:10],
        "unanswered": result.unanswered,
    }



def load_parameters(args: Any, tf_environment: dict[str, str], **extra: Any) -> dict[str, Any]:
    """The parameters of a run with simulated clients (the options of `add_load_options`), for its report."""
    return {
        "clients": args.clients, "turns_per_client": args.turns,
        "warmup_clients": args.warmup_clients, "warmup_turns": args.warmup_turns,
        **extra,
        "database": "postgresql (durable)", "lock_store": "redis", "reply_wait_seconds": 120,
        "tf_environment": tf_environment or "not set (TensorFlow's default)",
    }  # fmt: skip
