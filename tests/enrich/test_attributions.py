"""Indirect attributions (reported speech and stance) on small hand-written articles."""

from __future__ import annotations

from newsdesk.enrich import enrich
from newsdesk.enrich.attribution_model import Model, context_features, features, load_model, stem
from newsdesk.enrich.attributions import accepted, candidates
from newsdesk.enrich.entities import find_entities
from newsdesk.enrich.nlp import parse
from newsdesk.enrich.quotes import MIN_WORDS, _Context, find_quote_spans, find_quotes, word_count
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
    assert model.context_weights  # the second look ships in the same file
    assert max(len(name) for name in model.context_weights) < 80


def _candidates(text: str) -> list[tuple[str, str]]:
    """(cue, content) of every candidate of a one-article text, before the model."""
    doc = next(parse([text]))
    index = find_entities(doc)
    quotes = find_quotes(doc, text, index.canonical)
    spans = [q for q in find_quote_spans(text) if word_count(text[q.start : q.end]) >= MIN_WORDS]
    ctx = _Context(doc, text, spans, index.canonical)
    return [(c.cue.text, text[c.start : c.end]) for c in candidates(ctx, quotes)]


def test_reported_lead_in_keeps_the_quote_it_runs_into() -> None:
    text = (
        "Councillor Maria Alvarez said the budget was “a betrayal of every family that "
        "depends on the bus.”"
    )
    article, result = _enrich(text)
    q = _indirect(result, "the budget was")
    assert q.speaker == "Maria Alvarez"
    assert q.text.rstrip("”.").endswith("depends on the bus")  # the whole quote, not cut
    quoted = [x for x in result.quotes if x.kind != "indirect"]
    assert quoted and all(q.start <= x.start and x.end <= q.end for x in quoted)


def test_direct_quote_alone_is_not_reported_again_as_indirect() -> None:
    _article, result = _enrich(
        "“We will finish the new school before the winter term begins,” said Paul Grant."
    )
    assert [q.kind for q in result.quotes] == ["direct"]


def test_reporting_verb_hung_off_its_clause_takes_that_clause() -> None:
    found = _candidates(
        "Still, she said, the council has to decide who pays for the repairs to the bridge."
    )
    assert ("said", "the council has to decide who pays for the repairs to the bridge") in found


def test_content_runs_on_through_the_next_sentence_as_a_second_candidate() -> None:
    text = (
        "''We are worried about the river,'' Tom Reed said. ''The water rises a little more "
        "every single day.''"
    )
    said = [content for cue, content in _candidates(text) if cue == "said"]
    assert any(c.startswith("We are worried") and "every single day" in c for c in said)
    assert any(c.startswith("We are worried") and "every single day" not in c for c in said)


def test_phrase_content_stops_before_a_relative_clause_after_a_comma() -> None:
    found = _candidates(
        "The senator praised the volunteers, who had worked through the night, at a rally."
    )
    assert ("praised", "the volunteers") in found


def test_one_content_per_cue_and_no_two_with_nearly_the_same_words() -> None:
    text = (
        "Dana Cole said she thinks the new stadium will bring jobs to the east side of town. "
        "''It is good news,'' Cole said. ''The work starts in March.''"
    )
    found = _candidates(text)
    model = Model({}, 0.0, 0.1)  # every candidate scores 0.5: only the rules decide
    doc = next(parse([text]))
    index = find_entities(doc)
    quotes = find_quotes(doc, text, index.canonical)
    ctx = _Context(doc, text, [], index.canonical)
    kept = accepted(candidates(ctx, quotes), model, text)
    assert len(kept) < len(found)
    assert len({c.cue.i for c in kept}) == len(kept)
    bags = [set(text[c.start : c.end].lower().split()) for c in kept]
    for i, a in enumerate(bags):
        for b in bags[i + 1 :]:
            assert len(a & b) < max(len(a), len(b)) / 2


def _article_candidates(text: str) -> list:
    doc = next(parse([text]))
    index = find_entities(doc)
    quotes = find_quotes(doc, text, index.canonical)
    ctx = _Context(doc, text, [], index.canonical)
    return candidates(ctx, quotes)


def test_second_look_sees_a_cue_inside_another_candidates_content() -> None:
    text = "Dana Cole said she thinks the new stadium will bring jobs to the east side of town."
    cands = _article_candidates(text)
    said = next(c for c in cands if c.cue.text == "said")
    thinks = next(c for c in cands if c.cue.text == "thinks")
    feats = context_features(cands, [0.9 if c is said else 0.2 for c in cands])
    by_cand = {id(c): f for c, f in zip(cands, feats, strict=True)}
    assert any(f.startswith("in=9|") for f in by_cand[id(thinks)])  # inside a likely content
    assert any(f.startswith("has=2|") for f in by_cand[id(said)])  # holds an unlikely cue
    assert "s1=9" in by_cand[id(said)] and "s1=2" in by_cand[id(thinks)]


