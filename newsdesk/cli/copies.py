"""Output of ``newsdesk copies`` and the copy fields of ``newsdesk show``.

Kept out of :mod:`newsdesk.cli` so the command module stays a thin list of
commands; the data comes from :mod:`newsdesk.pipeline.copies`.
"""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from newsdesk.model import CopyGroup, StoredArticle
from newsdesk.pipeline.copies import copy_view, group_record, member_url
from newsdesk.store.base import Store


def groups_for(store: Store, article_id: int | None, limit: int | None) -> list[CopyGroup]:
    """The group of ``article_id``, or every group; ``LookupError`` for an unknown id."""
    if article_id is None:
        return [g for g in store.copy_groups(limit) if len(g.members) >= 2]
    if store.get_article(article_id) is None:
        raise LookupError(f"no article with id {article_id}")
    group = store.copy_group_of(article_id)
    return [group] if group is not None and len(group.members) >= 2 else []


def echo_groups(groups: list[CopyGroup], fmt: str) -> None:
    if fmt == "jsonl":
        for group in groups:
            click.echo(json.dumps(group_record(group), ensure_ascii=False))
        return
    table = Table("group", "id", "role", "after days", "url", "title")
    for group in groups:
        record = group_record(group)
        days = {r["url"]: r["after_days"] for r in record["republished"]}
        for m in group.members:
            role = "original" if m.id == group.original_id else "copy"
            after = "" if role == "original" else _blank(days.get(member_url(m)))
            table.add_row(str(group.id), str(m.id), role, after, member_url(m) or "", m.title)
        table.add_row("", "", "why", "", group.origin_reason or "", "", end_section=True)
    Console().print(table)


def _blank(value: Any) -> str:
    return "" if value is None else str(value)


def show_text(store: Store, stored: StoredArticle) -> str:
    """The lines ``show`` adds under an article that has copies."""
    view = copy_view(store, stored)
    if view is None:
        return ""
    lines = ["", f"copies: group {view.group.id}, {len(view.group.members)} versions"]
    if view.is_original:
        lines.append(f"this is the original: {view.group.origin_reason}")
    elif view.original is not None:
        when = "" if view.after_days is None else f", {view.after_days} days later"
        stale = " (stale republish)" if view.stale else ""
        lines.append(f"original: #{view.original.id} {member_url(view.original)}{when}{stale}")
        lines.append(f"why: {view.group.origin_reason}")
    if view.diff is not None and not view.diff.empty:
        for line in view.diff.junk_inserted:
            lines.append(f"  + junk: {line}")
        for p in view.diff.paragraphs_added:
            lines.append(f"  + {p[:100]}")
        for p in view.diff.paragraphs_dropped:
            lines.append(f"  - {p[:100]}")
        if view.diff.title_changed:
            lines.append(f"  title was: {view.diff.title_changed[0]}")
    return "\n".join(lines)
