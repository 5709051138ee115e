"""Fetching one URL safely: the only place newsdesk opens network connections.

What a hostile or broken server can do, and what stops it here:

* **Reach inside** (SSRF): every socket is opened by :class:`GuardedBackend`,
  which resolves the name itself, asks :class:`~.netguard.AddressPolicy`
  about each address, connects to a permitted *address* (so DNS cannot answer
  differently between check and connect) and checks the connected peer again.
  Redirects are followed here, one hop at a time, each hop going through the
  same guard; numeric spellings (``0x7f000001``) are refused before any lookup.
* **Hold us forever**: httpx's timeouts are per operation, so one byte every
  half second never times out.  A deadline per fetch (a context variable read
  by every socket read and write) clamps each operation to the time left.
* **Exhaust memory**: the body is decoded here, not by httpx, with bounded
  output per step, and counted after decompression against ``max_bytes``;
  at most one content-encoding layer is accepted (``gzip, gzip`` is a bomb).
"""

from __future__ import annotations

import contextvars
import email.utils
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from ..errors import Blocked, FetchError, HTTPStatus, Timeout, TooLarge, Truncated
from .netguard import AddressPolicy, numeric_host

Resolver = Callable[[str, int], list[str]]

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "newsdesk_fetch_deadline", default=None
)
_STEP = 64 * 1024  # most bytes one decompression step may produce
_REDIRECTS = {301, 302, 303, 307, 308}


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _time_left(timeout: float | None) -> float | None:
    """``timeout`` clamped to the current fetch's deadline; past it, a timeout."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("overall fetch deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write respects the fetch deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _time_left(timeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses the policy allows."""

    def __init__(self, policy: AddressPolicy, resolver: Resolver | None = None) -> None:
        self.policy = policy
        self.resolver = resolver or system_resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        timeout = _time_left(timeout)
        literal = numeric_host(host)
        try:
            addresses = [str(literal)] if literal is not None else self.resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        blocked: list[str] = []
        failed: list[str] = []
        for address in addresses:
            reason = self.policy.refusal(address)
            if reason is not None:
                blocked.append(reason)
                continue
            try:
                sock = socket.create_connection((address, port), timeout)
            except TimeoutError as exc:
                raise httpcore.ConnectTimeout(f"connecting to {host} ({address})") from exc
            except OSError as exc:
                failed.append(f"{address}: {exc}")
                continue
            # The address actually connected to, checked again: whatever sat
            # between the lookup and the socket, this is where the bytes go.
            reason = self.policy.refusal(sock.getpeername()[0])
            if reason is not None:
                sock.close()
                raise Blocked(f"refused to connect to {host}: {reason}")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return _DeadlineStream(httpcore._backends.sync.SyncStream(sock))
        if blocked and not failed:
            raise Blocked(f"refused to connect to {host}: {'; '.join(blocked)}")
        detail = "; ".join(failed + blocked) or "no address"
        raise httpcore.ConnectError(f"cannot connect to {host}: {detail}")


@dataclass
class FetchResult:
    """A fetched response: 200 with its body, or 304 with none."""

    url: str  # after redirects
    status: int
    content: bytes = b""
    content_type: str = ""  # the Content-Type header as sent
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    redirects: list[str] = field(default_factory=list)

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()


