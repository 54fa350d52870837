"""Raumrat application factory: configuration, extensions, blueprints, CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response, request, session
from flask_login import current_user

from core import errorpages, web
from core.config import ConfigurationError, load_config
from core.extensions import babel, csrf, db, limiter, login_manager, migrate

BASE_DIR = Path(__file__).resolve().parent


def select_locale() -> str:
    languages = ("de", "en")
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or "de"


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(BASE_DIR / "instance"))
    app.config.update(load_config(Path(app.instance_path)))
    if overrides:
        app.config.update(overrides)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    # Importing registers the models with SQLAlchemy's metadata (needed by Alembic too).
    import agreements.models  # noqa: F401
    import amendments.models  # noqa: F401
    import core.audit
    import core.mail  # noqa: F401
    import decisions.models  # noqa: F401
    import governance.auth
    import governance.models  # noqa: F401
    import notifications.models  # noqa: F401
    import participation.models  # noqa: F401
    from governance import labels

    web.install(app)
    labels.install(app)
    errorpages.install(app)
    _register_blueprints(app)
    _register_cli(app)

    @app.before_request
    def protect_forms() -> None:
        # Scripts with a bearer token carry no cookie, so cross-site requests cannot forge them.
        bearer = request.authorization is not None and request.authorization.type == "bearer"
        if not app.config["WTF_CSRF_ENABLED"] or bearer:
            return
        csrf.protect(apply_exemptions=True)

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok", mimetype="text/plain")

    @app.get("/readyz")
    def readyz() -> Response:
        try:
            db.session.execute(db.text("SELECT 1"))
        except Exception:
            return Response("database unavailable", status=503, mimetype="text/plain")
        return Response("ok", mimetype="text/plain")

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        from flask_babel import get_locale

        return {"current_locale": str(get_locale() or "de"), "production": app.config["PRODUCTION"]}

    if app.config["PRODUCTION"]:
        _refuse_demo_data_in_production(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from agreements.views import register as register_agreements
    from amendments.views import register as register_amendments
    from decisions.views import register as register_decisions
    from governance.views import register as register_governance
    from moderation.views import register as register_moderation
    from notifications.views import register as register_notifications
    from participation.views import register as register_participation

    register_governance(app)
    register_agreements(app)
    register_amendments(app)
    register_moderation(app)
    register_notifications(app)
    register_participation(app)
    register_decisions(app)


def _register_cli(app: Flask) -> None:
    from decisions.cli import register as register_decisions_cli
    from governance.cli import register

    register(app)
    register_decisions_cli(app)


def _refuse_demo_data_in_production(app: Flask) -> None:
    from sqlalchemy import inspect, select

    from governance.demo import DEMO_EMAIL_DOMAIN
    from governance.models import User

    with app.app_context():
        if not inspect(db.engine).has_table("users"):
            return
        demo_user = db.session.scalar(
            select(User.id).where(User.email.like(f"%@{DEMO_EMAIL_DOMAIN}")).limit(1)
        )
        if demo_user is not None:
            raise ConfigurationError(
                "Demo accounts exist in this database; a production configuration refuses to start."
            )


__all__ = ["create_app"]
