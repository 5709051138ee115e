"""The site in a real headless Chromium (Debian's, driven by Playwright).

home -> story -> article -> person -> search, by clicking links the way a
reader would, with a screenshot of each page under the test's tmp folder.
An XSS payload written straight into the database must not run: every
dialog and console error is recorded and must stay empty, and a payload that
did run would set a marker on ``window``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import serve

sys.path.insert(0, str(Path(__file__).parent.parent / "connect"))
from stories_data import QUAKE, write  # noqa: E402

from newsdesk.model import Article, Document, Enrichment, Entity, Paragraph, Quote  # noqa: E402
from newsdesk.pipeline import ingest_paths  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402
from newsdesk.store import open_store  # noqa: E402
from newsdesk.web import create_app  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS = "<img src=x onerror=\"window.__xss=1;alert('xss')\"><script>window.__xss=1;alert(1)</script>"


def _chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("chromium not installed (apt-get install chromium chromium-driver)")
    pytest.skip("chromium not installed")
    return ""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """A story of five articles, a named person with a quote, and a hostile article."""
    tmp = tmp_path_factory.mktemp("browser")
    db = str(tmp / "b.db")
    settings = Settings(db=db, workers=1, enrich=False, page_size=10)
    records = [(f"https://q{i}.example/napa", f"q{i}", t) for i, t in enumerate(QUAKE)]
    with open_store(db) as store:
        ingest_paths([write(tmp / "in.jsonl", records)], store, settings)
        quake = next(s for s in store.stories() if s.n_articles == 5)
        article_id = quake.articles[0].id
        body = store.get_article(article_id).article.body
        said = Quote(text=body[:40], start=0, end=40, speaker="Jerry Brown", cue="said")
        store.save_enrichment(
            article_id,
            Enrichment(entities=[Entity("Jerry Brown", "person")], quotes=[said], language="en"),
        )
        hostile = Article(
            url="javascript:alert(7)",
            title=XSS,
            paragraphs=[Paragraph(XSS), Paragraph(XSS, "h")],
            site_name=XSS,
            section=XSS,
            authors=[XSS],
            source_link="javascript:alert(8)",
        )
        doc = Document(location="x.html", content=f"<p>{XSS}</p>".encode(), content_type="html")
        hostile_id, _ = store.add_article(hostile, doc)
        ids = {"story": quake.id or 0, "article": article_id, "hostile": hostile_id}
        with serve(create_app(settings, store)) as base:
            yield base, ids


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium()
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS, timeout=60_000)
        yield b
        b.close()


class Watch:
    """Dialogs and console errors of one page: both must stay empty."""

    def __init__(self, page: object) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type == "error" else None,
        )  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: self.errors.append(str(e)))  # type: ignore[attr-defined]

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]


def _shot(page: object, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "wide"])
def test_reader_path_home_story_article_person_search(
    live: tuple[str, dict[str, int]], browser: object, tmp_path: Path, width: int
) -> None:
    base, ids = live
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch = Watch(page)
    shots = tmp_path / "screenshots"
    shots.mkdir()

    page.goto(base + "/")
    assert page.locator("h1", has_text="Top Stories").count() == 1
    _shot(page, shots, "1-home")
    page.locator(f'a[href="/story/{ids["story"]}"]').first.click()
    page.wait_for_url(f"**/story/{ids['story']}")
    assert page.locator("h2", has_text="Timeline").count() == 1
    _shot(page, shots, "2-story")
    page.locator(f'a[href="/article/{ids["article"]}"]').first.click()
    page.wait_for_url(f"**/article/{ids['article']}")
    assert "Napa" in page.locator("h1").inner_text() or page.locator("article").count() >= 1
    _shot(page, shots, "3-article")
    page.locator('a[href^="/entity/"]', has_text="Jerry Brown").first.click()
    page.wait_for_url("**/entity/*")
    assert page.locator("h1").inner_text() == "Jerry Brown"
    _shot(page, shots, "4-person")
    page.get_by_role("link", name="Search", exact=True).click()
    page.wait_for_url("**/search")
    page.fill("#q", "Napa earthquake")
    page.locator("details.filters summary").click()
    page.fill("#person", "Jerry Brown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator("mark").count() > 0
    assert page.locator("ol.results li").count() >= 1
    _shot(page, shots, "5-search")
    # nothing overflows sideways on a phone: readable without horizontal scroll
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    assert watch.dialogs == [] and watch.errors == []
    assert len(list(shots.glob("*.png"))) == 5
    keep = os.environ.get("NEWSDESK_SCREENSHOTS")
    if keep:
        shutil.copytree(shots, Path(keep) / f"w{width}", dirs_exist_ok=True)
    context.close()


def test_xss_payload_from_the_database_does_not_run(
    live: tuple[str, dict[str, int]], browser: object, tmp_path: Path
) -> None:
    base, ids = live
    page = browser.new_page()  # type: ignore[attr-defined]
    watch = Watch(page)
    for path in [
        "/",
        f"/article/{ids['hostile']}",
        f"/article/{ids['hostile']}/original",
        "/sources",
        "/search?q=onerror",
        "/search?q=x&person=%3Cscript%3Ealert(1)%3C/script%3E",
    ]:
        page.goto(base + path)
        assert page.evaluate("window.__xss === undefined"), path
        assert page.locator("script").count() == 0, path
    page.goto(f"{base}/article/{ids['hostile']}")
    # the payload is shown as text, and the javascript: link is not a link
    assert XSS in page.locator("h1").inner_text()
    assert page.locator('a[href^="javascript:"]').count() == 0
    page.screenshot(path=str(tmp_path / "xss.png"), full_page=True)
    assert watch.dialogs == [] and watch.errors == []


def test_keyboard_reaches_content_and_the_search_box(
    live: tuple[str, dict[str, int]], browser: object
) -> None:
    base, _ids = live
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(base + "/search")
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    # a visible focus outline, so keyboard users see where they are
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_other_pages_and_the_admin_form_in_the_browser(
    live: tuple[str, dict[str, int]], browser: object, tmp_path: Path
) -> None:
    """Source, sources, speaker, original and the feeds admin, reached by links."""
    base, ids = live
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(10_000)
    watch = Watch(page)
    page.goto(f"{base}/article/{ids['article']}")
    page.locator('a[href^="/speaker/"]').first.click()
    page.wait_for_url("**/speaker/*")
    assert page.locator("h1").inner_text() == "Jerry Brown"
    page.screenshot(path=str(tmp_path / "speaker.png"), full_page=True)
    page.goto(f"{base}/article/{ids['article']}")
    page.locator('a[href^="/source/"]').first.click()
    page.wait_for_url("**/source/*")
    assert page.locator("ol.article-list li").count() >= 1
    page.screenshot(path=str(tmp_path / "source.png"), full_page=True)
    page.get_by_role("link", name="Sources", exact=True).click()
    page.wait_for_url("**/sources")
    page.screenshot(path=str(tmp_path / "sources.png"), full_page=True)
    page.goto(f"{base}/article/{ids['article']}")
    page.get_by_role("link", name="The original page, as archived").click()
    page.wait_for_url("**/original")
    page.screenshot(path=str(tmp_path / "original.png"), full_page=True)
    # the feeds admin: the real form, its cookie and token, in a real browser
    page.get_by_role("link", name="Feeds", exact=True).click()
    page.wait_for_url("**/admin/feeds")
    page.fill("#feed-url", "https://news.example/rss.xml")
    page.fill("#feed-section", "World")
    page.get_by_role("button", name="Add feed").click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/feeds?done=added"), page.content()[-1500:]
    table = page.locator("table.feeds")
    assert table.locator("caption").inner_text() == "1 feed"
    assert "https://news.example/rss.xml" in table.locator("tbody th").inner_text()
    page.screenshot(path=str(tmp_path / "admin.png"), full_page=True)
    assert watch.dialogs == [] and watch.errors == []
