"""Properties that must hold for every input, checked by hypothesis.

* Ingest is idempotent: the same input twice stores nothing new and changes
  no article.
* The text cleaner only removes: every paragraph it keeps is text of the
  input (whitespace aside), so it can drop junk but never invent or reword.
* The sanitizer is idempotent, and what it lets through holds no script, no
  event handler and no ``javascript:`` (or other non-http) link.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.errors import NewsdeskError
from newsdesk.extract import extract_text
from newsdesk.model import Document
from newsdesk.pipeline import ingest_paths
from newsdesk.settings import Settings
from newsdesk.store import open_store
from newsdesk.web.sanitize import clean_html

SLOW = settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
FAST = settings(max_examples=300, deadline=None, derandomize=True)

WORDS = st.sampled_from(
    [
        "the",
        "council",
        "budget",
        "harbour",
        "bridge",
        "said",
        "on",
        "Tuesday",
        "minister",
        "schools",
        "storm",
        "rescue",
        "Kim",
        "Putin",
        "«quoted»",
        "“curly”",
        "'single'",
        "—",
        "2024",
        "Nov.",
        "19,",
        "p.m.",
        "Share",
        "Facebook",
        "Twitter",
        "Read",
        "more",
        "Advertisement",
        "Subscribe",
        "Photo:",
        "©",
        "Reuters",
        "See",
        "also",
        "Source",
        "link:",
        "https://ex.org/a",
        "élan",
        "naïve",
        "東京",
        "Москва",
    ]
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=40).map(lambda ws: " ".join(ws) + ".")
LINE = st.one_of(
    SENTENCE,
    st.lists(WORDS, min_size=1, max_size=5).map(" ".join),  # short: menus, headings
    st.just(""),
    st.text(max_size=80),
)
PAGE = st.lists(LINE, min_size=1, max_size=60).map("\n".join)


def _norm(text: str) -> str:
    return " ".join(text.split())


@FAST
@given(PAGE, st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_text_cleaner_only_removes(page, newline):
    doc = Document("p.txt", page.replace("\n", newline).encode(), "text")
    try:
        article = extract_text(doc)
    except NewsdeskError:
        return
    source = _norm(page)
    for paragraph in article.paragraphs:
        assert _norm(paragraph.text) in source, paragraph.text


# -- ingest idempotent --------------------------------------------------------

RECORD = st.fixed_dictionaries(
    {"url": st.integers(0, 6).map(lambda n: f"https://ex.org/{n}")},
    optional={"title": SENTENCE, "source": st.sampled_from(["wire", "paper"])},
).flatmap(
    lambda base: st.one_of(
        st.lists(SENTENCE, min_size=3, max_size=12).map(
            lambda ps: {**base, "html": "<article>" + "".join(f"<p>{p}</p>" for p in ps)}
        ),
        PAGE.map(lambda t: {**base, "text": t}),
        st.lists(SENTENCE, min_size=2, max_size=8).map(
            lambda ps: {**base, "body": "\n\n".join(ps)}
        ),
    )
)


@SLOW
@given(st.lists(RECORD, min_size=1, max_size=8, unique_by=lambda r: r["url"]))
def test_ingest_is_idempotent(tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("idem")
    path = folder / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    settings_ = Settings(db=str(folder / "i.db"), workers=1, enrich=False)
    with open_store(settings_.db) as store:
        first_report = ingest_paths([path], store, settings_)
        first = store.article_hashes(), store.count_rows(), store.failures()
        again = ingest_paths([path], store, settings_)
        assert (again.stored, again.updated) == (0, 0)
        assert again.known == first_report.stored
        assert (store.article_hashes(), store.count_rows()) == first[:2]
        assert [f.location for f in store.failures()] == [f.location for f in first[2]]
        assert store.check_consistency() == []


# -- sanitizer ------------------------------------------------------------------

DANGEROUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<body onload="alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<object data=javascript:alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    '<p title="</p><script>alert(1)</script>">t</p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="https://ok.example/" onclick="alert(1)">ok</a>',
]
SAFE = ["<p>", "</p>", "<b>", "</b>", "<a href='https://ex.org/'>", "</a>", "text & more", "<br>"]
HTML = st.lists(st.sampled_from(DANGEROUS + SAFE) | st.text(max_size=20), max_size=12).map("".join)
_URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "iframe", "object", "embed", "svg", "math", "style", "form"}:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if name in _URL_ATTRS and value is not None:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if not scheme.startswith(("http://", "https://")):
                    self.problems.append(f"{tag}[{name}={value!r}]")


def _audit(html: str) -> list[str]:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.problems


@pytest.mark.parametrize("payload", DANGEROUS)
def test_sanitizer_neutralises_known_vectors(payload):
    assert _audit(clean_html(payload)) == []


@FAST
@given(HTML)
def test_sanitizer_is_idempotent_and_safe(html):
    once = clean_html(html)
    assert clean_html(once) == once
    assert _audit(once) == []
