"""HTTP-level helpers shared by all blueprints: htmx fragments, safe redirects, security headers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, make_response, render_template, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def is_htmx_request() -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context: Any) -> Response:
    """Full page for ordinary requests, the page's fragment for htmx requests.

    The fragment template is included by the page, so both always show the same content.
    """
    template = fragment if is_htmx_request() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def safe_next_url(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after login and language switches."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(char) < 32 for char in target):
        return default
    return target


# Ids and numbers in URLs name rows of integer columns (counted from 1), which hold at most this.
MAX_URL_INTEGER = 2**31 - 1


def unstorable_url_values_name_nothing(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """404 for URL values no row can hold: numbers outside the integer columns (SQLite refuses to
    even compare larger ones) and text with NUL (PostgreSQL refuses to compare it)."""
    for value in (values or {}).values():
        if isinstance(value, int) and not 0 < value <= MAX_URL_INTEGER:
            abort(404)
        if isinstance(value, str) and "\x00" in value:
            abort(404)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def install(app: Flask) -> None:
    from flask_babel import format_decimal

    from core.markdown import render_markdown

    app.after_request(add_security_headers)
    app.url_value_preprocessor(unstorable_url_values_name_nothing)
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["markdown"] = render_markdown
