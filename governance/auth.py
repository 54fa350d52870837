"""Who is making this request: a browser session (Flask-Login) or a personal access token."""

from __future__ import annotations

from flask import Request, g
from sqlalchemy import select

from core.extensions import db, login_manager
from core.timeutil import utcnow
from governance.models import ApiToken, User
from governance.passwords import hash_token


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or str(user.session_version) != version:
        return None
    return user


@login_manager.request_loader
def load_user_from_token(request: Request) -> User | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = header.removeprefix("Bearer ").strip()
    api_token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    )
    if api_token is None or not api_token.user.is_active:
        g.bearer_token_rejected = True
        return None
    api_token.last_used_at = utcnow()
    db.session.commit()
    g.api_token_id = api_token.id
    return api_token.user
