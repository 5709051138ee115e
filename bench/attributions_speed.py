"""What indirect attributions add to enrichment time, measured side by side.

Each article of PolNeAR ``dev`` is parsed once (``nlp.pipe``, as enrichment
does); then, in one process and interleaved article by article so load on a
shared machine hits both alike, the post-parse work is timed without and with
indirect attributions: entities + quotes, and entities + quotes + attributions.
The parse time per article is printed too, for scale.

Run: ``.venv/bin/python bench/attributions_speed.py [--split dev] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from quotes import load  # noqa: E402

from newsdesk.enrich.attributions import add_attributions  # noqa: E402
from newsdesk.enrich.entities import find_entities  # noqa: E402
from newsdesk.enrich.nlp import load_nlp  # noqa: E402
from newsdesk.enrich.quotes import find_quotes  # noqa: E402


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(list(argv) if argv is not None else None)

    texts = [text for _n, text, _g in load(args.split, args.limit)]
    nlp = load_nlp()
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    parse = time.perf_counter() - t0
    without = with_ = 0.0
    found = 0
    for _ in range(args.repeat):
        for doc, text in zip(docs, texts, strict=True):
            t0 = time.perf_counter()
            index = find_entities(doc)
            quotes = find_quotes(doc, text, index.canonical)
            t1 = time.perf_counter()
            index = find_entities(doc)
            quotes = find_quotes(doc, text, index.canonical)
            more = add_attributions(doc, text, index.canonical, quotes)
            t2 = time.perf_counter()
            without += t1 - t0
            with_ += t2 - t1
            found += len(more) - len(quotes)
    n = len(texts) * args.repeat
    print(f"{args.split}: {len(texts)} articles x {args.repeat}; load average {os.getloadavg()}")
    print(f"parse (nlp.pipe, 1 process): {1000 * parse / len(texts):.1f} ms/article")
    print(f"entities + quotes:                {1000 * without / n:.2f} ms/article")
    print(f"entities + quotes + attributions: {1000 * with_ / n:.2f} ms/article")
    added = (with_ - without) / n
    print(
        f"attributions add {1000 * added:.2f} ms/article "
        f"({100 * added / (parse / len(texts) + without / n):.1f}% of parse + entities + quotes); "
        f"{found / n:.1f} indirect attributions/article"
    )


if __name__ == "__main__":
    main()
