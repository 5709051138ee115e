"""The JSON API over a real server: shapes, cursors, errors, exports, and
schemathesis against the OpenAPI document it serves."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pyarrow.parquet as pq
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from newsdesk.web.api import decode_cursor, encode_cursor

API = "/api/v1"


def test_openapi_document_lists_every_endpoint(client: httpx.Client) -> None:
    r = client.get(f"{API}/openapi.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    paths = set(r.json()["paths"])
    assert {
        f"{API}/articles",
        f"{API}/articles/{{article_id}}",
        f"{API}/search",
        f"{API}/stories",
        f"{API}/stories/{{story_id}}",
        f"{API}/sources",
        f"{API}/export",
    } <= paths


def test_articles_cursor_paging_reaches_every_article_once(
    client: httpx.Client, ids: dict[str, int]
) -> None:
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        r = client.get(
            f"{API}/articles", params={"limit": 3, **({"cursor": cursor} if cursor else {})}
        )
        assert r.status_code == 200
        body = r.json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids.values(), reverse=True)


def test_article_detail_and_404_as_json(client: httpx.Client, ids: dict[str, int]) -> None:
    body = client.get(f"{API}/articles/{ids['bridge']}").json()
    assert body["title"] == "Harbour bridge reopens after repairs"
    assert body["date_source"] == "meta" and body["published_at"].startswith("2024-03-05T09:30")
    assert body["paragraphs"][1] == {"kind": "h", "text": "Traffic returns"}
    r = client.get(f"{API}/articles/987654321")
    assert r.status_code == 404
    assert r.json()["error"]["status"] == 404


def test_search_filters_snippet_offsets_and_cursor(
    client: httpx.Client, ids: dict[str, int]
) -> None:
    r = client.get(f"{API}/search", params={"q": "zeppelinfield"})
    body = r.json()
    assert body["total"] == 1
    hit = body["items"][0]
    assert hit["id"] == ids["bridge"]
    start, end = hit["matches"][0]
    assert hit["snippet"][start:end].lower() == "zeppelinfield"
    assert "\x02" not in hit["snippet"]
    # the same filters as the page
    assert (
        client.get(f"{API}/search", params={"q": "budget OR rain", "source": "Inland Post"}).json()[
            "total"
        ]
        == 2
    )
    assert client.get(f"{API}/search", params={"q": "the", "section": "local"}).json()["total"] == 1
    dated = {"q": "the", "since": "2024-03-05", "until": "2024-03-05"}
    assert [h["id"] for h in client.get(f"{API}/search", params=dated).json()["items"]] == [
        ids["bridge"]
    ]
    first = client.get(f"{API}/search", params={"q": "the", "limit": 1}).json()
    assert first["total"] >= 2 and first["next_cursor"]
    second = client.get(
        f"{API}/search", params={"q": "the", "limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert second["items"][0]["id"] != first["items"][0]["id"]


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/search?since=yesterday",
        f"{API}/articles?limit=0",
        f"{API}/articles?limit=abc",
        f"{API}/articles?cursor=bm9wZQ",
        f"{API}/search?q=x&cursor=" + encode_cursor("b", 3),  # a list cursor is no search cursor
        f"{API}/export?format=xlsx",
    ],
)
def test_bad_parameters_are_json_400(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.json()["error"]["status"] == 400


def test_unknown_route_and_method_are_json_errors(client: httpx.Client) -> None:
    r = client.get(f"{API}/nope")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404
    r = client.post(f"{API}/articles")
    assert r.status_code == 405 and r.json()["error"]["status"] == 405
    # the site keeps HTML errors
    assert client.get("/nope").headers["content-type"].startswith("text/html")


def test_api_responses_carry_the_security_headers(client: httpx.Client) -> None:
    r = client.get(f"{API}/articles")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_cursor_round_trip() -> None:
    assert decode_cursor(encode_cursor("o", 40), "o") == 40


def test_exports_in_three_formats(client: httpx.Client, ids: dict[str, int]) -> None:
    lines = client.get(f"{API}/export", params={"format": "jsonl"}).text.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == sorted(ids.values(), reverse=True)
    assert rows[-1]["authors"] == ["Ana Ruiz", "Ben Okafor"]
    r = client.get(f"{API}/export", params={"format": "csv", "limit": 2})
    assert r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert len(table) == 2 and table[0]["title"] == "<script>alert(1)</script>"
    r = client.get(f"{API}/export", params={"format": "parquet"})
    assert r.headers["content-disposition"] == 'attachment; filename="newsdesk.parquet"'
    parquet = pq.read_table(io.BytesIO(r.content))
    assert parquet.num_rows == len(ids)
    assert set(parquet.column("title").to_pylist()) >= {"Rain expected all week"}


# -- schemathesis ---------------------------------------------------------------


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
OPERATIONS = [
    "listArticles",
    "getArticle",
    "search",
    "topStories",
    "getStory",
    "listSources",
    "export",
]


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_api_conforms_to_its_openapi_document(
    site: tuple[str, dict[str, int]], operation_id: str
) -> None:
    """Generated valid and invalid requests for each operation, on the real server."""
    api = schemathesis.openapi.from_url(f"{site[0]}{API}/openapi.json")
    operation = api.find_operation_by_id(operation_id)

    @given(case=operation.as_strategy())
    @settings(
        max_examples=30,  # bounded: a few seconds per operation
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS, timeout=30)

    check()
