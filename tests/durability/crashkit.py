"""Run a ``newsdesk`` command in its own process group and SIGKILL it mid-flight.

The whole group is killed (the command and its extraction workers), as the
OOM killer or a power cut would, never a polite SIGTERM.  What the database
holds afterwards is read back with the store's own consistency checks.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from newsdesk.store import open_store

EXE = Path(sys.executable).with_name("newsdesk")


def command(*args: str) -> list[str]:
    return [str(EXE), *args] if EXE.exists() else [sys.executable, "-m", "newsdesk", *args]


def env_for(db: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "NEWSDESK_DB": db,
        "NEWSDESK_WORKERS": "2",
        "NEWSDESK_ENRICH": "0",
        "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "1",
        "NEWSDESK_HOST_DELAY": "0",
        **extra,
    }


def run_to_end(args: list[str], env: dict[str, str]) -> float:
    """Run to completion; return how long it took (for drawing kill delays)."""
    start = time.monotonic()
    proc = subprocess.run(command(*args), env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return time.monotonic() - start


def kill_after(args: list[str], env: dict[str, str], delay: float) -> bool:
    """Start the command, SIGKILL its process group after ``delay`` s; True if it was killed."""
    proc = subprocess.Popen(
        command(*args),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=delay)
        return False  # finished first
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):  # it may have just finished
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return proc.returncode == -signal.SIGKILL


@dataclass
class State:
    hashes: dict[str, str]
    counts: dict[str, int]
    problems: list[str]


def state(db: str) -> State:
    with open_store(db) as store:
        return State(
            hashes=store.article_hashes(),
            counts=store.count_rows(),
            problems=store.check_consistency(),
        )
