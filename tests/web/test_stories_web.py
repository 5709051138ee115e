"""Top Stories on the home page, the story page, and story links from an article."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent.parent / "connect"))

from stories_data import LONER, QUAKE, write  # noqa: E402

from newsdesk.pipeline import ingest_paths  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402
from newsdesk.store import open_store  # noqa: E402
from newsdesk.web import create_app  # noqa: E402


def test_home_story_page_and_article_links(tmp_path, serve_app):
    records = [(f"https://q{i}.example/napa", f"q{i}", t) for i, t in enumerate(QUAKE)]
    records.append(("https://bakery.example/", "bakery", LONER))
    db = str(tmp_path / "w.db")
    settings = Settings.from_env(db=db, workers=1)
    with open_store(db) as store:
        ingest_paths([write(tmp_path / "in.jsonl", records)], store, settings)
        quake = next(s for s in store.stories() if s.n_sources == 5)
        article_id = quake.articles[0].id
        with serve_app(create_app(settings, store)) as base, httpx.Client(base_url=base) as c:
            home = c.get("/").text
            assert "Top Stories" in home and f'href="/story/{quake.id}"' in home
            assert home.index(">Top Stories</h1>") < home.index(">Latest</h1>")
            page = c.get(f"/story/{quake.id}")
            assert page.status_code == 200
            assert "Timeline" in page.text and page.text.count('href="/article/') == 5
            article = c.get(f"/article/{article_id}").text
            assert f'href="/story/{quake.id}"' in article and "See also" in article
            assert c.get("/story/987654").status_code == 404
