"""Behaviours of the HTML extractor on small inline pages.

Each page is built to need one behaviour: subheads kept as subheads, a junk
rule firing, date provenance, a page without an article refused.  The pages
carry enough body text for trafilatura to accept them as articles.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.errors import NoArticle
from newsdesk.extract import extract
from newsdesk.extract.html import find_dateline
from newsdesk.extract.htmlrules import Block, clean_paragraphs
from newsdesk.model import Document

BODY = [
    "The city council voted on Tuesday to expand the tram network by twelve kilometres, "
    "ending a debate that had divided residents for nearly three years.",
    "Supporters said the extension would cut commuting times for the eastern districts, "
    "where buses are often full before they reach the ring road in the morning.",
    "Opponents argued that the cost, estimated at four hundred million euros, would force "
    "the city to postpone repairs to bridges and schools until the end of the decade.",
    "The mayor said construction would begin next spring and that the first new stops "
    "could open to passengers within three years if the tendering goes to plan.",
]


def page(
    body: str,
    *,
    title: str = "Council approves tram extension",
    head: str = "",
    lang: str = "en",
) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title>{head}</head><body>"
        f"<header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<footer><p>Contact us</p></footer></body></html>"
    ).encode()


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def run(content: bytes, **kwargs):
    return extract(Document(location="test.html", content=content, content_type="html", **kwargs))


def test_body_paragraphs_in_order_without_the_title():
    article = run(page(paragraphs(*BODY)))
    assert [p.text for p in article.paragraphs] == BODY
    assert article.title == "Council approves tram extension"
    assert article.language == "en"
    assert article.content_type == "html"


def test_subheads_are_kept_as_kind_h():
    body = paragraphs(*BODY[:2]) + "<h2>What happens next</h2>" + paragraphs(*BODY[2:])
    article = run(page(body))
    kinds = [(p.kind, p.text) for p in article.paragraphs]
    assert ("h", "What happens next") in kinds
    assert kinds.index(("h", "What happens next")) == 2


def test_table_rows_stay_separate():
    table = (
        "<table><tr><th>Line</th><th>Length</th></tr>"
        "<tr><td>East</td><td>7 km</td></tr><tr><td>North</td><td>5 km</td></tr></table>"
    )
    article = run(page(paragraphs(*BODY[:2]) + table + paragraphs(*BODY[2:])))
    texts = [p.text for p in article.paragraphs]
    assert "East | 7 km" in texts and "North | 5 km" in texts


@pytest.mark.parametrize(
    "junk",
    [
        "Related: <a href='/a'>Council delays the bridge vote again</a>",
        "Sign up for our morning newsletter to get the news in your inbox.",
        "Follow her on Twitter <a href='https://twitter.com/x'>@reporter</a>.",
        "Updated at 1:23 p.m.",
        "Photo: Jane Doe / Reuters",
        "Filed under: <a href='/t'>Transport</a>",
        "12 comments",
    ],
)
def test_junk_lines_inside_the_article_are_dropped(junk):
    body = paragraphs(BODY[0], BODY[1], junk, BODY[2], BODY[3])
    texts = [p.text for p in run(page(body)).paragraphs]
    assert texts == BODY


def test_list_of_linked_headlines_after_a_label_is_dropped():
    teasers = (
        "<h3>More:</h3><ul>"
        "<li><a href='/1'>Bus fares to rise in January</a></li>"
        "<li><a href='/2'>Cycle lanes planned for the old town</a></li></ul>"
    )
    texts = [p.text for p in run(page(paragraphs(*BODY) + teasers)).paragraphs]
    assert texts == BODY


def test_repeated_headline_and_standfirst_are_dropped():
    body = (
        "<h2>Council approves tram extension</h2>"
        "<h2>Twelve kilometres of new track by 2028</h2>" + paragraphs(*BODY)
    )
    texts = [p.text for p in run(page(body)).paragraphs]
    assert texts == BODY


def test_hover_card_text_is_not_glued_into_the_sentence():
    first = (
        "The city council voted on Tuesday, said <span class='rollover-people'>"
        "<a href='/p/anna'>Anna Berg</a><span class='rollover-people-block'>"
        "<a href='/p/anna'>Anna Berg</a><a href='/x'>Berg wins seat in landslide</a>"
        "</span></span>, to expand the tram network by twelve kilometres."
    )
    texts = [p.text for p in run(page(paragraphs(first, *BODY[1:]))).paragraphs]
    assert texts[0].startswith("The city council voted on Tuesday, said Anna Berg, to expand")
    assert "landslide" not in " ".join(texts)


def test_rules_on_blocks_directly():
    blocks = [
        Block("Council approves tram extension", "h", "head"),
        Block(BODY[0]),
        Block("Read more: Bus fares to rise", link_share=0.8, links=1),
        Block("[button link='/x']Send us your story[/button] and win"),
        Block(BODY[1]),
    ]
    out = clean_paragraphs(blocks, title="Council approves tram extension | Daily")
    assert [p.text for p in out] == [BODY[0], "Send us your story and win", BODY[1]]


def test_date_from_page_metadata():
    head = '<meta property="article:published_time" content="2024-03-05T09:30:00+00:00">'
    article = run(page(paragraphs(*BODY), head=head))
    assert article.date_source == "meta"
    assert article.published_at is not None and article.published_at.date().isoformat() == (
        "2024-03-05"
    )


def test_date_from_input_hint_when_page_has_none():
    article = run(page(paragraphs(*BODY)), hints={"published_at": "2024-02-01T08:00:00Z"})
    assert article.date_source == "input"
    assert article.published_at == datetime(2024, 2, 1, 8, 0, tzinfo=UTC)


def test_no_date_anywhere():
    article = run(page(paragraphs(*BODY)))
    assert article.date_source == "none"
    assert article.published_at is None


def test_metadata_fields():
    head = (
        '<meta name="author" content="Anna Berg">'
        '<meta property="og:site_name" content="Daily Courier">'
        '<link rel="canonical" href="https://example.com/news/tram">'
    )
    article = run(page(paragraphs(*BODY), head=head), url="https://example.com/news/tram?x=1")
    assert article.authors == ["Anna Berg"]
    assert article.site_name == "Daily Courier"
    assert article.canonical_url == "https://example.com/news/tram"
    assert article.url == "https://example.com/news/tram?x=1"


def test_dateline():
    assert find_dateline("SEOUL — Russian President Vladimir Putin said") == "SEOUL"
    assert find_dateline("The mayor said") is None
    body = paragraphs("BERLIN — " + BODY[0], *BODY[1:])
    assert run(page(body)).dateline == "BERLIN"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n ",
        b"<html><head><title>x</title></head><body></body></html>",
        b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
        b"\x00\x01\x02\x03binary\x00\x00" * 50,
    ],
)
def test_page_without_article_raises_no_article(content):
    with pytest.raises(NoArticle):
        run(content)
