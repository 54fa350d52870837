"""Accounts: registration, sign-in. Every change is audited."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.errors import InvalidInput
from governance.models import User
from governance.passwords import hash_password, needs_rehash, verify_password


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_taken(session: Session, email: str, *, except_user_id: int | None = None) -> bool:
    stmt = select(User.id).where(User.email == normalise_email(email))
    if except_user_id is not None:
        stmt = stmt.where(User.id != except_user_id)
    return session.scalar(stmt) is not None


def pseudonym_taken(session: Session, pseudonym: str, *, except_user_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.pseudonym) == pseudonym.strip().lower())
    if except_user_id is not None:
        stmt = stmt.where(User.id != except_user_id)
    return session.scalar(stmt) is not None


def register_user(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    pseudonym: str | None = None,
    locale: str = "de",
    is_admin: bool = False,
) -> User:
    errors: dict[str, list[str]] = {}
    if email_taken(session, email):
        errors["email"] = ["taken"]
    pseudonym = (pseudonym or "").strip() or None
    if pseudonym and pseudonym_taken(session, pseudonym):
        errors["pseudonym"] = ["taken"]
    if errors:
        raise InvalidInput("registration refused", field_errors=errors)
    user = User(
        email=normalise_email(email),
        password_hash=hash_password(password),
        display_name=display_name.strip(),
        pseudonym=pseudonym,
        locale=locale if locale in ("de", "en") else "de",
        is_admin=is_admin,
        active=True,
        session_version=1,
    )
    session.add(user)
    session.flush()
    audit.record(
        session, actor_id=user.id, action="account.registered", object_type="user", object_id=user.id
    )
    session.commit()
    return user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """The user if e-mail and password match an active account, else None.

    Unknown address, wrong password and deactivated account look the same from outside, and take
    the same time (a dummy hash is verified), so nobody can probe which addresses are registered.
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    valid = verify_password(user.password_hash if user else None, password)
    if not valid or user is None or not user.is_active:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user
