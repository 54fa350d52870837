"""The consultation report for facilitators and administrators: a page, CSV and a tagged PDF."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime, get_locale
from flask_login import current_user, login_required

from core.extensions import db
from participation.services import reports

bp = Blueprint("participation_reports", __name__)

REPORT = "/agreements/<int:document_id>/consultation-report"


def _file(body: bytes, content_type: str, filename: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _filename(document_id: int, extension: str) -> str:
    return f"beteiligungsbericht-{document_id}.{extension}"


@bp.get(REPORT)
@login_required
def report(document_id: int) -> ResponseReturnValue:
    data = reports.consultation_report(db.session, current_user, document_id)
    return render_template("participation/report_page.html", report=data, document=data.document)


@bp.get(REPORT + ".csv")
@login_required
def report_csv(document_id: int) -> ResponseReturnValue:
    data = reports.consultation_report(db.session, current_user, document_id)
    return _file(reports.as_csv(data), "text/csv; charset=utf-8", _filename(document_id, "csv"))


@bp.get(REPORT + ".pdf")
@login_required
def report_pdf(document_id: int) -> ResponseReturnValue:
    from agreements.services.exports import render_pdf

    data = reports.consultation_report(db.session, current_user, document_id)
    html = render_template(
        "participation/report_pdf.html",
        report=data,
        document=data.document,
        lang=str(get_locale() or "de"),
        format_datetime=format_datetime,
    )
    return _file(render_pdf(html), "application/pdf", _filename(document_id, "pdf"))