def test_second_look_decides_from_its_own_weights() -> None:
    text = "Dana Cole said she thinks the new stadium will bring jobs to the east side of town."
    cands = _article_candidates(text)
    first = Model({"f=thinks": 1.0, "f=said": -1.0}, 0.0, 0.4)  # the first look: inner only
    kept = accepted(cands, first, text)
    assert any(c.cue.text == "thinks" for c in kept)
    assert not any(c.cue.text == "said" for c in kept)
    probs = [first.first(features(c)) for c in cands]
    inside = {f for f in sum(context_features(cands, probs), []) if f.startswith("in=")}
    second = Model(
        {"f=thinks": 1.0},
        0.0,
        0.4,
        context_weights={"f=thinks": 1.0, **{f: -5.0 for f in inside}},
    )
    kept = accepted(cands, second, text)
    assert any(c.cue.text == "said" for c in kept)
    assert not any(c.cue.text == "thinks" for c in kept)


def test_reporting_verb_with_a_clause_on_each_side_has_a_candidate_for_each() -> None:
    found = _candidates(
        "The plan was never funded, the mayor argued, and the council must now find the money."
    )
    argued = [content for cue, content in found if cue == "argued"]
    assert len(argued) >= 1
    assert all("argued" not in c for c in argued)


def test_reported_clause_stops_before_a_second_reporting_verb() -> None:
    found = _candidates(
        "Ms. Hale noted that the troop numbers already lag the target and asked whether "
        "the minister could reach it."
    )
    noted = [content for cue, content in found if cue == "noted"]
    assert "that the troop numbers already lag the target" in noted
    assert all("asked" not in c for c in noted)


def test_headline_lead_in_with_a_colon_in_a_paragraph_without_a_reporting_word() -> None:
    text = (
        "Kasich: Republican Populist Anger Appeals to the Worst in Us\n\n"
        "The governor spoke in Ohio on Monday."
    )
    found = _candidates(text)
    assert (":", "Republican Populist Anger Appeals to the Worst in Us") in found


def test_next_sentence_that_opens_a_quote_runs_to_the_end_of_the_quote() -> None:
    text = (
        "''Courses may charge more because members expect good service,'' Mr. Chipok said. "
        "''But public courses may not have the money. The courses look worse and so they "
        "charge less.'' He left the club in May."
    )
    said = [content for cue, content in _candidates(text) if cue == "said"]
    assert any(c.rstrip("'").endswith("charge less.") for c in said)
    assert all("He left" not in c for c in said)


def test_call_for_someone_to_act_reports_the_for_clause() -> None:
    found = _candidates(
        "Some candidates have called for the United States and its allies to send ground forces."
    )
    called = [content for cue, content in found if cue == "called"]
    assert any(c.endswith("to send ground forces") for c in called)


def test_forms_of_one_cue_share_a_stem_feature() -> None:
    assert {stem(w) for w in ("argued", "argues", "arguing", "argue")} == {"argu"}
    assert stem("said") == "said" and stem("tells") == "tell" and stem("is") == "is"
    text = "Senator Ann Lee criticized the plan. Her aide criticizes it too."
    doc = next(parse([text]))
    index = find_entities(doc)
    ctx = _Context(doc, text, [], index.canonical)
    cands = [c for c in candidates(ctx, []) if c.cue.lower_.startswith("critici")]
    assert len({c.cue.lower_ for c in cands}) == 2
    shared = set.intersection(*(set(features(c)) for c in cands))
    assert "st=criticiz" in shared
    # what the content holds is seen too: its last word, names, verbs
    assert any(f.startswith(("ct=", "ce=", "cv=")) for f in features(cands[0]))


def test_of_two_overlapping_the_one_reporting_the_other_is_kept() -> None:
    # both taken on their own, the inner one likelier: "said" holds "thinks" in its
    # content, so the attribution kept is Dana Cole's
    text = "Dana Cole said she thinks the new stadium will bring jobs to the east side of town."
    cands = _article_candidates(text)
    kept = accepted(cands, Model({"f=thinks": 1.0}, 0.0, 0.4), text)
    assert [c.cue.text for c in kept if c.cue.text in ("said", "thinks")] == ["said"]


def test_an_inverted_or_empty_content_range_is_no_crash() -> None:
    # a content trimmed past its end (a closing mark, then a paragraph break) reached
    # the trailing-aside rule as start > end and made spaCy raise for the whole article
    from newsdesk.enrich.attribution_spans import trailing_aside

    text = "Rivals mocked Hillary Clinton.”\n\nHolt’s liberal NBC colleagues said nothing."
    doc = next(parse([text]))
    start = text.index("Holt")
    assert trailing_aside(doc[0], start, start - 2) == start - 2
    assert trailing_aside(doc[0], start, start) == start