def check_url(url: str, policy: AddressPolicy) -> str:
    """Refuse what is no web address, or a numeric host the policy forbids."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises on a bad port
    except ValueError as exc:
        raise FetchError(f"not a valid URL: {url!r} ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise Blocked(f"refused scheme {parts.scheme or '(none)'!r}: only http and https")
    if not host:
        raise FetchError(f"no host in URL {url!r}")
    literal = numeric_host(host)
    if literal is not None:
        reason = policy.refusal(literal)
        if reason is not None:
            raise Blocked(f"refused {host}: {reason}")
    return url


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Fetcher:
    """A pooled, guarded HTTP client; thread-safe, one per crawl.

    ``max_bytes`` bounds a body after decompression; ``deadline`` bounds a
    whole fetch, redirects included.  ``resolver`` is the DNS seam (tests use
    it to answer differently each time).
    """

    def __init__(
        self,
        *,
        user_agent: str,
        allow_private_networks: bool = False,
        deadline: float = 30.0,
        max_bytes: int = 20 * 1024 * 1024,
        max_redirects: int = 5,
        max_connections: int = 64,
        resolver: Resolver | None = None,
        policy: AddressPolicy | None = None,
    ) -> None:
        self.policy = policy or AddressPolicy(allow_private=allow_private_networks)
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        transport = httpx.HTTPTransport(trust_env=False)
        # httpx has no public seam for the socket layer; the pool it would build
        # is replaced by the same pool on the guarded backend.
        transport._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=30.0,
            network_backend=GuardedBackend(self.policy, resolver),
        )
        self.client = httpx.Client(
            transport=transport,
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(min(deadline, 15.0)),
            headers={
                "User-Agent": user_agent,
                "Accept-Encoding": "gzip, deflate",
            },
        )

    @classmethod
    def from_settings(cls, settings: Any, **kwargs: Any) -> Fetcher:
        return cls(
            user_agent=settings.user_agent,
            allow_private_networks=settings.allow_private_networks,
            deadline=settings.fetch_deadline,
            max_bytes=settings.max_document_bytes,
            max_redirects=settings.max_redirects,
            max_connections=max(8, settings.fetch_workers * 2),
            **kwargs,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url``: a 2xx with its body, a 304, or a :class:`FetchError`."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        token = _DEADLINE.set(time.monotonic() + self.deadline)
        try:
            return self._follow(url, headers, limit)
        except httpx.TimeoutException as exc:
            raise Timeout(f"timed out after {self.deadline:g}s: {exc}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from None
        except httpcore.TimeoutException as exc:  # raised outside httpx's mapping
            raise Timeout(f"timed out after {self.deadline:g}s: {exc}") from None
        finally:
            _DEADLINE.reset(token)

    def _follow(self, url: str, headers: dict[str, str], limit: int) -> FetchResult:
        seen: list[str] = []
        for _hop in range(self.max_redirects + 1):
            check_url(url, self.policy)
            if url in seen:
                raise FetchError(f"redirect loop at {url}")
            seen.append(url)
            with self.client.stream("GET", url, headers=headers) as resp:
                status = resp.status_code
                if status in _REDIRECTS and "location" in resp.headers:
                    url = urljoin(url, resp.headers["location"])
                    continue
                result = FetchResult(
                    url=url,
                    status=status,
                    content_type=resp.headers.get("content-type", ""),
                    etag=resp.headers.get("etag"),
                    last_modified=resp.headers.get("last-modified"),
                    redirects=seen[:-1],
                )
                if status == 304:
                    return result
                if status >= 400 or status < 200 or status >= 300:
                    raise HTTPStatus(
                        f"HTTP {status} {resp.reason_phrase}".strip(),
                        status,
                        retry_after(resp.headers.get("retry-after")),
                    )
                result.content = read_body(resp, limit)
                return result
        raise FetchError(f"more than {self.max_redirects} redirects (last: {url})")


def read_body(resp: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it passes ``max_bytes``."""
    codings = [
        c.strip().lower()
        for c in resp.headers.get("content-encoding", "").split(",")
        if c.strip() and c.strip().lower() != "identity"
    ]
    if len(codings) > 1:
        raise FetchError(f"refused {len(codings)} content-encoding layers ({', '.join(codings)})")
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"Content-Length {declared} is over the {max_bytes}-byte limit")
    decoder = _Decoder(codings[0] if codings else None)
    out = bytearray()
    for chunk in resp.iter_raw(_STEP):
        for piece in decoder.feed(chunk):
            out += piece
            if len(out) > max_bytes:
                raise TooLarge(f"body is over the {max_bytes}-byte limit (after decoding)")
    decoder.finish()
    return bytes(out)


class _Decoder:
    """gzip or deflate, decoded in steps of at most ``_STEP`` output bytes."""

    def __init__(self, coding: str | None) -> None:
        if coding not in (None, "gzip", "x-gzip", "deflate"):
            raise FetchError(f"unsupported content-encoding {coding!r}")
        self.coding = coding
        self._z: Any = None
        self._pending = False

    def _new(self, first: bytes) -> Any:
        if self.coding == "deflate":
            # RFC "deflate" is zlib-wrapped; many servers send it raw.
            wrapped = (
                len(first) >= 2 and (first[0] & 0x0F) == 8 and (first[0] << 8 | first[1]) % 31 == 0
            )
            return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.coding is None:
            if data:
                yield data
            return
        try:
            while data or self._pending:
                if self._z is None or self._z.eof:
                    if self._z is not None and (
                        self.coding == "deflate" or not data.strip(b"\x00")
                    ):
                        return  # trailing padding or garbage after the stream
                    self._z = self._new(data)
                piece = self._z.decompress(data, _STEP)
                self._pending = len(piece) == _STEP and not self._z.eof
                data = self._z.unconsumed_tail or (self._z.unused_data if self._z.eof else b"")
                if piece:
                    yield piece
        except zlib.error as exc:
            raise FetchError(f"corrupt {self.coding} body: {exc}") from None

    def finish(self) -> None:
        if self._z is not None and not self._z.eof:
            raise Truncated(f"{self.coding} body was cut off")
