"""The one settings object, built by the CLI or the app factory and passed down.

Values come from, in order of precedence: explicit arguments (CLI flags),
``NEWSDESK_*`` environment variables, then the defaults below.  Nothing reads
the environment anywhere else, so a library user gets exactly what they pass.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Settings:
    db: str = "newsdesk.db"
    workers: int = 0  # 0 = one per core
    max_document_bytes: int = 20 * 1024 * 1024
    host: str = "127.0.0.1"
    port: int = 8000
    allow_private_networks: bool = False
    page_size: int = 20
    # Feeds and fetching (newsdesk.ingest.fetch, newsdesk.pipeline.crawl).
    user_agent: str = "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk; news aggregator)"
    fetch_deadline: float = 30.0  # seconds for a whole fetch, headers to last byte
    max_redirects: int = 5
    fetch_workers: int = 16  # concurrent fetches across all hosts
    host_concurrency: int = 2  # concurrent requests to one host
    host_delay: float = 1.0  # seconds between request starts to one host
    feed_interval: int = 1800  # seconds between polls of a healthy feed
    feed_max_failures: int = 10  # consecutive failures before a feed is disabled
    # Entities and quotes after extraction (newsdesk.enrich); off defers it to `newsdesk enrich`.
    enrich: bool = True
    # The feeds admin (/admin): auto = only when serving on a loopback address;
    # on/off force it.  Requests through a proxy or from other hosts never reach it.
    admin: str = "auto"

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``NEWSDESK_<FIELD>`` variables, then non-None overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"NEWSDESK_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _convert(f.name, raw, type(getattr(cls(), f.name)))
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def _convert(name: str, raw: str, kind: type) -> Any:
    if kind is bool:
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"NEWSDESK_{name.upper()}={raw!r} is not a boolean")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"NEWSDESK_{name.upper()}={raw!r} is not an integer") from None
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"NEWSDESK_{name.upper()}={raw!r} is not a number") from None
    return raw
