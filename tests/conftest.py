"""Shared fixtures: paths to the repo's sample data and the shipped CLI."""

from __future__ import annotations

import os
import subprocess
import sys
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
