"""Every parser under a bounded fuzzing run, and every crash found kept as a fixture.

With atheris installed each target runs coverage-guided in its own process
(libFuzzer exits the process when done) for ``NEWSDESK_FUZZ_SECONDS`` (default
8 s per target, about a minute and a half for all), from a fixed seed and the
fixture-based seeds of :mod:`targets`.  Without atheris the same targets run
under hypothesis on random bytes and mutated seeds.  Inputs that once
crashed a parser live in ``tests/fuzz/crashes/<target>/`` and are replayed
on every run, with what the fix promised asserted below.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import targets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.ingest import iter_warc
from newsdesk.ingest.warc import parse_warc_date
from newsdesk.model import Document

SECONDS = int(os.environ.get("NEWSDESK_FUZZ_SECONDS", "8"))
HAVE_ATHERIS = importlib.util.find_spec("atheris") is not None
RUNNER = Path(__file__).with_name("run_atheris.py")


@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_fuzz_target(name, tmp_path):
    if not HAVE_ATHERIS:
        if os.environ.get("CI"):
            pytest.fail("atheris not installed (pip install atheris)")
        _hypothesis_fuzz(name)
        return
    flags = [
        f"-max_total_time={SECONDS}",
        "-seed=10",
        f"-artifact_prefix={tmp_path}/",
        "-timeout=30",  # one input running this long is a hang: a bug too
        "-rss_limit_mb=3072",
        "-max_len=65536",
        "-print_final_stats=0",
    ]
    proc = subprocess.run(
        [sys.executable, str(RUNNER), name, str(tmp_path / "corpus"), *flags],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=SECONDS + 120,
        cwd=tmp_path,
    )
    crash = sorted(tmp_path.glob("crash-*")) + sorted(tmp_path.glob("timeout-*"))
    detail = proc.stderr[-4000:]
    assert proc.returncode == 0 and not crash, f"{name}: {crash}\n{detail}"


def _hypothesis_fuzz(name: str) -> None:
    target = targets.TARGETS[name]
    seeds = targets.seeds(name)

    def mutate(seed: bytes, cut: int, insert: bytes) -> bytes:
        at = cut % (len(seed) + 1)
        return seed[:at] + insert + seed[at + len(insert) :]

    data = st.binary(max_size=4096) | st.builds(
        mutate, st.sampled_from(seeds), st.integers(0, 1 << 20), st.binary(max_size=64)
    )

    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data)
    def run(blob: bytes) -> None:
        target(blob)

    run()


@pytest.mark.parametrize(
    "path",
    sorted(p for p in targets.CRASHES.glob("*/*") if p.is_file()),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_crash_fixture_stays_fixed(path):
    targets.TARGETS[path.parent.name](path.read_bytes())


def test_warc_date_out_of_range_costs_only_the_date():
    """Found by fuzzing: a WARC-Date of year 1 with an offset overflowed, and the
    archive reader reported the record and everything after it as corrupt."""
    assert parse_warc_date("0001-01-01T00:00:00+01:00") is None
    assert parse_warc_date("9999-12-31T23:59:59-01:00") is None
    path = targets.CRASHES / "warc" / "warc-date-year-1-with-offset.warc"
    items = list(iter_warc(str(path), max_bytes=1 << 20))
    assert len(items) == 1 and isinstance(items[0], Document)
    assert items[0].fetched_at is None
