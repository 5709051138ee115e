"""The OpenAPI 3.0 document of ``/api/v1``, written out by hand.

A hand-written dict keeps Starlette as the only web framework and makes the
contract something to read and review; :mod:`.api` validates exactly the
parameters declared here, and the schemathesis tests check the responses
against these schemas on a running server.
"""

from __future__ import annotations

from typing import Any

from .site import MAX_FILTER_CHARS, MAX_QUERY_CHARS, SQLITE_MAX_INT

MAX_LIMIT = 100
MAX_EXPORT = 1_000_000


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "nullable": True, **extra}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(_ref("Error"), "A parameter is malformed or out of range."),
    "404": _json(_ref("Error"), "No such resource."),
}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


LIMIT = _query(
    "limit",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    "Items per page (default: the site's page size).",
)
CURSOR = _query(
    "cursor",
    {"type": "string", "maxLength": 100},
    "Opaque cursor from a previous page's next_cursor; omit for the first page.",
)
FILTER = {"type": "string", "maxLength": MAX_FILTER_CHARS}
DATE = {"type": "string", "format": "date"}
ID = {"type": "integer", "minimum": 1, "maximum": SQLITE_MAX_INT}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                },
            }
        },
    },
    "ArticleSummary": {
        "type": "object",
        "required": ["id", "title", "url", "site_name", "source", "section", "published_at"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "url": _nullable("string"),
            "site_name": _nullable("string"),
            "source": _nullable("string"),
            "section": _nullable("string"),
            "published_at": _nullable("string", format="date-time"),
            "ingested_at": {"type": "string", "format": "date-time"},
        },
    },
    "ArticlePage": {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": _ref("ArticleSummary")},
            "next_cursor": _nullable("string"),
        },
    },
    "Article": {
        "type": "object",
        "required": ["id", "title", "body", "paragraphs", "date_source", "ingested_at"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "url": _nullable("string"),
            "canonical_url": _nullable("string"),
            "site_name": _nullable("string"),
            "source": _nullable("string"),
            "section": _nullable("string"),
            "authors": {"type": "array", "items": {"type": "string"}},
            "contributors": {"type": "array", "items": {"type": "string"}},
            "dateline": _nullable("string"),
            "published_at": _nullable("string", format="date-time"),
            "date_source": {"type": "string"},
            "page_date": _nullable("string", format="date-time"),
            "language": _nullable("string"),
            "source_link": _nullable("string"),
            "content_hash": {"type": "string"},
            "body": {"type": "string"},
            "paragraphs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kind", "text"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["p", "h"]},
                        "text": {"type": "string"},
                    },
                },
            },
            "ingested_at": {"type": "string", "format": "date-time"},
            "story_id": _nullable("integer"),
            "entities": {"type": "array", "items": {"type": "object"}},
            "quotes": {"type": "array", "items": {"type": "object"}},
        },
    },
    "SearchHit": {
        "type": "object",
        "required": ["id", "title", "snippet", "matches"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "url": _nullable("string"),
            "source": _nullable("string"),
            "section": _nullable("string"),
            "published_at": _nullable("string", format="date-time"),
            "snippet": {"type": "string", "description": "Plain text around the matches."},
            "matches": {
                "type": "array",
                "description": "[start, end) character offsets of the matched words in snippet.",
                "items": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "minItems": 2,
                    "maxItems": 2,
                },
            },
        },
    },
    "SearchPage": {
        "type": "object",
        "required": ["total", "total_is_lower_bound", "items", "next_cursor"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "total_is_lower_bound": {
                "type": "boolean",
                "description": "true when counting stopped early: more articles match",
            },
            "items": {"type": "array", "items": _ref("SearchHit")},
            "next_cursor": _nullable("string"),
        },
    },
    "Story": {
        "type": "object",
        "required": ["id", "title", "n_articles", "n_sources", "sources"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "n_articles": {"type": "integer"},
            "n_sources": {"type": "integer"},
            "sources": {"type": "array", "items": {"type": "string"}},
            "first_seen": _nullable("string", format="date-time"),
            "last_seen": _nullable("string", format="date-time"),
            "score": {"type": "number"},
            "articles": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "at"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "url": _nullable("string"),
                        "source": _nullable("string"),
                        "at": {"type": "string", "format": "date-time"},
                    },
                },
            },
        },
    },
    "StoryList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref("Story")}},
    },
    "SourceList": {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "articles"],
                    "properties": {
                        "name": {"type": "string"},
                        "articles": {"type": "integer", "minimum": 1},
                    },
                },
            }
        },
    },
}


def _get(summary: str, parameters: list[dict[str, Any]], ok: dict[str, Any], op: str) -> Any:
    return {
        "get": {
            "operationId": op,
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": ok, **ERRORS},
        }
    }


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID}


def document() -> dict[str, Any]:
    """The OpenAPI document served at ``/api/v1/openapi.json``."""
    search_params = [
        _query(
            "q", {"type": "string", "maxLength": MAX_QUERY_CHARS}, 'Words, "phrases", OR, prefix*.'
        ),
        _query("since", DATE, "Published on or after this day (UTC)."),
        _query("until", DATE, "Published on or before this day (UTC)."),
        _query("source", FILTER, "Site name or source label."),
        _query("section", FILTER, "Section, case-insensitive."),
        _query("person", FILTER, "Only articles naming this person (the name as a phrase)."),
        LIMIT,
        CURSOR,
    ]
    export_ok = {
        "description": "Every article, newest first, as a download.",
        "content": {
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "newsdesk API",
            "version": "1",
            "description": (
                "Read-only JSON over the same store queries as the web pages. "
                "Lists page with opaque cursors (next_cursor; null at the end). "
                'Errors are JSON: {"error": {"status", "message"}}.'
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/articles": _get(
                "Latest articles, newest first; optionally one source's.",
                [LIMIT, CURSOR, _query("source", FILTER, "Only this site or source label.")],
                _json(_ref("ArticlePage"), "A page of articles."),
                "listArticles",
            ),
            "/api/v1/articles/{article_id}": _get(
                "One article: clean body, dates and provenance, story, entities, quotes.",
                [_path_id("article_id")],
                _json(_ref("Article"), "The article."),
                "getArticle",
            ),
            "/api/v1/search": _get(
                "Full-text search with filters, best first.",
                search_params,
                _json(_ref("SearchPage"), "A page of hits."),
                "search",
            ),
            "/api/v1/stories": _get(
                "Top stories, ranked.",
                [_query("limit", {"type": "integer", "minimum": 1, "maximum": 50}, "How many.")],
                _json(_ref("StoryList"), "The top stories."),
                "topStories",
            ),
            "/api/v1/stories/{story_id}": _get(
                "One story with its timeline, oldest first.",
                [_path_id("story_id")],
                _json(_ref("Story"), "The story."),
                "getStory",
            ),
            "/api/v1/sources": _get(
                "Sources with their article counts, largest first.",
                [_query("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "How many.")],
                _json(_ref("SourceList"), "The sources."),
                "listSources",
            ),
            "/api/v1/export": _get(
                "Export articles as JSONL, CSV or Parquet (like `newsdesk export`).",
                [
                    _query(
                        "format",
                        {"type": "string", "enum": ["jsonl", "csv", "parquet"], "default": "jsonl"},
                        "File format.",
                    ),
                    _query(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": MAX_EXPORT},
                        "At most this many articles, newest first.",
                    ),
                ],
                export_ok,
                "export",
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
