"""Article extraction, newsdesk against the open extractors, in one interleaved run.

Scores ``newsdesk.extract.extract`` and the anchors (trafilatura default and
favor_precision, readability-lxml, jusText, resiliparse, goose3) on
``../shared/bench/article-extraction`` with the benchmark's own 4-gram metric
(``bench/metric.py``), in two modes:

* ``html``: every extractor gets the page as fetched.
* ``text``: newsdesk gets the crawled plain text (``content_type="text"``); the
  anchors get that text wrapped in ``<p>`` per line, as the README's reference
  does, next to the README's two simple baselines.

Timing is interleaved: for each page every extractor runs in turn, so machine
noise (another process, a frequency change) hits all of them alike.  newsdesk's
prediction is ``article.body`` -- paragraphs only, no title -- because the
ground truth's ``articleBody`` excludes the headline; an extractor that raises
counts as an empty prediction.

    .venv/bin/python bench/extraction.py                 # both modes, update RESULTS.md
    .venv/bin/python bench/extraction.py --mode html --worst 15 --no-write
    .venv/bin/python bench/extraction.py --only newsdesk,"trafilatura default"
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import html
import json
import os
import platform
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import cpu_model, write_section  # noqa: E402
from bench.metric import PageScore, Summary, aggregate, score  # noqa: E402
from newsdesk.errors import NewsdeskError  # noqa: E402
from newsdesk.extract import extract  # noqa: E402
from newsdesk.model import Document  # noqa: E402

DATA = ROOT.parent / "shared" / "bench" / "article-extraction"
HEADING = "## Article extraction (HTML and text, newsdesk vs anchors)"
NEWSDESK = "newsdesk"

# An extractor takes (page bytes, ground-truth url) and returns the body text.
Extractor = Callable[[bytes, str | None], str]

_BLOCK = {
    "p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "td", "th", "br", "figure", "figcaption", "dd", "dt",
}  # fmt: skip
_JUSTEXT_LANG = {
    "en": "English", "ru": "Russian", "de": "German", "fr": "French", "es": "Spanish",
    "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "uk": "Ukrainian",
}  # fmt: skip
_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)


def load_pages(mode: str, data: Path = DATA) -> list[tuple[str, str, str | None, bytes]]:
    """``(id, true body, url, page bytes)`` for every page of one mode."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    suffix = ".html.gz" if mode == "html" else ".txt.gz"
    pages = []
    for page_id in sorted(truth):
        path = data / mode / f"{page_id}{suffix}"
        if path.exists():
            raw = gzip.decompress(path.read_bytes())
            pages.append((page_id, truth[page_id]["articleBody"], truth[page_id].get("url"), raw))
    return pages


def _newsdesk(content_type: str) -> Extractor:
    def run(raw: bytes, url: str | None) -> str:
        doc = Document(location=f"bench#{url}", content=raw, content_type=content_type, url=url)  # type: ignore[arg-type]
        try:
            return extract(doc).body
        except NewsdeskError:
            return ""

    return run


def _html_text(root) -> str:  # noqa: ANN001 - an lxml element
    """Text of an lxml tree with a line break after every block, so words never glue."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK:
            element.tail = "\n" + (element.tail or "")
    return re.sub(r"\n\s*\n+", "\n\n", root.text_content()).strip()


def _anchors() -> dict[str, Extractor]:
    """Every anchor that imports here; a missing package is reported, not fatal."""
    out: dict[str, Extractor] = {}
    import trafilatura

    out["trafilatura default"] = lambda raw, url: trafilatura.extract(raw, url=url) or ""
    out["trafilatura favor_precision"] = lambda raw, url: (
        trafilatura.extract(raw, url=url, favor_precision=True) or ""
    )
    try:
        import lxml.html
        from readability import Document as ReadabilityDoc

        def readability(raw: bytes, url: str | None) -> str:
            summary = ReadabilityDoc(raw.decode("utf-8", errors="replace"), url=url).summary()
            return _html_text(lxml.html.fromstring(summary))

        out["readability-lxml"] = readability
    except ImportError:
        print("readability-lxml not installed", file=sys.stderr)
    try:
        import justext

        def jt(raw: bytes, url: str | None) -> str:
            match = _LANG.search(raw[:4096])
            lang = _JUSTEXT_LANG.get(match.group(1).decode().lower() if match else "en", "English")
            paragraphs = justext.justext(raw, justext.get_stoplist(lang))
            return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)

        out["justext"] = jt
    except ImportError:
        print("justext not installed", file=sys.stderr)
    try:
        from resiliparse.extract.html2text import extract_plain_text

        out["resiliparse"] = lambda raw, url: extract_plain_text(
            raw.decode("utf-8", errors="replace"), main_content=True
        )
    except ImportError:
        print("resiliparse not installed", file=sys.stderr)
    try:
        from goose3 import Goose

        goose = Goose({"enable_image_fetching": False})
        out["goose3"] = lambda raw, url: (
            goose.extract(raw_html=raw.decode("utf-8", errors="replace")).cleaned_text or ""
        )
    except ImportError:
        print("goose3 not installed", file=sys.stderr)
    return out


def _wrap(raw: bytes) -> bytes:
    """Plain text as HTML, one ``<p>`` per line (the README's text-mode reference)."""
    lines = raw.decode("utf-8", errors="replace").splitlines()
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines if line.strip())
    return f"<html><body>{body}</body></html>".encode()


