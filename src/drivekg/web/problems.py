"""Errors at the edge: each ``errors`` class mapped to an HTTP status, and the one error shape.

A browser (an ``Accept`` naming ``text/html`` at least as high as JSON) gets a small HTML page;
every other client the JSON shape::

    {"error": {"status": 404, "title": "Not Found", "detail": "…"}}

The status is decided by the error's class (``STATUS``, most specific class first), never by
reading its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from drivekg.errors import (
    AnswerTooLarge,
    DriveKGError,
    EngineCrashed,
    EvaluationFailed,
    NotAcceptable,
    QueryError,
    QueryLimit,
    QueryMemoryLimit,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    RemoteRefused,
    SandboxError,
    ServerBusy,
    SlowLaneTaken,
    StoreError,
    TooManyQueries,
    UpdateRefused,
)
from drivekg.formats import HTML, SPARQL_JSON, Format
from drivekg.web.negotiation import choose

__all__ = ["STATUS", "error_response", "problem", "status_of"]

STATUS: dict[type[DriveKGError], tuple[int, str]] = {
    QuerySyntaxError: (400, "Malformed query"),
    UpdateRefused: (400, "Update refused"),
    RemoteRefused: (400, "Query refused"),
    QueryRefused: (400, "Query refused"),
    EngineCrashed: (500, "Query failed"),
    EvaluationFailed: (400, "Query failed"),
    QueryTimeout: (503, "Query timeout"),
    QueryMemoryLimit: (500, "Query memory limit"),
    AnswerTooLarge: (500, "Answer too large"),
    ServerBusy: (503, "Busy"),
    SlowLaneTaken: (429, "Too many slow queries"),
    TooManyQueries: (429, "Too many queries"),
    NotAcceptable: (406, "Not Acceptable"),
    SandboxError: (503, "SPARQL unavailable"),
    QueryError: (400, "Query refused"),
    StoreError: (502, "Store unavailable"),
}

_JSON = Format("json", "JSON", "application/json", "json", "other")
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{status} {title} · drivekg</title>
<link rel="stylesheet" href="/static/style.css"></head>
<body><header class="site"><a class="brand" href="/">drivekg</a>
<nav aria-label="data"><a href="/sparql">SPARQL</a></nav></header>
<main><h1>{status} {title}</h1><p>{detail}</p></main></body></html>
"""


def status_of(exc: DriveKGError) -> tuple[int, str]:
    """(HTTP status, title) for an error, by its class."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500, "Internal Server Error"


def _wants_html(request: Request | None) -> bool:
    if request is None:
        return False
    accept = request.headers.get("accept")
    return choose(accept, [_JSON, SPARQL_JSON, HTML], [_JSON, HTML]) is HTML


def problem(request: Request | None, status: int, detail: str, *, title: str | None = None,
            headers: Mapping[str, str] | None = None) -> Response:
    """The one error shape: an HTML page for a browser, JSON for anything else."""
    title = title or HTTPStatus(status).phrase
    extra = {"Vary": "Accept", **dict(headers or {})}
    if _wants_html(request):
        page = _PAGE.format(status=status, title=escape(title), detail=escape(detail))
        return HTMLResponse(page, status_code=status, headers=extra)
    body = {"error": {"status": status, "title": title, "detail": detail}}
    return JSONResponse(body, status_code=status, headers=extra)


def error_response(request: Request | None, exc: DriveKGError,
                   headers: Mapping[str, str] | None = None) -> Response:
    """The answer to a typed error: its status and title from ``STATUS``."""
    status, title = status_of(exc)
    extra = dict(headers or {})
    if isinstance(exc, QueryLimit) and exc.retry_after:
        extra["Retry-After"] = str(exc.retry_after)
    return problem(request, status, str(exc), title=title, headers=extra)
