"""The feeds admin: subscribe to a feed, import OPML, see each feed's status.

There are no accounts, so reach is the protection (see ``Settings.admin``):
the admin is mounted only when enabled, which by default means the site is
served on a loopback address, and every request must come from this machine
directly (a loopback client and no proxy headers), else it is a plain 404.

The site ships no JavaScript, so changes are ordinary form POSTs guarded
against cross-site requests three ways: a random token in a ``SameSite=Strict``
cookie that must equal the form's hidden field (double submit), a matching
``Origin`` when the browser sends a real one, and ``Sec-Fetch-Site`` same-origin.
The work is the feeds engineer's store methods (``add_feed``, ``feeds``,
``remove_feed``) and OPML parser, as ``newsdesk feeds`` uses them.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import NewsdeskError
from ..ingest.feeds import parse_opml
from ..ingest.fetch import check_url
from ..ingest.netguard import AddressPolicy
from .site import SQLITE_MAX_INT, Site, is_local

CSRF_COOKIE = "newsdesk_csrf"
CSRF_FIELD = "csrf"
MAX_OPML_BYTES = 2 * 1024 * 1024
MAX_FIELD_CHARS = 2000
NOTICES = {  # fixed texts: a redirect never reflects what was typed
    "added": "Feed added; it will be polled on the next crawl.",
    "enabled": "That feed was already known; it is enabled again and due now.",
    "imported": "OPML imported.",
    "removed": "Feed removed. Its articles stay.",
}


def _token(request: Request) -> str:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return (
        cookie if len(cookie) == 43 and cookie.replace("-", "").replace("_", "").isalnum() else ""
    )


def _same_origin(request: Request) -> bool:
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in {"same-origin", "none"}:
        return False
    origin = request.headers.get("origin")
    # Our own Referrer-Policy (no-referrer) makes browsers send "Origin: null"
    # on same-site form posts; Sec-Fetch-Site and the token still decide then.
    if origin is None or origin == "null":
        return True
    host = request.headers.get("host", "")
    return origin in {f"http://{host}", f"https://{host}"}


async def _checked_form(request: Request) -> Any:
    """The POSTed form, or 403 if it fails the cross-site checks."""
    if not _same_origin(request):
        raise HTTPException(403, "cross-site request refused")
    form = await request.form(max_files=1, max_fields=10, max_part_size=64 * 1024)
    expected = _token(request)
    given = form.get(CSRF_FIELD)
    if not expected or not isinstance(given, str) or not hmac.compare_digest(expected, given):
        raise HTTPException(403, "the form expired or did not come from this site; reload it")
    return form


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch.isprintable()).strip()[:MAX_FIELD_CHARS]


def valid_feed_url(url: str) -> str:
    """An absolute http(s) URL, checked as ``newsdesk feeds add`` checks it."""
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("A feed address must start with http:// or https://.")
    try:
        check_url(url, AddressPolicy(allow_private=True))  # syntax; the guard runs on fetch
    except NewsdeskError as exc:
        raise ValueError(f"That address cannot be used: {exc}") from None
    return url


def create_admin(site: Site) -> ASGIApp:
    store = site.store
    interval = site.settings.feed_interval

    async def render(request: Request, status: int = 200, **context: Any) -> Response:
        token = _token(request) or secrets.token_urlsafe(32)
        feeds = await site.call(store.feeds)
        notice = NOTICES.get(request.query_params.get("done", ""))
        context.setdefault("error", None)
        context.setdefault("form", {})
        response = site.page(
            request,
            "admin_feeds.html",
            status,
            title="Feeds",
            feeds=feeds,
            notice=notice,
            csrf=token,
            imported=request.query_params.get("n", ""),
            **context,
        )
        response.set_cookie(
            CSRF_COOKIE, token, path="/admin", httponly=True, samesite="strict", max_age=86400
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    async def feeds_page(request: Request) -> Response:
        return await render(request)

    async def add(request: Request) -> Response:
        form = await _checked_form(request)
        values = {name: _field(form, name) for name in ("url", "title", "section")}
        try:
            url = valid_feed_url(values["url"])
        except ValueError as exc:
            return await render(request, 400, error=str(exc), form=values)
        _feed, created = await site.call(
            lambda: store.add_feed(
                url,
                interval=interval,
                title=values["title"] or None,
                section=values["section"] or None,
            )
        )
        done = "added" if created else "enabled"
        return RedirectResponse(f"/admin/feeds?done={done}", status_code=303)

    async def import_opml(request: Request) -> Response:
        form = await _checked_form(request)
        upload = form.get("opml")
        data = b""
        if isinstance(upload, UploadFile):
            data = await upload.read(MAX_OPML_BYTES + 1)
        elif isinstance(upload, str):
            data = upload.encode("utf-8")
        if not data.strip():
            return await render(request, 400, error="Choose an OPML file to import.")
        if len(data) > MAX_OPML_BYTES:
            return await render(request, 400, error="That OPML file is larger than 2 MB.")
        try:
            subscriptions = parse_opml(data)
        except NewsdeskError as exc:
            return await render(request, 400, error=f"That file could not be read: {exc}")

        def subscribe() -> int:
            added = 0
            for sub in subscriptions:
                _feed, created = store.add_feed(
                    sub.url, interval=interval, title=sub.title, section=sub.section
                )
                added += created
            return added

        added = await site.call(subscribe)
        return RedirectResponse(
            f"/admin/feeds?done=imported&n={len(subscriptions)}-{added}", status_code=303
        )

    async def remove(request: Request) -> Response:
        await _checked_form(request)
        feed_id: int = request.path_params["feed_id"]
        if feed_id > SQLITE_MAX_INT or not await site.call(store.remove_feed, feed_id):
            raise HTTPException(404)
        return RedirectResponse("/admin/feeds?done=removed", status_code=303)

    async def index(request: Request) -> Response:
        return RedirectResponse("/admin/feeds", status_code=303)

    async def refused(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else ""
        return site.page(
            request, "error.html", status, title="Refused", code=status, message=detail
        )

    app = Starlette(
        exception_handlers={HTTPException: refused},
        routes=[
            Route("/", index),
            Route("/feeds", feeds_page, methods=["GET"]),
            Route("/feeds/add", add, methods=["POST"]),
            Route("/feeds/import", import_opml, methods=["POST"]),
            Route("/feeds/{feed_id:int}/remove", remove, methods=["POST"]),
        ],
    )

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        """Only local, direct requests get in; the rest see what a missing page is."""
        if scope["type"] == "http" and not is_local(Request(scope)):
            raise HTTPException(404)
        await app(scope, receive, send)

    return guarded
