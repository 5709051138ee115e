"""The guarded fetcher against a real server that misbehaves on purpose."""

from __future__ import annotations

import ipaddress
import zlib

import pytest
from webserver import Reply, TestServer, double_gzip_bomb, gzip_bytes

from newsdesk.errors import Blocked, FetchError, HTTPStatus, Timeout, TooLarge, Truncated
from newsdesk.ingest.fetch import Fetcher, retry_after
from newsdesk.ingest.netguard import AddressPolicy

UA = "newsdesk-test/1.0 (+https://example.org/bot)"


@pytest.fixture
def server():
    with TestServer() as srv:
        yield srv


def fetcher(**kwargs) -> Fetcher:
    kwargs.setdefault("allow_private_networks", True)
    kwargs.setdefault("deadline", 10.0)
    return Fetcher(user_agent=UA, **kwargs)


def test_plain_fetch_sends_user_agent(server):
    server.route("/a", Reply(body=b"<p>hello</p>"))
    with fetcher() as f:
        result = f.fetch(server.url("/a"))
    assert result.status == 200 and result.content == b"<p>hello</p>"
    assert result.media_type == "text/html"
    assert server.log[0].headers["user-agent"] == UA


def test_conditional_get_returns_304(server):
    def feed(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(body=b"<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Tue, 12 Sep 2023"})

    server.route("/feed", feed)
    with fetcher() as f:
        first = f.fetch(server.url("/feed"))
        second = f.fetch(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert first.etag == '"v1"' and second.status == 304 and second.content == b""
    assert server.log[1].headers["if-modified-since"] == "Tue, 12 Sep 2023"


def test_server_error_and_retry_after(server):
    server.route("/500", Reply(500, b"oops"))
    server.route("/429", Reply(429, b"slow down", headers={"Retry-After": "120"}))
    with fetcher() as f:
        with pytest.raises(HTTPStatus) as err:
            f.fetch(server.url("/500"))
        assert err.value.status == 500 and err.value.retry_after is None
        with pytest.raises(HTTPStatus) as err:
            f.fetch(server.url("/429"))
        assert err.value.status == 429 and err.value.retry_after == 120


def test_retry_after_http_date():
    from datetime import UTC, datetime

    now = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after("Mon, 01 Jan 2024 12:05:00 GMT", now) == 300
    assert retry_after("garbage", now) is None


def test_trickle_is_cut_at_the_overall_deadline(server):
    # One byte every 0.3 s never trips a per-read timeout; the deadline must.
    server.route("/slow", Reply(body=b"x" * 200, trickle=0.3))
    with fetcher(deadline=1.5) as f, pytest.raises(Timeout):
        f.fetch(server.url("/slow"))


def test_double_gzip_bomb_is_refused_unread(server):
    bomb = double_gzip_bomb()
    assert len(bomb) < 2000
    server.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip, gzip"}))
    with fetcher() as f, pytest.raises(FetchError, match="content-encoding layers"):
        f.fetch(server.url("/bomb"))


def test_single_gzip_bomb_stops_at_the_limit(server):
    server.route(
        "/bomb",
        Reply(body=gzip_bytes(bytes(64 * 1024 * 1024)), headers={"Content-Encoding": "gzip"}),
    )
    with fetcher(max_bytes=1024 * 1024) as f, pytest.raises(TooLarge, match="after decoding"):
        f.fetch(server.url("/bomb"))


def test_gzip_and_deflate_decoded(server):
    text = b"<p>" + b"news " * 5000 + b"</p>"
    server.route("/gz", Reply(body=gzip_bytes(text), headers={"Content-Encoding": "gzip"}))
    server.route("/zlib", Reply(body=zlib.compress(text), headers={"Content-Encoding": "deflate"}))
    raw = zlib.compressobj(wbits=-15)
    server.route(
        "/raw",
        Reply(body=raw.compress(text) + raw.flush(), headers={"Content-Encoding": "deflate"}),
    )
    server.route("/cut", Reply(body=gzip_bytes(text)[:-20], headers={"Content-Encoding": "gzip"}))
    with fetcher() as f:
        for path in ("/gz", "/zlib", "/raw"):
            assert f.fetch(server.url(path)).content == text
        with pytest.raises(Truncated):
            f.fetch(server.url("/cut"))


def test_declared_length_over_limit(server):
    server.route("/big", Reply(body=b"x" * 5000))
    with fetcher(max_bytes=1000) as f, pytest.raises(TooLarge):
        f.fetch(server.url("/big"))


def test_redirects_followed_then_limited_and_loops_caught(server):
    server.route("/r1", Reply(302, headers={"Location": "/r2"}))
    server.route("/r2", Reply(301, headers={"Location": server.url("/final")}))
    server.route("/final", Reply(body=b"done"))
    server.route("/loop-a", Reply(302, headers={"Location": "/loop-b"}))
    server.route("/loop-b", Reply(302, headers={"Location": "/loop-a"}))
    for i in range(10):
        server.route(f"/chain{i}", Reply(302, headers={"Location": f"/chain{i + 1}"}))
    with fetcher(max_redirects=3) as f:
        result = f.fetch(server.url("/r1"))
        assert result.content == b"done" and result.url == server.url("/final")
        assert len(result.redirects) == 2
        with pytest.raises(FetchError, match="loop"):
            f.fetch(server.url("/loop-a"))
        with pytest.raises(FetchError, match="more than 3 redirects"):
            f.fetch(server.url("/chain0"))


# -- the SSRF guard ------------------------------------------------------------


def test_guard_refuses_loopback_when_off(server):
    server.route("/a", Reply(body=b"secret"))
    with Fetcher(user_agent=UA) as f:  # the default: private networks refused
        with pytest.raises(Blocked, match="127.0.0.1"):
            f.fetch(server.url("/a"))
        with pytest.raises(Blocked):
            f.fetch(f"http://localhost:{server.port}/a")  # a name that resolves to loopback
        for spelling in ("0x7f000001", "0177.0.0.1", "2130706433", "[::1]", "[::ffff:127.0.0.1]"):
            with pytest.raises(Blocked):
                f.fetch(f"http://{spelling}:{server.port}/a")
    assert server.log == []  # not one request got through


def test_guard_checks_every_redirect_hop(server):
    # 127.0.0.1 stands in for a public site; the redirect points inside.
    only_this = AddressPolicy(allowed=(ipaddress.ip_network("127.0.0.1/32"),))
    server.route("/out", Reply(302, headers={"Location": f"http://127.0.0.2:{server.port}/x"}))
    server.route("/hex", Reply(302, headers={"Location": f"http://0x7f000002:{server.port}/x"}))
    server.route("/file", Reply(302, headers={"Location": "file:///etc/passwd"}))
    with fetcher(policy=only_this) as f:
        for path in ("/out", "/hex", "/file"):
            with pytest.raises(Blocked):
                f.fetch(server.url(path))
    assert server.paths() == ["/out", "/hex", "/file"]


def test_guard_checks_the_address_connected_to_each_time(server):
    # DNS rebinding: the name is harmless the first time and points inside the
    # second.  The guard decides on the address of each new connection.
    answers = iter([["127.0.0.1"], ["127.0.0.2"]])
    only_this = AddressPolicy(allowed=(ipaddress.ip_network("127.0.0.1/32"),))
    server.route("/a", Reply(body=b"ok"))
    url = f"http://news.test:{server.port}/a"
    with Fetcher(user_agent=UA, policy=only_this, resolver=lambda h, p: next(answers)) as f:
        assert f.fetch(url).content == b"ok"
    second = Fetcher(user_agent=UA, policy=only_this, resolver=lambda h, p: next(answers))
    with second as f, pytest.raises(Blocked, match="127.0.0.2"):
        f.fetch(url)


def test_unreachable_port_is_a_fetch_error():
    with fetcher(deadline=5) as f, pytest.raises(FetchError):
        f.fetch("http://127.0.0.1:9/")


def test_non_http_schemes_refused():
    with fetcher() as f:
        for url in ("file:///etc/passwd", "ftp://127.0.0.1/", "gopher://x/"):
            with pytest.raises(Blocked, match="scheme"):
                f.fetch(url)
