"""Run one fuzz target under atheris: ``python run_atheris.py TARGET CORPUS [libFuzzer flags]``.

The corpus folder is filled with the target's seeds first.  libFuzzer's
flags bound the run (``-max_total_time=10 -seed=1``); a crash prints the
traceback, writes the input to ``-artifact_prefix`` and exits non-zero.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["newsdesk"]):
    import targets


def main() -> None:
    name, corpus, *flags = sys.argv[1:]
    target = targets.TARGETS[name]
    folder = Path(corpus)
    folder.mkdir(parents=True, exist_ok=True)
    for seed in targets.seeds(name):
        (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    # Import (and warm) everything the target touches before fuzzing starts.
    for seed in targets.seeds(name):
        target(seed)
    atheris.Setup([sys.argv[0], *flags, str(folder)], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
