"""Personal access tokens for the JSON API. The secret is shown once; only its hash is stored."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import InvalidInput, NotFound
from core.timeutil import utcnow
from governance.models import ApiToken, User
from governance.passwords import hash_token, new_secret_token
from governance.permissions import Permission, require
from governance.services.actors import actor_for

TOKEN_PREFIX = "rr_"
MAX_TOKENS_PER_USER = 20


def create_token(session: Session, user: User, *, name: str) -> tuple[ApiToken, str]:
    """Create a token; return it with its secret, which is never stored or shown again."""
    require(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("token name", field_errors={"name": ["required" if not name else "too_long"]})
    if len(list_tokens(session, user)) >= MAX_TOKENS_PER_USER:
        raise InvalidInput("too many tokens", field_errors={"name": ["too_many"]})
    secret = new_secret_token(TOKEN_PREFIX)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret), prefix=secret[:10])
    session.add(token)
    session.flush()
    audit.record(
        session, actor_id=user.id, action="api_token.created", object_type="api_token", object_id=token.id,
        details={"name": name},
    )  # fmt: skip
    session.commit()
    return token, secret


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    require(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, user: User, token_id: int) -> None:
    require(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    token = session.get(ApiToken, token_id)
    # Someone else's token looks exactly like a missing one.
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound("token not found")
    token.revoked_at = utcnow()
    audit.record(
        session, actor_id=user.id, action="api_token.revoked", object_type="api_token", object_id=token.id
    )
    session.commit()
