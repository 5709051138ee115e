"""Entity and speaker pages, and the article page's quotes, over a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from conftest import serve

from newsdesk.pipeline import ingest_paths
from newsdesk.settings import Settings
from newsdesk.store import open_store
from newsdesk.web import create_app

SEED = Path(__file__).resolve().parents[2] / "sample" / "republished-article.txt"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, int]]:
    db = tmp_path_factory.mktemp("quotes") / "site.db"
    settings = Settings(db=str(db), workers=1)
    with open_store(str(db)) as store:
        report = ingest_paths([SEED], store, settings)
        article_id = report.article_ids[0]
        app = create_app(settings, store)
        with serve(app) as base, httpx.Client(base_url=base) as client:
            yield client, article_id


def test_article_page_lists_quotes_and_links_entities_and_speakers(seeded) -> None:
    client, article_id = seeded
    html = client.get(f"/article/{article_id}").text
    assert "Who said what" in html
    assert f'href="/speaker/{quote("Wi Sung-lac")}"' in html
    assert "a former South Korean ambassador to Russia" in html
    assert 'href="/entity/' in html


def test_speaker_page_lists_quotes_with_sources(seeded) -> None:
    client, article_id = seeded
    page = client.get("/speaker/" + quote("Wi Sung-lac"))
    assert page.status_code == 200
    assert "Russia takes advantage of any person" in page.text
    assert f'href="/article/{article_id}"' in page.text
    assert client.get("/speaker/" + quote("Nobody Here")).status_code == 404


def test_entity_page(seeded) -> None:
    client, article_id = seeded
    html = client.get(f"/article/{article_id}").text
    start = html.index('href="/entity/') + len('href="/entity/')
    entity_id = html[start : html.index('"', start)]
    page = client.get(f"/entity/{entity_id}")
    assert page.status_code == 200
    assert f'href="/article/{article_id}"' in page.text
    assert client.get("/entity/999999").status_code == 404
