"""Accounts: registration, sign-in, password reset, own settings and deletion. Every change is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from core import audit
from core.errors import DomainError, InvalidInput
from core.mail import OutboxMessage, queue_mail
from core.timeutil import utcnow
from governance.models import ApiToken, OrganisationMember, SpaceMembership, User
from governance.parties import MembershipStatus
from governance.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from governance.permissions import Permission, is_allowed, require
from governance.services.actors import actor_for

LANGUAGES = ("de", "en")
MAX_DISPLAY_NAME_LENGTH = 120
MIN_PSEUDONYM_LENGTH = 3
MAX_PSEUDONYM_LENGTH = 60
MAX_EMAIL_LENGTH = 320
PASSWORD_RESET_SALT = "password-reset"
# Longer strings cannot be tokens we made; refusing them early keeps garbage cheap.
MAX_RESET_TOKEN_LENGTH = 300
# Deleted accounts are shown under this neutral name; nobody may choose a pseudonym starting with it.
DELETED_ACCOUNT_NAME = "Ehemaliges Mitglied"


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


def pseudonym_reserved(pseudonym: str) -> bool:
    return pseudonym.strip().lower().startswith(DELETED_ACCOUNT_NAME.lower())


def _pseudonym_errors(session: Session, pseudonym: str | None, *, except_user_id: int | None) -> list[str]:
    if not pseudonym:
        return []
    if not MIN_PSEUDONYM_LENGTH <= len(pseudonym) <= MAX_PSEUDONYM_LENGTH:
        return ["length"]
    if pseudonym_reserved(pseudonym):
        return ["reserved"]
    if pseudonym_taken(session, pseudonym, except_user_id=except_user_id):
        return ["taken"]
    return []


def _new_password_errors(password: str) -> list[str]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return ["too_short"]
    if len(password) > MAX_PASSWORD_LENGTH:
        return ["too_long"]
    return []


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
    elif pseudonym and pseudonym_reserved(pseudonym):
        errors["pseudonym"] = ["reserved"]
    if errors:
        raise InvalidInput("registration refused", field_errors=errors)
    user = User(
        email=normalise_email(email),
        password_hash=hash_password(password),
        display_name=display_name.strip(),
        pseudonym=pseudonym,
        locale=locale if locale in LANGUAGES else "de",
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


# --- Forgotten password -------------------------------------------------------------------------


class ResetLinkInvalid(DomainError):
    """A reset link that cannot be used; ``reason`` is "expired", "used" or "invalid"."""

    status = 400

    def __init__(self, reason: str):
        super().__init__(f"password reset link {reason}")
        self.reason = reason
        # A link that worked once is gone; a garbled one was never valid.
        self.status = 400 if reason == "invalid" else 410


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=PASSWORD_RESET_SALT)


def make_reset_token(user_id: int, session_version: int, *, secret_key: str) -> str:
    # The session version is bumped by every password change, so a link works only once.
    return str(_reset_serializer(secret_key).dumps({"user": user_id, "version": session_version}))


def _reset_mail(user_locale: str, link: str, max_age: int) -> tuple[str, str]:
    with force_locale(user_locale if user_locale in LANGUAGES else "de"):
        subject = _("Reset your Raumrat password")
        body = _(
            "Hello,\n\n"
            "someone asked to reset the password of your Raumrat account. "
            "To choose a new password, open this link:\n\n"
            "%(link)s\n\n"
            "The link works for %(minutes)d minutes and only once.\n\n"
            "If you did not ask for this, you can ignore this e-mail. Your password stays the same.\n\n"
            "Raumrat",
            link=link,
            minutes=max_age // 60,
        )
    return subject, body


def request_password_reset(
    session: Session, *, email: str, secret_key: str, max_age: int, reset_url: Callable[[str], str]
) -> None:
    """Mail a reset link if the address belongs to an account that may manage itself.

    The caller answers the same whatever happens here, and both paths do the same work up to
    storing the mail, so neither the answer nor its timing tells whether the address is registered.
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    eligible = user is not None and is_allowed(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    if user is not None and eligible:
        token = make_reset_token(user.id, user.session_version, secret_key=secret_key)
        locale = user.locale
    else:
        token, locale = make_reset_token(0, 0, secret_key=secret_key), "de"
    subject, body = _reset_mail(locale, reset_url(token), max_age)
    if user is not None and eligible and user.email:
        queue_mail(session, recipient=user.email, subject=subject, body=body)
        # Nobody is signed in: the request has no actor.
        audit.record(
            session, actor_id=None, action="account.password_reset_requested", object_type="user",
            object_id=user.id,
        )  # fmt: skip
    session.commit()


def user_for_reset_token(session: Session, *, token: str, secret_key: str, max_age: int) -> User:
    """The account a reset link belongs to, or ResetLinkInvalid saying why it cannot be used."""
    if not token or len(token) > MAX_RESET_TOKEN_LENGTH:
        raise ResetLinkInvalid("invalid")
    serializer = _reset_serializer(secret_key)
    try:
        payload = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise ResetLinkInvalid("expired") from None
    except BadData:
        raise ResetLinkInvalid("invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise ResetLinkInvalid("invalid")
    user = session.get(User, payload["user"])
    if user is None or not user.is_active:
        raise ResetLinkInvalid("used")
    if payload.get("version") != user.session_version:
        raise ResetLinkInvalid("used")
    return user


def reset_password(session: Session, *, token: str, new_password: str, secret_key: str, max_age: int) -> User:
    """Set a new password from a reset link; the link then stops working and other sessions end."""
    user = user_for_reset_token(session, token=token, secret_key=secret_key, max_age=max_age)
    # The link proves control of the mailbox: from here on the account's owner acts.
    require(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    errors = _new_password_errors(new_password)
    if errors:
        raise InvalidInput("password", field_errors={"password": errors})
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    audit.record(
        session, actor_id=user.id, action="account.password_reset", object_type="user", object_id=user.id
    )
    session.commit()
    return user


# --- Personal settings --------------------------------------------------------------------------


def change_names(session: Session, user: User, *, display_name: str, pseudonym: str | None) -> None:
    """Change the real name and the pseudonym others see instead of it (empty removes it)."""
    require(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    display_name = display_name.strip()
    pseudonym = (pseudonym or "").strip() or None
    errors: dict[str, list[str]] = {}
    if not display_name:
        errors["display_name"] = ["required"]
    elif len(display_name) > MAX_DISPLAY_NAME_LENGTH:
        errors["display_name"] = ["too_long"]
    pseudonym_errors = _pseudonym_errors(session, pseudonym, except_user_id=user.id)
    if pseudonym_errors:
        errors["pseudonym"] = pseudonym_errors
    if errors:
        raise InvalidInput("names", field_errors=errors)
    changed = [
        field
        for field, old, new in (
            ("display_name", user.display_name, display_name),
            ("pseudonym", user.pseudonym, pseudonym),
        )
        if old != new
    ]
    if not changed:
        return
    user.display_name = display_name
    user.pseudonym = pseudonym
    # Only which fields changed: the audit log outlives the account, the names should not.
    audit.record(
        session, actor_id=user.id, action="account.names_changed", object_type="user", object_id=user.id,
        details={"fields": changed},
    )  # fmt: skip
    session.commit()


def _email_changed_mail(user_locale: str) -> tuple[str, str]:
    with force_locale(user_locale if user_locale in LANGUAGES else "de"):
        subject = _("Your Raumrat e-mail address was changed")
        body = _(
            "Hello,\n\n"
            "the e-mail address of your Raumrat account was changed. From now on we write to the new "
            "address.\n\n"
            "If you did not do this, please tell the administrators of Raumrat at once.\n\n"
            "Raumrat"
        )
    return subject, body


def change_email(session: Session, user: User, *, new_email: str, current_password: str) -> None:
    """Change the sign-in address; needs the current password, and the old address is told."""
    require(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    address = normalise_email(new_email)
    errors: dict[str, list[str]] = {}
    if not verify_password(user.password_hash, current_password):
        errors["current_password"] = ["wrong"]
    if not address or "@" not in address:
        errors["email"] = ["invalid"]
    elif len(address) > MAX_EMAIL_LENGTH:
        errors["email"] = ["too_long"]
    elif address == user.email:
        errors["email"] = ["unchanged"]
    elif email_taken(session, address, except_user_id=user.id):
        errors["email"] = ["taken"]
    if errors:
        raise InvalidInput("e-mail", field_errors=errors)
    old_address = user.email
    user.email = address
    if old_address:
        subject, body = _email_changed_mail(user.locale)
        queue_mail(session, recipient=old_address, subject=subject, body=body)
    audit.record(
        session, actor_id=user.id, action="account.email_changed", object_type="user", object_id=user.id
    )
    session.commit()


def change_password(session: Session, user: User, *, current_password: str, new_password: str) -> None:
    """Change the password; other sessions and open reset links stop working."""
    require(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    errors: dict[str, list[str]] = {}
    if not verify_password(user.password_hash, current_password):
        errors["current_password"] = ["wrong"]
    new_errors = _new_password_errors(new_password)
    if new_errors:
        errors["new_password"] = new_errors
    if errors:
        raise InvalidInput("password", field_errors=errors)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    audit.record(
        session, actor_id=user.id, action="account.password_changed", object_type="user", object_id=user.id
    )
    session.commit()


def set_locale(session: Session, user: User, *, locale: str) -> None:
    require(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    if locale not in LANGUAGES:
        raise InvalidInput("language", field_errors={"locale": ["unknown"]})
    if user.locale == locale:
        return
    user.locale = locale
    audit.record(
        session, actor_id=user.id, action="account.locale_changed", object_type="user", object_id=user.id,
        details={"locale": locale},
    )  # fmt: skip
    session.commit()


# --- Deleting an account ------------------------------------------------------------------------


def neutral_pseudonym(session: Session, user: User) -> str:
    """'Ehemaliges Mitglied 4F2A' from the account id: unique, and tells nothing about the person."""
    base = f"{DELETED_ACCOUNT_NAME} {user.id:04X}"
    candidate, suffix = base, 1
    # Names with this prefix are reserved, but accounts older than the reservation might hold one.
    while pseudonym_taken(session, candidate, except_user_id=user.id):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def delete_account(session: Session, user: User, *, password: str) -> dict[str, Any]:
    """Delete an account: personal data goes, contributions stay under a neutral pseudonym.

    Memberships are ended rather than removed and audit entries stay, so the history of a space
    (who decided what, as which party) remains readable without naming the person.
    """
    require(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    if not verify_password(user.password_hash, password):
        raise InvalidInput("password", field_errors={"password": ["wrong"]})
    now = utcnow()
    old_address = user.email
    tokens_revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    memberships_ended = session.execute(
        update(SpaceMembership)
        .where(
            SpaceMembership.user_id == user.id,
            SpaceMembership.status.in_([MembershipStatus.ACTIVE, MembershipStatus.REQUESTED]),
        )
        .values(status=MembershipStatus.LEFT)
    ).rowcount
    organisations_left = session.execute(
        delete(OrganisationMember).where(OrganisationMember.user_id == user.id)
    ).rowcount
    if old_address:
        # Mails to the address (reset links, notices) are personal data, not contributions.
        session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == old_address))
    name = neutral_pseudonym(session, user)
    user.email = None
    user.password_hash = None
    user.display_name = name
    user.pseudonym = name
    user.is_admin = False
    user.active = False
    user.deleted_at = now
    user.session_version += 1
    summary = {
        "tokens_revoked": tokens_revoked,
        "memberships_ended": memberships_ended,
        "organisations_left": organisations_left,
    }
    audit.record(
        session, actor_id=user.id, action="account.deleted", object_type="user", object_id=user.id,
        details=summary,
    )  # fmt: skip
    session.commit()
    # Bulk statements bypass the identity map; reload what the caller may still look at.
    session.expire_all()
    return summary
