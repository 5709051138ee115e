"""What every benchmark script shares: the machine line and RESULTS.md sections.

Each script owns one ``## `` section of ``bench/RESULTS.md`` and replaces only
that section, so scripts can be rerun in any order without clobbering others.
"""

from __future__ import annotations

import os
import platform
import re
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
SHARED = HERE.parent.parent / "shared"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def machine() -> str:
    return f"{os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}"


def stamp(command: str) -> str:
    """The line every section starts with: when, how to rerun, on what."""
    return f"Date: {date.today()}. Command: `{command}`. Machine: {machine()}."


def write_section(heading: str, section: str, path: Path = RESULTS) -> None:
    """Replace (or append) the section that starts with ``heading``."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if not section.startswith(heading):
        section = f"{heading}\n\n{section}"
    section = section.rstrip("\n") + "\n\n"
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
