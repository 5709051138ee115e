"""A real HTTP server on 127.0.0.1 for the feed and fetch tests.

Routes map a path to a :class:`Reply` (or a function of the request that
returns one), so a test can serve fixtures and misbehave on purpose: error
statuses, Retry-After, a body trickled a byte at a time, gzip bombs, redirect
loops, lying charsets.  Every request is logged (path, headers) and the
highest number of requests in flight at once is kept, for politeness tests.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float | None = None  # seconds between single bytes of the body
    content_type: str = "text/html; charset=utf-8"


@dataclass
class Request:
    path: str
    headers: dict[str, str]


Route = Reply | Callable[[Request], Reply]


class TestServer:
    """``with TestServer() as srv: srv.route("/feed", Reply(...)); srv.url("/feed")``."""

    __test__ = False  # not a pytest class

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                with server._lock:
                    server.log.append(request)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    route = server.routes.get(self.path.split("?")[0])
                    reply = Reply(404, b"not found") if route is None else route
                    if callable(reply):
                        reply = reply(request)
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                headers = {"Content-Type": reply.content_type, **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.trickle is None:
                    self.wfile.write(reply.body)
                    return
                for i in range(len(reply.body)):
                    if server.stopping.wait(reply.trickle):
                        return
                    self.wfile.write(reply.body[i : i + 1])
                    self.wfile.flush()

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path: str, reply: Route) -> None:
        self.routes[path] = reply

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.log]

    def __enter__(self) -> TestServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


_BOMBS: dict[int, bytes] = {}


def double_gzip_bomb(size: int = 256 * 1024 * 1024) -> bytes:
    """``gzip, gzip`` of ``size`` zero bytes: a few hundred bytes on the wire."""
    if size not in _BOMBS:
        _BOMBS[size] = gzip_bytes(gzip_bytes(bytes(size)))
    return _BOMBS[size]


def article_html(title: str, paragraphs: int = 6, charset: str = "utf-8") -> str:
    body = "".join(
        f"<p>{title} paragraph {i}: the council met on Tuesday and agreed a budget that "
        f"funds road repairs, two new schools and a longer library opening, after a debate "
        f"in which residents spoke for and against the plan for over three hours.</p>"
        for i in range(paragraphs)
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="{charset}">'
        f"<title>{title}</title></head><body><article><h1>{title}</h1>{body}</article>"
        f"</body></html>"
    )


def rss(items: list[tuple[str, str, str]], title: str = "Test Feed") -> bytes:
    """RSS 2.0 with (guid, link, title) items."""
    entries = "".join(
        f"<item><guid>{g}</guid><link>{link}</link><title>{t}</title>"
        f"<pubDate>Tue, 12 Sep 2023 08:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;{t}: the summary the feed gives, which is the fallback "
        f"text when the page cannot be fetched. It says enough to be an article of its "
        f"own, with several sentences about the council, the budget and the schools "
        f"that were debated for three hours on Tuesday evening.&lt;/p&gt;</description></item>"
        for g, link, t in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link>{entries}</channel></rss>"
    ).encode()


def wait_until(check: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll ``check`` (for subprocess tests; not a timing assertion)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return False
