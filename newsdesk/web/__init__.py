"""The newsdesk web site: server-rendered pages over a :class:`~newsdesk.store.Store`.

Import :func:`create_app` from here; the rest of the package is implementation.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
