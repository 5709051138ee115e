"""A real, throwaway PostgreSQL server for the tests (Debian's ``postgresql``).

``initdb`` + ``pg_ctl`` in a temporary folder, listening only on a Unix socket
in that folder (no TCP port, nothing reachable from outside).  PostgreSQL
refuses to run as root, so as root the server runs as the ``postgres`` system
user that the Debian package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def find_bin() -> Path | None:
    """The newest installed server's bin folder, or None when there is none."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PostgresServer:
    def __init__(self, bindir: Path, base: Path | None = None) -> None:
        """``base``: a folder to keep the cluster in (reused if it holds one);
        by default a new temporary folder, removed by :meth:`stop`."""
        self.bindir = bindir
        self.keep = base is not None
        if base is not None:
            base.mkdir(parents=True, exist_ok=True)
        self.base = base if base is not None else Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base
        self.port = 5432
        self._user: str | None = None
        if os.geteuid() == 0:
            self._user = "postgres"
            shutil.chown(self.base, user="postgres")

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._user:
            cmd = ["runuser", "-u", self._user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self, settings: dict[str, str] | None = None) -> None:
        """Start the server (``initdb`` first unless the folder holds a cluster);
        ``settings``: extra server settings (``-c name=value``)."""
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-U", "newsdesk", "-A", "trust", "-E", "UTF8")
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
            f"-p {self.port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        options += "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.base / "log"),
            "start",
        )

    def stop(self) -> None:
        """Stop the server; a kept cluster is shut down cleanly and left in place."""
        if self.keep:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            return
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://newsdesk@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str, exist_ok: bool = False) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not (found and exist_ok):
                conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
