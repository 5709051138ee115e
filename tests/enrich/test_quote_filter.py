"""The learned direct-quote filter, on hand-written sentences with the real model."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk.enrich import enrich, quote_filter
from newsdesk.enrich.entities import find_entities
from newsdesk.enrich.nlp import parse
from newsdesk.model import Article, Paragraph

SHOW = 'The senator appeared on NBC\'s "Meet the Press" on Sunday and said little.'
SPEECH = '"We will win this state by a wide margin," Smith said. "Nobody believes the polls."'


def _article(*paragraphs: str) -> Article:
    return Article(url=None, title="t", paragraphs=[Paragraph(p) for p in paragraphs])


def _features(body: str) -> dict[str, list[str]]:
    from newsdesk.enrich.quotes import quote_candidates

    doc = next(iter(parse([body])))
    pairs = quote_candidates(doc, body, find_entities(doc).canonical)
    return {q.text: quote_filter.features(c, doc, body) for q, c in pairs if c is not None}


def test_a_show_title_is_dropped_and_speech_kept() -> None:
    quotes = enrich(_article(SHOW, SPEECH)).quotes
    texts = [q.text for q in quotes if q.kind != "indirect"]
    assert "Meet the Press" not in texts
    assert "We will win this state by a wide margin" in texts
    assert "Nobody believes the polls." in texts
    assert all(q.speaker == "Smith" for q in quotes if q.text.startswith(("We will", "Nobody")))


def test_features_read_the_signs_of_speech_and_titles() -> None:
    feats = _features(SHOW + "\n\n" + SPEECH)
    title = feats["Meet the Press"]
    assert "case=title" in title and "k=partial" in title
    assert "prev='s" in title  # after a possessive: a programme, a book, a song
    speech = feats["We will win this state by a wide margin"]
    assert "governs" in speech and "cue=said" in speech and "p1" in speech
    assert "end=," in speech and "opens" in speech
    turn = _features('WALLACE: "Do you accept the result of the election?"')
    assert "turn" in next(iter(turn.values()))


def test_no_table_keeps_every_quote(tmp_path: Path) -> None:
    assert quote_filter.load_model(tmp_path / "absent.json") is None
    model = quote_filter.Model({"case=title": -5.0}, 0.0, 0.5)
    assert model.score(["case=title"]) < 0.5 <= model.score(["case=lower"])


def test_shipped_table_holds_feature_names_not_text() -> None:
    data = json.loads(quote_filter.TABLE.read_text(encoding="utf-8"))
    assert 0.0 < data["threshold"] < 1.0
    for name in data["weights"]:
        assert " " not in name and len(name) <= 40, name
