"""Small, varied inputs for the durability tests: pages, a WARC and a feed.

Bodies are distinct enough to be separate articles and stories, and a few are
copied word for word under other URLs so copy groups form too, so a crash can
land in any of the writes an ingest does (article, copy index, group, story).
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TOPICS = [
    ("harbour", "bridge", "engineers", "cables", "ferry"),
    ("council", "budget", "schools", "libraries", "roads"),
    ("storm", "flooding", "rivers", "rescue", "villages"),
    ("election", "ballots", "turnout", "candidates", "parties"),
    ("hospital", "nurses", "waiting", "surgery", "wards"),
    ("railway", "strike", "unions", "commuters", "timetable"),
]


def article_page(n: int, url: str, *, copy_of: int | None = None) -> bytes:
    """A news page; ``copy_of`` gives another page's text under this URL."""
    seed = n if copy_of is None else copy_of
    rng = random.Random(seed)
    words = TOPICS[seed % len(TOPICS)]
    title = f"{words[0].title()} {words[1]} report number {seed}"
    paragraphs = []
    for i in range(6):
        picked = " ".join(rng.choice(words) for _ in range(6))
        paragraphs.append(
            f"<p>Paragraph {i} of report {seed}: officials said on Tuesday that the "
            f"{words[0]} {words[1]} plan would change how {picked} are handled, after a "
            f"debate in which residents spoke for and against it for over three hours.</p>"
        )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="{url}"></head><body><article><h1>{title}</h1>'
        f"{''.join(paragraphs)}</article></body></html>"
    ).encode()


def write_pages(folder: Path, count: int = 12, copies: int = 3) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        url = f"https://paper{n % 3}.example/news/{n}"
        (folder / f"page{n:03d}.html").write_bytes(article_page(n, url))
    for c in range(copies):
        url = f"https://copycat.example/news/{c}"
        (folder / f"copy{c:03d}.html").write_bytes(article_page(100 + c, url, copy_of=c))


def write_warc(path: Path, count: int = 10, first: int = 200) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n in range(first, first + count):
            url = f"https://archive.example/story/{n}"
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(article_page(n, url)),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-03-05T06:07:08Z"},
            )
            writer.write_record(record)


def write_inputs(root: Path) -> list[str]:
    """Pages and a WARC under ``root``; the paths to give ``newsdesk ingest``."""
    write_pages(root / "pages")
    write_warc(root / "archive.warc.gz")
    return [str(root / "pages"), str(root / "archive.warc.gz")]
