"""Which quotes are one attribution: the product ties each quote to the cue word
that reports it (``Quote.cue_at``), and the benchmark reads its items from that."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from newsdesk.enrich import enrich
from newsdesk.model import Article, Paragraph, Quote

_PATH = Path(__file__).resolve().parents[2] / "bench" / "quotes.py"
_SPEC = importlib.util.spec_from_file_location("bench_quotes", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
bench = sys.modules.get("bench_quotes") or importlib.util.module_from_spec(_SPEC)
if "bench_quotes" not in sys.modules:
    sys.modules["bench_quotes"] = bench  # dataclasses look their module up
    _SPEC.loader.exec_module(bench)


def _quotes(*paragraphs: str) -> tuple[str, list[Quote]]:
    article = Article(url=None, title="t", paragraphs=[Paragraph(p) for p in paragraphs])
    return article.body, enrich(article).quotes


def test_pieces_of_one_quote_around_its_cue_share_the_cue() -> None:
    body, quotes = _quotes(
        "“We will rebuild the harbour before winter comes,” Mayor Ann Lee said. "
        "“Nobody in this town will be left without a home.”"
    )
    direct = [q for q in quotes if q.kind == "direct"]
    assert len(direct) == 2
    assert direct[0].cue_at is not None and direct[0].cue_at == direct[1].cue_at
    assert body[direct[0].cue_at : direct[0].cue_at + 4] == "said"
    items = bench.merge_by_cue(body, quotes)
    texts = [p.text for p in items if "harbour" in p.text]
    # one item, its pieces joined without the narration between them
    assert texts == [
        "We will rebuild the harbour before winter comes "
        "Nobody in this town will be left without a home."
    ]


def test_two_cues_are_two_attributions() -> None:
    body, quotes = _quotes(
        "“The budget is a disgrace to every taxpayer,” Senator Tom Hale said on Monday. "
        "Later that day Governor Rita Moss said “the numbers simply do not add up at all.”"
    )
    quoted = [q for q in quotes if q.kind != "indirect"]
    assert len(quoted) == 2 and quoted[0].cue_at != quoted[1].cue_at
    assert len([p for p in bench.merge_by_cue(body, quotes) if "“" not in p.text]) >= 2


def test_a_reported_clause_joins_the_quote_its_cue_also_reports() -> None:
    body = "Gore tried to leave the scandal behind, and in doing so he “made a strategic mistake”"
    quotes = [
        Quote("x", 0, 38, "indirect", "Allan Lichtman", cue="said", cue_at=100),
        Quote(
            "made a strategic mistake", 59, 83, "partial", "Allan Lichtman", cue="said", cue_at=100
        ),
        Quote("an unrelated clause", 40, 50, "indirect", "Lee", cue="argued", cue_at=120),
    ]
    items = bench.merge_by_cue(body, quotes)
    assert len(items) == 2
    assert items[0].text == body[0:38] + " " + body[59:83]
    assert items[0].speaker == "Allan Lichtman"
