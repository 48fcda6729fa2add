"""A PostgreSQL server of the tests' own: `initdb` in a temporary folder, started on a
free loopback port, stopped (and its folder removed) at the end of the session.

The server listens on 127.0.0.1 only, keeps its Unix socket in its own folder, trusts
local logins and runs with `fsync=off` (a test database is thrown away). `initdb`
refuses to run as root: as root (CI), the server runs as Debian's `postgres` user
(`runuser -u postgres -- ...`), owning its folder.

The binaries are looked up in `PRESSMON_POSTGRES_BINDIR` when it is set, else on PATH,
then in `/usr/lib/postgresql/*/bin` (Debian's layout, newest version first). Without
them, `problem()` says what to install.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

__all__ = ["PostgresServer", "find_bindir", "problem"]

SUPERUSER = "postgres"
_DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"


def find_bindir() -> Path | None:
    """The folder holding `initdb` and `pg_ctl`, or None."""
    override = os.environ.get("PRESSMON_POSTGRES_BINDIR")
    if override is not None:
        chosen = Path(override)
        return chosen if (chosen / "initdb").exists() and (chosen / "pg_ctl").exists() else None
    found = shutil.which("initdb")
    if found is not None and shutil.which("pg_ctl") is not None:
        return Path(found).parent
    candidates = [path for path in Path("/").glob(_DEBIAN_BINDIRS.lstrip("/")) if path.is_dir()]

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))

    for bindir in sorted(candidates, key=version, reverse=True):
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


def problem() -> str | None:
    """Why the tests cannot start a PostgreSQL server here, or None when they can."""
    try:
        import psycopg  # noqa: F401 - only whether it imports
    except ImportError as error:
        return f"psycopg is not installed ({error}): pip install -e '.[test]'"
    if find_bindir() is None:
        if "PRESSMON_POSTGRES_BINDIR" in os.environ:
            folder = os.environ["PRESSMON_POSTGRES_BINDIR"]
            return f"no initdb and pg_ctl in PRESSMON_POSTGRES_BINDIR={folder}"
        return (
            "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin): "
            "apt-get install postgresql (Debian, Ubuntu), brew install postgresql (macOS)"
        )
    if os.geteuid() == 0 and _postgres_user() is None:
        return "running as root, the server needs the 'postgres' user, which does not exist"
    return None


def _postgres_user() -> tuple[int, int] | None:
    import pwd

    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """One throwaway PostgreSQL cluster on 127.0.0.1 (see the module docstring)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = 0
        self.root: Path | None = None
        self._as: list[str] = []

    @property
    def data(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            [*self._as, *command], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            log = self.root / "server.log" if self.root else None
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} exited {result.returncode}\n{result.stdout}\n"
                f"{result.stderr}\n{tail}"
            )

    def start(self) -> PostgresServer:
        """initdb, then start the server and wait until it accepts connections."""
        owner = _postgres_user() if os.geteuid() == 0 else None
        # As root, the folder must be reachable by the postgres user: not under a private
        # TMPDIR, so under /tmp.
        parent = "/tmp" if owner is not None and Path("/tmp").is_dir() else None  # noqa: S108
        self.root = Path(tempfile.mkdtemp(prefix="pressmon-pg-", dir=parent))
        if owner is not None:
            os.chown(self.root, *owner)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run(
            str(self.bindir / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        self.port = _free_port()
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c port={self.port}",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "--pgdata",
            str(self.data),
            "--log",
            str(self.root / "server.log"),
            "--options",
            options,
            "--wait",
            "--timeout",
            "60",
            "start",
        )
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if self.root is None:
            return
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(
                    str(self.bindir / "pg_ctl"), "--pgdata", str(self.data), "-m", "fast", "stop"
                )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """A libpq URL for a database of this server."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; return its name."""
        import psycopg

        name = f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}".encode())
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database made by `create_database` (closing what still uses it)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())
