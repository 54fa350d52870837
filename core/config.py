"""Configuration from environment variables, with safe defaults for a developer's machine."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigurationError(RuntimeError):
    pass


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else generated once into ``instance/secret_key``."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _normalise_database_url(url: str) -> str:
    # psycopg 3 is the only PostgreSQL driver installed; accept the common short forms.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(instance_path: Path) -> dict:
    env = os.environ.get("RAUMRAT_ENV", "development")
    production = env == "production"
    if production and not os.environ.get("SECRET_KEY"):
        raise ConfigurationError("RAUMRAT_ENV=production needs SECRET_KEY in the environment.")
    default_db = f"sqlite:///{instance_path / 'raumrat.sqlite3'}"
    redis_url = os.environ.get("REDIS_URL")
    return {
        "RAUMRAT_ENV": env,
        "PRODUCTION": production,
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _normalise_database_url(os.environ.get("DATABASE_URL", default_db)),
        # Recycling idle connections instead of pinging before each use saves a round trip per request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 300},
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # We call csrf.protect() ourselves so bearer-token API requests can skip it.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "de",
        "LANGUAGES": ("de", "en"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "raumrat@localhost"),
        "INVITATION_DAYS": 14,
        "PASSWORD_RESET_SECONDS": 3600,
    }
