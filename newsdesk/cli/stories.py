"""The story commands of the CLI: ``newsdesk stories``, ``newsdesk related ID``,
and the story fields ``show`` adds.  Registered in :mod:`newsdesk.cli`; kept
here so that module stays small.
"""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from newsdesk.cli.common import make_settings, open_or_exit
from newsdesk.model import Related, Story
from newsdesk.pipeline import stories as pipeline_stories
from newsdesk.store.base import Store


def _store(db: str | None) -> Any:
    return open_or_exit(make_settings(db=db))


def _related_json(items: list[Related]) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "title": r.title, "score": r.score}
        | ({"source": r.source} if r.source is not None else {})
        for r in items
    ]


def show_json(store: Store, article_id: int) -> dict[str, Any]:
    """The fields ``show --format json`` gains: ``story_id``, ``see_also``, ``more_like_this``."""
    story_id, see, more = pipeline_stories.related(store, article_id)
    return {
        "story_id": story_id,
        "see_also": _related_json(see),
        "more_like_this": _related_json(more),
    }


def show_text(store: Store, article_id: int) -> str:
    story_id, see, more = pipeline_stories.related(store, article_id)
    if story_id is None:
        return ""
    lines = ["", f"story: {story_id}"]
    if see:
        lines.append("see also:")
        lines += [f"  [{r.id}] {r.title} ({r.source or '?'}, {r.score:.2f})" for r in see]
    if more:
        lines.append("more like this:")
        lines += [f"  story {r.id}: {r.title} ({r.score:.2f})" for r in more]
    return "\n".join(lines)


def _story_line(story: Story) -> dict[str, Any]:
    return {
        "story_id": story.id,
        "title": story.title,
        "article_urls": [a.url for a in story.articles],
    }


@click.command()
@click.option("--db", default=None, help="Database path or URL (env NEWSDESK_DB).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table")
@click.option("--top", is_flag=True, help="Top Stories order (sources, recency, growth).")
@click.option("--limit", type=int, default=None, help="At most this many stories.")
def stories(db: str | None, fmt: str, top: bool, limit: int | None) -> None:
    """Stories: groups of articles about one event, most recently active first.

    ``--format jsonl`` prints one ``{story_id, title, article_urls}`` per line.
    """
    with _store(db) as store:
        found = (
            pipeline_stories.top_stories(store, limit or 20) if top else store.stories(limit=limit)
        )
    if fmt == "jsonl":
        for story in found:
            click.echo(json.dumps(_story_line(story), ensure_ascii=False))
        return
    table = Table("id", "title", "articles", "sources", "last seen", *(["score"] if top else []))
    for s in found:
        row = [str(s.id), s.title, str(len(s.articles)), str(s.n_sources)]
        row.append(s.last_seen.isoformat() if s.last_seen else "")
        if top:
            row.append(f"{s.score:.3f}")
        table.add_row(*row)
    Console().print(table)


@click.command()
@click.argument("article_id", type=int)
@click.option("--db", default=None, help="Database path or URL (env NEWSDESK_DB).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def related(article_id: int, db: str | None, fmt: str) -> None:
    """An article's story, "See also" (same story, other sources) and "More like this"."""
    with _store(db) as store:
        if store.get_article(article_id) is None:
            raise click.ClickException(f"no article with id {article_id}")
        payload = show_json(store, article_id)
        text = show_text(store, article_id)
    if fmt == "json":
        click.echo(json.dumps({"id": article_id, **payload}, ensure_ascii=False, indent=2))
    else:
        click.echo(text.strip() or f"article {article_id} is in no story yet")
