"""Real PostgreSQL and Redis servers for the tests, from Debian's packages, on free loopback ports.

`scripts/run-tests` installs the packages; each test run starts its own servers in a scratch
folder (so nothing of the machine's own servers is touched) and stops them at the end. Both
require a password, as a production server would. The fault tests stop and start PostgreSQL to
make the database unavailable for a while.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.stack_support import free_port

MISSING = "{what} is not installed: `make test` installs it (Debian's {package} package)."


def _as_postgres_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; Debian's package creates the `postgres` user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresServer:
    def __init__(self, durable: bool = False) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            raise RuntimeError(MISSING.format(what="PostgreSQL", package="postgresql"))
        self.bin = Path(binaries[-1]).parent
        self.directory = Path(tempfile.mkdtemp(prefix="waypoint-postgres-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.user = "waypoint"
        self.password = secrets.token_urlsafe(16)
        # Tests and the soak need no crash safety; the benchmarks measure a durable server.
        self.durable = durable
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        password_file = self.directory / "password"
        password_file.write_text(self.password)
        if os.geteuid() == 0:
            shutil.chown(password_file, "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=scram-sha-256",
            f"--pwfile={password_file}", "--encoding=UTF8", "--locale=C.UTF-8",
        )
        password_file.unlink()

    def _run(self, *command: str) -> None:
        subprocess.run(_as_postgres_user(list(command)), check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c max_connections=300"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def execute(self, statement: str) -> None:
        """Run a statement outside a transaction (CREATE DATABASE needs that)."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def create_database(self, name: str, template: str | None = None) -> str:
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.directory, ignore_errors=True)


class RedisServer:
    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError(MISSING.format(what="Redis", package="redis-server"))
        self.directory = Path(tempfile.mkdtemp(prefix="waypoint-redis-"))
        self.port = free_port()
        self.password = secrets.token_urlsafe(16)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        config = self.directory / "redis.conf"
        config.write_text(
            f"bind 127.0.0.1\nport {self.port}\nrequirepass {self.password}\ndir {self.directory}\n"
            'save ""\nappendonly no\nprotected-mode yes\n'
        )
        config.chmod(0o600)
        self.process = subprocess.Popen([self.binary, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not self.answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host="127.0.0.1", port=self.port, password=self.password, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def url(self, database: int = 1) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/{database}"

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)
