"""Downloads of one published version: PDF (tagged PDF/UA-1), Markdown and JSON.

Same addresses as the version's permalink with a file extension, e.g.
/agreements/12/versions/3.pdf. Every export goes through the version's visibility check.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_login import current_user

from agreements.services import exports
from agreements.services.exports import VersionExport
from core.extensions import db

bp = Blueprint("exports", __name__)

KINDS = {"agreements": "agreement", "frameworks": "framework"}
VERSION = "/<any(agreements, frameworks):collection>/<int:document_id>/versions/<int:number>"


@bp.app_template_filter("demote_headings")
def _demote_headings(html: Any) -> Any:
    return exports.demote_headings(html)


def _export(collection: str, document_id: int, number: int) -> VersionExport:
    return exports.version_export(db.session, current_user, document_id, number, kind=KINDS[collection])


def _file(body: bytes, content_type: str, filename: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    # Visibility depends on who asks, so only the asker's own browser may keep a copy; the ETag lets
    # it ask again cheaply (the permission check still runs first).
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language", "Authorization"))
    response.add_etag()
    return response.make_conditional(request)


def version_pdf_html(export: VersionExport) -> str:
    """The HTML the PDF is made from, in the reader's language."""
    version = export.version
    requirements = export.requirements
    return render_template(
        "exports/version.html",
        export=export,
        lang=str(get_locale() or "de"),
        published_at=exports.published_at_iso(version),
        requirement_lines=exports.requirement_lines(requirements) if requirements is not None else [],
        indicators_of=exports.indicators_of,
        budget_lines_of=exports.budget_lines_of,
        format_date=format_date,
    )


@bp.get(VERSION + ".pdf")
def version_pdf(collection: str, document_id: int, number: int) -> ResponseReturnValue:
    export = _export(collection, document_id, number)
    locale = str(get_locale() or "de")
    pdf = exports.pdf_cache.pdf_for(
        export.version.id, locale, exports.fingerprint(export), lambda: version_pdf_html(export)
    )
    return _file(pdf, "application/pdf", export.filename("pdf"))


@bp.get(VERSION + ".md")
def version_markdown(collection: str, document_id: int, number: int) -> ResponseReturnValue:
    export = _export(collection, document_id, number)
    body = exports.as_markdown(export).encode()
    return _file(body, "text/markdown; charset=utf-8", export.filename("md"))


@bp.get(VERSION + ".json")
def version_json(collection: str, document_id: int, number: int) -> ResponseReturnValue:
    export = _export(collection, document_id, number)
    data = exports.as_json(export)
    data["links"] = {
        "html": url_for("documents.version", collection=collection, document_id=document_id, number=number,
                        _external=True),
        **{
            fmt: url_for(f"exports.version_{endpoint}", collection=collection, document_id=document_id,
                         number=number, _external=True)
            for fmt, endpoint in (("pdf", "pdf"), ("markdown", "markdown"), ("json", "json"))
        },
    }  # fmt: skip
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode()
    return _file(body, "application/json", export.filename("json"))
