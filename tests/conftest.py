"""Shared fixtures: paths to the repo's sample data and the shipped CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest


@pytest.fixture
def run_cli(tmp_path):
    """Run the installed ``newsdesk`` command in a subprocess, as a user would."""
    exe = Path(sys.executable).with_name("newsdesk")

    def run(
        *args: str, db: Path | None = None, check: int | None = 0
    ) -> subprocess.CompletedProcess:
        env = {**os.environ, "NEWSDESK_DB": str(db or tmp_path / "cli.db"), "NEWSDESK_WORKERS": "2"}
        cmd = [str(exe), *args] if exe.exists() else [sys.executable, "-m", "newsdesk", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        if check is not None:
            assert proc.returncode == check, proc.stderr + proc.stdout
        return proc

    return run


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL server for the whole run; each test gets its own database.

    CI installs Debian's ``postgresql`` (``.ci/run``); elsewhere the PostgreSQL
    tests skip when no server binaries are present, and fail under CI=true.
    """
    from pgserver import PostgresServer, find_bin

    bindir = find_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries not found (apt-get install postgresql)")
        pytest.skip("PostgreSQL server binaries not installed")
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def new_db(request, tmp_path):
    """``new_db("sqlite" | "postgresql")`` -> the address of a fresh, empty database."""
    counter = iter(range(1_000_000))

    def make(kind: str) -> str:
        n = next(counter)
        if kind == "sqlite":
            return str(tmp_path / f"store{n}.db")
        server = request.getfixturevalue("postgres_server")
        return server.create_database(f"t_{uuid.uuid4().hex}")

    return make


@pytest.fixture(scope="session")
def ray_session():
    """Ray started once for the whole run (``ray.init(num_cpus=2)``), if installed."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = pytest.importorskip("ray") if not os.environ.get("CI") else __import__("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()
