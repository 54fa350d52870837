"""Site administration: accounts (deactivate, reactivate, administrator right) and the audit log.

Lists are paged with one count query and one page query each, whatever the page size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from core import audit
from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput, NotFound
from governance.models import Organisation, OrganisationMember, User
from governance.permissions import Actor, Permission, require
from governance.services.actors import actor_for

PER_PAGE = 50
MAX_QUERY_LENGTH = 100
MAX_ACTION_PREFIX_LENGTH = 80
MAX_OBJECT_TYPE_LENGTH = 40

T = TypeVar("T")


class SelfLockout(Conflict):
    """Administrators may not lock themselves out; another administrator has to do that."""


class AccountDeleted(Conflict):
    def __init__(self) -> None:
        super().__init__(_l("This account has been deleted and cannot be changed any more."))


@dataclass
class Paged(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_number(self) -> int:
        """Position of the first item on this page, counted from 1 (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_number(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)


def _without_control_characters(text: str | None) -> str:
    # They match nothing, and PostgreSQL would even refuse a NUL in a query.
    return "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in text or "").strip()


def parse_page(value: Any) -> int:
    """A page number from a query string; anything that is not a positive number means page 1."""
    try:
        page = int(value)
    except (TypeError, ValueError):
        return 1
    return max(page, 1)


def _paginate(session: Session, stmt: Select, page: int, per_page: int) -> tuple[list, int, int]:
    """Rows of one page, the total and the page actually shown (pages past the end show the last)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    last_page = max(1, -(-total // per_page))
    page = min(max(page, 1), last_page)
    rows = list(session.execute(stmt.limit(per_page).offset((page - 1) * per_page)))
    return rows, total, page


# --- overview ------------------------------------------------------------------------------------


@dataclass
class Overview:
    users: int
    deactivated_users: int
    administrators: int
    organisations: int
    audit_entries: int


def overview(session: Session, user: Any) -> Overview:
    require(actor_for(session, user), Permission.MANAGE_USERS)
    live = User.deleted_at.is_(None)
    users, deactivated, administrators = session.execute(
        select(
            func.count(),
            func.count().filter(User.active.is_(False)),
            func.count().filter(User.is_admin.is_(True), User.active.is_(True)),
        ).where(live)
    ).one()
    return Overview(
        users=users,
        deactivated_users=deactivated,
        administrators=administrators,
        organisations=session.scalar(select(func.count()).select_from(Organisation)) or 0,
        audit_entries=session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
    )


def organisations_with_member_counts(session: Session, user: Any) -> list[tuple[Organisation, int]]:
    """Every organisation by name with its number of members, in one query."""
    require(actor_for(session, user), Permission.CREATE_ORGANISATION)
    counts = (
        select(OrganisationMember.organisation_id, func.count().label("members"))
        .group_by(OrganisationMember.organisation_id)
        .subquery()
    )
    rows = session.execute(
        select(Organisation, func.coalesce(counts.c.members, 0))
        .outerjoin(counts, counts.c.organisation_id == Organisation.id)
        .order_by(Organisation.name, Organisation.id)
    )
    return [(organisation, members) for organisation, members in rows]


# --- accounts ------------------------------------------------------------------------------------


def list_users(
    session: Session, user: Any, *, query: str | None = None, page: int = 1, per_page: int = PER_PAGE
) -> Paged[User]:
    """Accounts by name, filtered by a search in name, pseudonym and e-mail address."""
    require(actor_for(session, user), Permission.MANAGE_USERS)
    query = _without_control_characters(query)
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput("invalid search", field_errors={"q": ["too_long"]})
    stmt = select(User).order_by(func.lower(User.display_name), User.id)
    for word in query.split():
        # lower() folds ASCII everywhere and all letters on PostgreSQL; the exact spelling matches too.
        stmt = stmt.where(
            or_(
                *(
                    condition
                    for column in (User.display_name, User.pseudonym, User.email)
                    for condition in (
                        func.lower(column).contains(word.lower(), autoescape=True),
                        column.contains(word, autoescape=True),
                    )
                )
            )
        )
    rows, total, page = _paginate(session, stmt, page, per_page)
    return Paged(items=[row[0] for row in rows], total=total, page=page, per_page=per_page)


def _target(session: Session, user_id: int) -> User:
    target = session.get(User, user_id)
    if target is None:
        raise NotFound("user not found")
    return target


def _administrator(session: Session, user: Any) -> Actor:
    actor = actor_for(session, user)
    require(actor, Permission.MANAGE_USERS)
    return actor


def deactivate_user(session: Session, user: Any, user_id: int) -> User:
    """Block an account from signing in and end all its sessions."""
    actor = _administrator(session, user)
    target = _target(session, user_id)
    if target.id == actor.user_id:
        raise SelfLockout(_l("You cannot deactivate your own account."))
    if target.deleted_at is not None:
        raise AccountDeleted()
    if not target.active:
        return target
    target.active = False
    # Sessions remember the version they were opened with; a new version signs them all out.
    target.session_version = (target.session_version or 1) + 1
    audit.record(
        session, actor_id=actor.user_id, action="user.deactivated", object_type="user", object_id=target.id
    )
    session.commit()
    return target


def reactivate_user(session: Session, user: Any, user_id: int) -> User:
    actor = _administrator(session, user)
    target = _target(session, user_id)
    if target.deleted_at is not None:
        raise AccountDeleted()
    if target.active:
        return target
    target.active = True
    audit.record(
        session, actor_id=actor.user_id, action="user.reactivated", object_type="user", object_id=target.id
    )
    session.commit()
    return target


def set_administrator(session: Session, user: Any, user_id: int, *, admin: bool) -> User:
    """Grant or revoke the administrator right."""
    actor = _administrator(session, user)
    target = _target(session, user_id)
    if target.id == actor.user_id and not admin:
        raise SelfLockout(_l("You cannot remove your own administrator right."))
    if target.deleted_at is not None:
        raise AccountDeleted()
    if target.is_admin == admin:
        return target
    target.is_admin = admin
    audit.record(
        session,
        actor_id=actor.user_id,
        action="user.admin_granted" if admin else "user.admin_revoked",
        object_type="user",
        object_id=target.id,
    )
    session.commit()
    return target


# --- audit log -----------------------------------------------------------------------------------


@dataclass
class AuditRow:
    entry: AuditEntry
    # The actor's public name; None for entries written by the system (demo data, commands).
    actor_name: str | None


def audit_object_types(session: Session, user: Any) -> list[str]:
    require(actor_for(session, user), Permission.VIEW_AUDIT_LOG)
    return list(session.scalars(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)))


def list_audit_entries(
    session: Session,
    user: Any,
    *,
    action_prefix: str | None = None,
    object_type: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Paged[AuditRow]:
    """The audit log, newest first, with each actor's public name joined in (no query per row)."""
    require(actor_for(session, user), Permission.VIEW_AUDIT_LOG)
    action_prefix = _without_control_characters(action_prefix)
    object_type = _without_control_characters(object_type)
    errors: dict[str, list[str]] = {}
    if len(action_prefix) > MAX_ACTION_PREFIX_LENGTH:
        errors["action"] = ["too_long"]
    if len(object_type) > MAX_OBJECT_TYPE_LENGTH:
        errors["object_type"] = ["too_long"]
    if errors:
        raise InvalidInput("invalid filter", field_errors=errors)
    actor_name = func.coalesce(User.pseudonym, User.display_name)
    stmt = (
        select(AuditEntry, actor_name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    if action_prefix:
        stmt = stmt.where(AuditEntry.action.startswith(action_prefix, autoescape=True))
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    rows, total, page = _paginate(session, stmt, page, per_page)
    return Paged(
        items=[AuditRow(entry=entry, actor_name=name) for entry, name in rows],
        total=total,
        page=page,
        per_page=per_page,
    )
