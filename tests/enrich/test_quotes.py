"""Quotes and entities on the seed page and on bad input, with the real model.

The spaCy model is loaded once per test session (``load_nlp`` caches it per
process), so these tests stay fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.enrich import enrich, enrich_batch
from newsdesk.enrich.language import detect_english
from newsdesk.enrich.quotes import find_quote_spans
from newsdesk.extract import extract
from newsdesk.ingest import iter_documents
from newsdesk.model import Article, Enrichment, Paragraph

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "sample" / "republished-article.txt"


@pytest.fixture(scope="module")
def seed() -> tuple[Article, Enrichment]:
    doc = next(d for d in iter_documents([SEED]) if not hasattr(d, "reason"))
    article = extract(doc)  # type: ignore[arg-type]
    return article, enrich(article)


def _article(*paragraphs: str, language: str | None = None) -> Article:
    return Article(
        url=None, title="t", paragraphs=[Paragraph(p) for p in paragraphs], language=language
    )


def _by(result: Enrichment, start_of_text: str):  # type: ignore[no-untyped-def]
    found = [q for q in result.quotes if q.text.startswith(start_of_text)]
    assert found, f"no quote starting {start_of_text!r}"
    return found[0]


# Every direct quotation of the seed, with the speaker and the role the text gives.
SEED_DIRECT = [
    ("One way or other", "Lee Jai-chun", "a former South Korean ambassador to Russia"),
    ("The special treatment from Putin", "Lee Jai-chun", "a former South Korean ambassador"),
    ("If Kim’s eyes are on the ball", "Soo Kim", "a former CIA analyst"),
    ("We read this as a sign of desperation", "Soo Kim", None),  # continues, next paragraph
    ("Russia takes advantage of any person", "Wi Sung-lac", "a former South Korean ambassador"),
    ("So Kim Jong Un, despite his bad reputation", "Wi Sung-lac", None),
    ("One of the signals that Putin", "Wi Sung-lac", None),  # "Wi said"
    ("Russia’s benefits are more short-term", "Ryo Hinata-Yamaguchi", "assistant professor"),
    ("Satellite cooperation will be disguised", "Go Myong-hyun", "research fellow"),
    ("North Korea is clearly looking", "Go Myong-hyun", None),
    ("If Russia had not suffered losses", "Park Won-gon", "North Korea expert"),
    ("North Korea also understands", "Park Won-gon", None),
    ("Beijing doesn’t want to get into", "Zhu Feng", "dean of international studies"),
    ("To see some kind of resumption", "Zhu Feng", None),
]


@pytest.mark.parametrize(("text", "speaker", "role"), SEED_DIRECT)
def test_seed_direct_quotes(seed, text: str, speaker: str, role: str | None) -> None:
    article, result = seed
    quotes = [q for q in result.quotes if q.kind == "direct" and text in q.text]
    assert quotes, f"direct quote {text!r} not found"
    q = quotes[0]
    assert q.speaker == speaker
    assert article.body[q.start : q.end] == q.text
    if role is not None:
        assert q.role is not None and role in q.role
    assert q.cue in {"said", "wrote"}


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("all decisions of President Putin", "Kim Jong Un"),
        ("fight against imperialism", "Kim Jong Un"),  # "He said" -> Kim
        ("has something to offer", "Vladimir Putin"),
        ("interesting projects", "Vladimir Putin"),
        ("something between their two countries", "China’s Ministry of Foreign Affairs"),
    ],
)
def test_seed_partial_quotes(seed, text: str, speaker: str) -> None:
    _article_, result = seed
    q = _by(result, text)
    assert q.kind == "partial"
    assert q.speaker == speaker


def test_seed_indirect_and_organisations(seed) -> None:
    _article_, result = seed
    kremlin = [q for q in result.quotes if q.speaker == "Kremlin"]
    assert kremlin and kremlin[0].kind == "indirect" and kremlin[0].cue == "said"
    wi = [q for q in result.quotes if q.kind == "indirect" and q.speaker == "Wi Sung-lac"]
    assert wi and wi[0].text.startswith("Together, Kim and Putin are sending the message")


def test_seed_no_quote_from_page_junk(seed) -> None:
    article, result = seed
    for q in result.quotes:
        assert "See also" not in q.text and "Latest articles" not in q.text
        assert article.body[q.start : q.end] == q.text


def test_seed_entities_canonical(seed) -> None:
    _article_, result = seed
    people = {e.name: e.mentions for e in result.entities if e.kind == "person"}
    assert "Vladimir Putin" in people and "Putin" not in people
    assert people["Vladimir Putin"] > 10  # every "Putin" counted as him
    assert "Kim Jong Un" in people and "Kim" not in people
    assert "Wi Sung-lac" in people and "Go Myong-hyun" in people
    places = {e.name for e in result.entities if e.kind == "place"}
    assert {"Russia", "North Korea", "Pyongyang"} <= places
    orgs = {e.name for e in result.entities if e.kind == "org"}
    assert "Kremlin" in orgs


def test_unbalanced_quotation_marks() -> None:
    body = (
        "The mayor said the plan “would never work, and left the room.\n\n"
        "Officials disagreed. “It will work,” said Ana Ruiz, the city engineer."
    )
    spans = find_quote_spans(body)
    texts = [body[s.start : s.end] for s in spans]
    assert texts == ["It will work"]  # the stray opener does not swallow the paragraph
    result = enrich(_article(*body.split("\n\n")))
    direct = [q for q in result.quotes if q.kind == "direct"]
    assert [(q.text, q.speaker) for q in direct] == [("It will work", "Ana Ruiz")]


def test_quote_spanning_paragraphs_keeps_its_speaker() -> None:
    paragraphs = [
        "“We will rebuild the bridge before winter,” said Maria Lopez, the transport minister. "
        "“The money is there.",
        "“And the engineers are ready to start on Monday,” she added.",
        "“Nobody will wait longer than they must.",
        "“Not one day,” the opposition leader Tom Reyes said later.",
    ]
    result = enrich(_article(*paragraphs))
    body = "\n\n".join(paragraphs)
    speakers = {q.text: q.speaker for q in result.quotes if q.kind != "indirect"}
    assert speakers["The money is there."] == "Maria Lopez"
    assert speakers["And the engineers are ready to start on Monday"] == "Maria Lopez"
    assert speakers["Nobody will wait longer than they must."] == "Maria Lopez"
    assert speakers["Not one day"] == "Tom Reyes"
    for q in result.quotes:
        assert body[q.start : q.end] == q.text


def test_non_english_article_is_skipped_with_a_reason() -> None:
    german = _article(
        "Der Bürgermeister sagte am Montag, dass die Brücke noch vor dem Winter wieder "
        "aufgebaut werde. „Das Geld ist da“, sagte er den Journalisten im Rathaus.",
        "Die Opposition kritisierte den Plan und forderte eine Abstimmung im Stadtrat.",
    )
    declared = _article("Le maire a dit que le pont sera reconstruit.", language="fr")
    english = _article("“The money is there,” said Maria Lopez, the transport minister.")
    results = enrich_batch([german, declared, english])
    assert results[0].skipped and "not English" in results[0].skipped
    assert not results[0].quotes and not results[0].entities
    assert results[1].skipped and "'fr'" in results[1].skipped
    assert results[2].skipped is None and results[2].quotes


def test_empty_body_is_skipped() -> None:
    assert enrich(_article("")).skipped == "no body text"


def test_language_check() -> None:
    assert detect_english("The minister said on Monday that the bridge would be rebuilt.").english
    assert not detect_english(
        "El alcalde dijo el lunes que el puente sería reconstruido pronto."
    ).english
    assert not detect_english("x", declared="de-DE").english
