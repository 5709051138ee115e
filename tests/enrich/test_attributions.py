"""Indirect attributions (reported speech and stance) on small hand-written articles."""

from __future__ import annotations

from newsdesk.enrich import enrich
from newsdesk.enrich.attributions import load_model
from newsdesk.model import Article, Enrichment, Paragraph, Quote


def _enrich(*paragraphs: str) -> tuple[Article, Enrichment]:
    article = Article(url=None, title="t", paragraphs=[Paragraph(p) for p in paragraphs])
    return article, enrich(article)


def _indirect(result: Enrichment, start_of_text: str) -> Quote:
    found = [q for q in result.quotes if q.kind == "indirect" and q.text.startswith(start_of_text)]
    assert found, f"no indirect attribution starting {start_of_text!r}: {result.quotes}"
    return found[0]


def test_reported_clause_with_pronoun_resolved_to_the_person_named() -> None:
    article, result = _enrich(
        "Mayor Robert Johnson spoke to reporters at City Hall on Monday morning.",
        "She said the bridge would reopen in May after the repairs are finished.",
    )
    q = _indirect(result, "the bridge would reopen in May")
    assert q.speaker == "Robert Johnson" and q.cue == "said"
    assert article.body[q.start : q.end] == q.text
    assert q.text.endswith("finished")  # the final full stop is not content


def test_stance_verb_with_a_that_clause() -> None:
    _article, result = _enrich(
        "Local officials believe that the new tax will drive small shops out of the city centre."
    )
    q = _indirect(result, "that the new tax will drive small shops")
    assert q.speaker == "Local officials" and q.cue == "believe"


def test_according_to_a_source_that_is_no_name_keeps_its_phrase() -> None:
    _article, result = _enrich(
        "Most residents oppose the plan to close the library, according to a new survey by "
        "the Harbor Research Center."
    )
    q = _indirect(result, "Most residents oppose the plan")
    assert q.cue == "according to"
    assert q.speaker is not None and "Harbor Research Center" in q.speaker


def test_relative_clause_speaker_is_the_noun_it_describes() -> None:
    _article, result = _enrich(
        "Tom Becker, who said the council had ignored the warnings for years, "
        "lost the election by a narrow margin."
    )
    q = _indirect(result, "the council had ignored the warnings")
    assert q.speaker == "Tom Becker"


def test_content_stays_in_its_paragraph_and_skips_direct_quotes() -> None:
    article, result = _enrich(
        "“We will not raise fares this year,” said Lena Park, the transit director.",
        "Park said the agency would look for savings in its maintenance budget instead.",
    )
    direct = [q for q in result.quotes if q.kind == "direct"]
    assert direct and direct[0].speaker == "Lena Park"
    q = _indirect(result, "the agency would look for savings")
    assert q.speaker == "Lena Park"
    second = article.body.index("Park said")
    assert second <= q.start and q.end <= len(article.body)
    for other in result.quotes:
        if other.kind == "indirect":
            assert not (other.start < direct[0].end and other.end > direct[0].start)


def test_model_file_holds_weights_only() -> None:
    model = load_model()
    assert 0.0 < model.threshold < 1.0
    assert model.weights and all(isinstance(w, float) for w in model.weights.values())
    assert max(len(name) for name in model.weights) < 80  # feature names, never sentences
