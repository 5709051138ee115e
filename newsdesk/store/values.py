"""Small value helpers every store module shares."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TypeVar

T = TypeVar("T")

CHUNK = 500  # bound on IN (...) lists, well under every backend's parameter limit


def utc(value: datetime | None) -> datetime | None:
    """Store aware datetimes as UTC; read naive ones (SQLite) back as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def chunks(items: list[T]) -> Iterable[list[T]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]
