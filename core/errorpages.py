"""Every error answers in the user's language: HTML pages for people, problem+json for the API."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.errors import DomainError, PermissionDenied
from core.extensions import db

log = logging.getLogger("raumrat.errors")


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be understood"),
        401: _("Please sign in"),
        403: _("You are not allowed to do this"),
        404: _("Page not found"),
        405: _("This action is not possible here"),
        409: _("Someone else changed this in the meantime"),
        413: _("What you sent is too large"),
        422: _("Please check your input"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
    }


def _explanations() -> dict[int, str]:
    return {
        400: _("Please go back and try again."),
        401: _("You need to sign in to see this page."),
        403: _("Your account does not have the right to do this. Ask a facilitator if you think it should."),
        404: _("The address may be mistyped, or the page was moved or deleted."),
        405: _("Please use the buttons and links on the page."),
        413: _("Please send less text or a smaller file."),
        429: _("Please wait a minute before you try again."),
        500: _("Please try again later. We have been told about the problem."),
    }


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, detail: str | None = None, **extra: object) -> Response:
    body = {
        "type": "about:blank",
        "title": _titles().get(status, _titles()[400 if status < 500 else 500]),
        "status": status,
        "detail": detail or _explanations().get(status, ""),
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def error_page(status: int, detail: str | None = None) -> Response:
    if wants_problem_json():
        return problem(status, detail)
    html = render_template(
        "errors/error.html",
        status=status,
        title=_titles().get(status, _titles()[400 if status < 500 else 500]),
        detail=detail or _explanations().get(status, ""),
    )
    return Response(html, status=status, mimetype="text/html")


def install(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return error_page(
            400,
            _(
                "The form had expired or did not come from this site. "
                "Please go back, reload the page and send it again."
            ),
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response:
        status = error.status
        if isinstance(error, PermissionDenied):
            from flask_login import current_user

            if not current_user.is_authenticated:
                status = 401
            detail = None
        else:
            detail = error.message or None
        return error_page(status, detail)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        detail = None
        if status == 405 and wants_problem_json():
            # "Use the buttons on the page" means nothing to a script.
            detail = _(
                "This address does not accept %(method)s requests; it accepts %(allowed)s.",
                method=request.method,
                allowed=", ".join(sorted(error.valid_methods or ())),  # type: ignore[attr-defined]
            )
        response = error_page(status, detail)
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        log.exception("unhandled error", exc_info=error)
        # A failed statement leaves the session unusable, and the page needs it (the user's language).
        with contextlib.suppress(Exception):  # even when the database itself is gone
            db.session.rollback()
        return error_page(500)
