"""Security headers on every response, including errors and static files.

Written as a plain ASGI middleware (not ``BaseHTTPMiddleware``) so it adds no
task per request, works for streamed and static responses alike, and sees the
``http.response.start`` message of every route.  A fresh CSP nonce is made per
request and put in ``request.state.csp_nonce`` so that a template that one day
needs an inline ``<script nonce=...>`` can get it without loosening the policy.
"""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NONCE_KEY = "csp_nonce"

# No 'unsafe-inline' anywhere: the site ships no script, and styles come only
# from /static.  script-src is nonce-only so a future script must opt in.
_CSP_TEMPLATE = (
    "default-src 'none'; "
    "script-src 'nonce-{nonce}'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "form-action 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)

STATIC_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def new_nonce() -> str:
    """128 random bits, URL-safe, so it can sit in a header and an attribute as is."""
    return secrets.token_urlsafe(16)


def content_security_policy(nonce: str) -> str:
    return _CSP_TEMPLATE.format(nonce=nonce)


def security_headers(nonce: str) -> dict[str, str]:
    """All headers this site sets, for the given request's nonce."""
    return {"Content-Security-Policy": content_security_policy(nonce), **STATIC_HEADERS}


def request_nonce(scope: MutableMapping[str, Any]) -> str:
    """The nonce of this request, made on first use so every path agrees on one."""
    state = scope.setdefault("state", {})
    nonce = state.get(NONCE_KEY)
    if nonce is None:
        nonce = state[NONCE_KEY] = new_nonce()
    return nonce


class SecurityHeadersMiddleware:
    """Sets the security headers, overriding any a route may have set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = request_nonce(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(nonce).items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