def extractors(mode: str) -> dict[str, Extractor]:
    if mode == "html":
        return {NEWSDESK: _newsdesk("html"), **_anchors()}
    out: dict[str, Extractor] = {NEWSDESK: _newsdesk("text")}
    for name, anchor in _anchors().items():
        out[f"{name} (text in <p>)"] = lambda raw, url, anchor=anchor: anchor(_wrap(raw), url)
    out["whole page unchanged"] = lambda raw, url: raw.decode("utf-8", errors="replace")
    out["lines of more than 15 words"] = lambda raw, url: "\n".join(
        line for line in raw.decode("utf-8", errors="replace").splitlines()
        if len(line.split()) > 15
    )  # fmt: skip
    return out


Result = dict[str, tuple[Summary, float, dict[str, PageScore]]]


def run(mode: str, only: set[str] | None = None, data: Path = DATA) -> Result:
    """Score every extractor of a mode; name -> (summary, median ms/page, per-page scores)."""
    pages = load_pages(mode, data)
    methods = {k: v for k, v in extractors(mode).items() if not only or k in only}
    times: dict[str, list[float]] = {name: [] for name in methods}
    scores: dict[str, dict[str, PageScore]] = {name: {} for name in methods}
    for page_id, truth, url, raw in pages:
        for name, method in methods.items():
            t0 = time.perf_counter()
            try:
                pred = method(raw, url)
            except Exception as exc:  # noqa: BLE001 - an anchor's crash is an empty answer
                print(f"{name} failed on {page_id}: {exc!r}", file=sys.stderr)
                pred = ""
            times[name].append((time.perf_counter() - t0) * 1000)
            scores[name][page_id] = score(truth, pred)
    return {
        name: (aggregate(list(scores[name].values())), statistics.median(times[name]), scores[name])
        for name in methods
    }


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    names = ["trafilatura", "readability-lxml", "jusText", "resiliparse", "goose3", "lxml"]
    found = []
    for name in names:
        with contextlib.suppress(PackageNotFoundError):
            found.append(f"{name} {version(name)}")
    return ", ".join(found)


def _table(mode: str, results: Result) -> list[str]:
    n = next(iter(results.values()))[0].pages
    title = "HTML pages (`html/`)" if mode == "html" else "plain-text pages (`text/`)"
    rows = [
        f"| {name} | {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | {ms:.1f} |"
        for name, (s, ms, _) in sorted(results.items(), key=lambda kv: -kv[1][0].f1)
    ]
    return [
        f"### {title}, {n} pages",
        "",
        "| extractor | F1 | precision | recall | median ms/page |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]


def render(all_results: dict[str, Result], command: str) -> str:
    lines = [
        HEADING,
        "",
        f"Date: {dt.date.today().isoformat()}. Command: `{command}`.",
        f"Machine: {os.cpu_count()} CPUs (`os.cpu_count()`), {cpu_model()}, Python "
        f"{platform.python_version()}; {_versions()}.",
        "Data: `../shared/bench/article-extraction/` (dev split); metric `bench/metric.py` "
        "(token 4-gram multisets, per-page normalised, mean P and R, F1 of the means). "
        "newsdesk is `newsdesk.extract.extract(...).body` (no title: the truth has none). "
        "Times are interleaved per page in one process, one page at a time. "
        "An extractor that raises counts as an empty prediction.",
        "",
        "newsdesk on HTML (`newsdesk/extract/html.py`, `htmlrules.py`): one parse; trafilatura "
        "in precision mode (fast, comments off, links kept for counting) with a recall retry "
        "only when the result is short or cut at links; hover cards removed first; then "
        "general junk rules (repeated headline/standfirst, teasers and linked-headline lists, "
        "newsletter/follow/tip prompts, credits, stamps, counters); metadata from meta tags "
        "and JSON-LD with a one-pass byline search.",
        "",
    ]
    for mode, results in all_results.items():
        lines += _table(mode, results)
        if NEWSDESK in results:
            worst = sorted(results[NEWSDESK][2].items(), key=lambda kv: _f1(kv[1]))[:8]
            listed = ", ".join(f"{_f1(s):.2f} `{page_id[:12]}`" for page_id, s in worst)
            lines += [f"Worst {mode} pages for newsdesk (page F1, id): {listed}.", ""]
    return "\n".join(lines)


def _f1(s: PageScore) -> float:
    return 2 * s.tp / (2 * s.tp + s.fp + s.fn) if s.tp else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["html", "text", "both"], default="both")
    parser.add_argument("--only", help="comma-separated extractor names to run")
    parser.add_argument("--worst", type=int, default=0, help="list newsdesk's N worst pages")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"no benchmark data at {DATA}", file=sys.stderr)
        return 1
    warnings.filterwarnings("ignore")
    only = {name.strip() for name in args.only.split(",")} if args.only else None
    modes = ["html", "text"] if args.mode == "both" else [args.mode]
    all_results = {mode: run(mode, only) for mode in modes}
    command = ".venv/bin/python bench/extraction.py" + (
        f" --mode {args.mode}" if args.mode != "both" else ""
    )
    section = render(all_results, command)
    print(section)
    for mode, results in all_results.items():
        if args.worst and NEWSDESK in results:
            print(f"worst {mode} pages for newsdesk:")
            per_page = results[NEWSDESK][2]
            for page_id, s in sorted(per_page.items(), key=lambda kv: _f1(kv[1]))[: args.worst]:
                print(f"  {_f1(s):.3f}  P={s.precision or 0:.3f} R={s.recall or 0:.3f}  {page_id}")
    if not args.no_write and not only:
        write_section(HEADING, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
