"""Search filters, source pages, the sanitized original view and exports."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
import pyarrow.parquet as pq
from test_web import assert_no_active_content, hrefs, tags

from newsdesk.model import Article, Document, Paragraph
from newsdesk.settings import Settings
from newsdesk.store import open_store
from newsdesk.web import create_app


def test_search_filters_on_the_page(client: httpx.Client, ids: dict[str, int]) -> None:
    r = client.get("/search", params={"q": "budget OR rain", "source": "Inland Post"})
    assert "2 articles match" in r.text
    r = client.get("/search", params={"q": "harbour", "section": "politics"})
    assert "No articles match" in r.text
    r = client.get("/search", params={"q": "harbour", "since": "2024-03-05", "until": "2024-03-05"})
    assert f'href="/article/{ids["bridge"]}"' in r.text
    assert "<mark>" in r.text
    r = client.get("/search", params={"q": "harbour", "since": "March"})
    assert "YYYY-MM-DD" in r.text
    # the filled-in filters are kept in the form
    assert 'value="March"' in r.text and '<details class="filters" open>' in r.text


def test_person_filter_alone_searches_the_name(client: httpx.Client, ids: dict[str, int]) -> None:
    r = client.get("/search", params={"person": "zeppelinfield crossing"})
    assert "1 article matches" in r.text
    assert f'href="/article/{ids["bridge"]}"' in r.text


def test_search_paging_keeps_filters(client: httpx.Client) -> None:
    params = {"q": "the OR rain OR quietly OR harbour", "until": "2030-01-01"}
    r = client.get("/search", params=params)
    assert "3 articles match" in r.text
    nxt = [h for h in hrefs(r.text) if "page=2" in h]
    assert nxt and "until=2030-01-01" in nxt[0]
    assert "1 article" not in client.get(nxt[0]).text


def test_source_page_pages_and_links(client: httpx.Client, ids: dict[str, int]) -> None:
    home = client.get("/").text
    assert f'href="/source/{quote("Inland Post", safe="")}"' in home or "/source/evil" in home
    r = client.get("/source/Inland%20Post")
    assert r.status_code == 200 and "<h1" in r.text
    links = [h for h in hrefs(r.text) if h.startswith("/article/")]
    assert links == [f"/article/{ids['byline']}", f"/article/{ids['undated']}"]
    assert client.get("/source/Nobody%20Here").status_code == 404
    sources = client.get("/sources").text
    assert "/source/Coast%20Times" in sources
    assert 'href="/source/%3Ci%3EEvil%3C%2Fi%3E%20Site">&lt;i&gt;Evil&lt;/i&gt; Site</a>' in sources
    # an article links its site and source to their pages
    article = client.get(f"/article/{ids['bridge']}").text
    assert 'href="/source/Coast%20Times"' in article and 'href="/source/coast-feed"' in article
    assert f'href="/article/{ids["bridge"]}/original"' in article


HOSTILE_PAGE = b"""<html><head><style>body{display:none}</style><script>alert(1)</script></head>
<body onload="alert(2)"><h1>Headline</h1><p>Kept <b>bold</b> text with a
<a href="javascript:alert(3)">bad link</a>, a <a href="https://ok.example/x">good link</a>,
a <a href="/local">relative one</a>.</p><img src="https://tracker.example/p.gif" onerror="alert(4)">
<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input></form>
<svg onload="alert(5)"><script>alert(6)</script></svg>
<p style="color:red">styled</p></body></html>"""


def test_original_view_is_sanitized_with_nh3(tmp_path, serve_app) -> None:
    db = str(tmp_path / "o.db")
    with open_store(db) as store:
        article = Article(url="https://ok.example/a", title="Headline", paragraphs=[Paragraph("x")])
        doc = Document(location="o.html", content=HOSTILE_PAGE, content_type="html")
        article_id, _ = store.add_article(article, doc)
        text_article = Article(
            url="https://ok.example/t", title="Dump", paragraphs=[Paragraph("y")]
        )
        text_doc = Document(
            location="t.txt", content="<script>alert(1)</script> dump", content_type="text"
        )
        text_id, _ = store.add_article(text_article, text_doc)
        with (
            serve_app(create_app(Settings(db=db), store)) as base,
            httpx.Client(base_url=base) as c,
        ):
            html = c.get(f"/article/{article_id}/original").text
            dump = c.get(f"/article/{text_id}/original").text
            assert c.get("/article/999999/original").status_code == 404
    body = html.split('<div class="original">', 1)[1]
    assert "Kept <b>bold</b> text" in body and "styled" in body
    assert 'href="https://ok.example/x"' in body
    found = tags(body)
    assert all(
        t not in {"script", "style", "img", "iframe", "form", "input", "svg"} for t, _ in found
    )
    assert all(not k.startswith("on") and k != "style" for _t, a in found for k in a)
    assert [a.get("href") for t, a in found if t == "a" and "href" in a] == ["https://ok.example/x"]
    assert "alert(" not in body.split("</div>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; dump" in dump
    assert_no_active_content(dump)


def test_export_cli_in_three_formats(run_cli, tmp_path) -> None:
    db = tmp_path / "e.db"
    with open_store(str(db)) as store:
        for i in range(3):
            article = Article(
                url=f"https://e.example/{i}", title=f"T{i}", paragraphs=[Paragraph(f"b {i}")]
            )
            doc = Document(
                location=f"{i}.html", content=f"<p>{i}</p>".encode(), content_type="html"
            )
            store.add_article(article, doc)
    out = run_cli("export", "--format", "jsonl", db=db).stdout
    assert [json.loads(line)["title"] for line in out.splitlines()] == ["T2", "T1", "T0"]
    out = run_cli("export", "--format", "csv", "--limit", "1", db=db).stdout
    assert out.splitlines()[0].startswith("id,url,") and len(out.splitlines()) == 2
    target = tmp_path / "a.parquet"
    run_cli("export", "--format", "parquet", "-o", str(target), db=db)
    assert pq.read_table(target).column("title").to_pylist() == ["T2", "T1", "T0"]
