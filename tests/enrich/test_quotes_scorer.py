"""The PolNeAR benchmark's speaker rule, as its README words it: the predicted
speaker "shares a capitalised name word with" the gold Source."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[2] / "bench" / "quotes.py"
_SPEC = importlib.util.spec_from_file_location("bench_quotes", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
bench = importlib.util.module_from_spec(_SPEC)
sys.modules["bench_quotes"] = bench  # dataclasses look their module up
_SPEC.loader.exec_module(bench)


def _speaker_ok(source: str, speaker: str | None) -> bool:
    gold = [bench.Gold([(0, 20)], "we will win this race easily", source)]
    pred = [bench.Pred(0, 20, "we will win this race easily", speaker)]
    tally = bench.score(gold, pred)
    assert tally.matched == 1 and tally.named == 1
    return tally.speaker_ok == 1


def test_a_shared_name_word_counts_whatever_punctuation_holds_it() -> None:
    assert _speaker_ok("Speaker of the House Rep. Paul Ryan (R-WI)", "R-WI")
    assert _speaker_ok("the authors of the “Growth and Opportunity Project,”", "Growth")
    assert _speaker_ok("a fresh CNN/ORC poll", "CNN")
    assert _speaker_ok("Trump’s campaign", "Donald Trump")


def test_no_shared_capitalised_name_word_is_wrong() -> None:
    assert not _speaker_ok("a longtime adviser to Trump", "longtime adviser")
    assert not _speaker_ok("Senator Bernie Sanders", "President")
    assert not _speaker_ok("Hillary Clinton", None)
