"""Social spaces: the directory of official units, named groups of units, and a space's page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from core import audit
from core.errors import InvalidInput, NotFound
from governance.models import Space, SpaceGroupUnit, SpaceMembership, User
from governance.parties import OFFICIAL_LEVELS, MembershipStatus, Party, SpaceRole, UnitLevel
from governance.permissions import Permission, is_allowed, require
from governance.services.actors import actor_for, as_user
from governance.units import normalise_search, search_text_for

MAX_QUERY_LENGTH = 100
# Largest value of an integer primary key on every supported database.
MAX_ID = 2**31 - 1


@dataclass
class SpaceFilter:
    query: str = ""
    level: str | None = None
    parent_id: int | None = None


def validate_filter(query: str | None, level: str | None, parent_id: Any) -> SpaceFilter:
    """Turn raw request values into a filter; unknown values raise InvalidInput with a reason."""
    errors: dict[str, list[str]] = {}
    # Control characters cannot be part of a name; PostgreSQL would even refuse a NUL in a query.
    query = "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        errors["q"] = ["too_long"]
    if level and level not in {lvl.value for lvl in UnitLevel}:
        errors["level"] = ["unknown_level"]
    parent: int | None = None
    if parent_id not in (None, ""):
        try:
            parent = int(parent_id)
        except (TypeError, ValueError):
            errors["parent"] = ["not_a_number"]
        else:
            # Out-of-range ids would overflow the database's integer column instead of matching nothing.
            if not 1 <= parent <= MAX_ID:
                errors["parent"] = ["not_a_number"]
    if errors:
        raise InvalidInput("invalid filter", field_errors=errors)
    return SpaceFilter(query=query, level=level or None, parent_id=parent)


def _matching(space_filter: SpaceFilter) -> Select[tuple[Space]]:
    stmt = select(Space)
    if space_filter.query:
        for word in normalise_search(space_filter.query).split():
            stmt = stmt.where(Space.search_text.contains(word, autoescape=True))
    if space_filter.level:
        stmt = stmt.where(Space.level == space_filter.level)
    if space_filter.parent_id is not None:
        stmt = stmt.where(Space.parent_id == space_filter.parent_id)
    return stmt


def _in_official_order(stmt: Select[tuple[Space]]) -> Select[tuple[Space]]:
    # The id breaks ties between groups of the same name, so pages never overlap.
    return stmt.order_by(Space.code.is_(None), Space.code, Space.name, Space.id)


def search_spaces(session: Session, space_filter: SpaceFilter, *, limit: int = 200) -> list[Space]:
    """Spaces matching a name/code search, level and parent; official order (by code) first."""
    stmt = _in_official_order(_matching(space_filter).options(joinedload(Space.parent))).limit(limit)
    return list(session.scalars(stmt))


@dataclass
class SpaceResults:
    spaces: list[Space]
    # How many spaces match the filter in all, beyond this page.
    total: int
    # Per space id; a group's population is the sum of its units'.
    populations: dict[int, int | None]


def search_spaces_page(
    session: Session, user: Any, space_filter: SpaceFilter, *, limit: int, offset: int = 0
) -> SpaceResults:
    """One page of :func:`search_spaces` with the total count, for paging clients (the JSON API)."""
    require(actor_for(session, user), Permission.VIEW_SPACE)
    matching = _matching(space_filter)
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    found = list(session.scalars(_in_official_order(matching).offset(offset).limit(limit)))
    populations: dict[int, int | None] = {space.id: space.population for space in found}
    group_ids = [space.id for space in found if space.is_group]
    if group_ids:
        rows = session.execute(
            select(SpaceGroupUnit.group_id, func.coalesce(func.sum(Space.population), 0))
            .join(Space, Space.id == SpaceGroupUnit.unit_id)
            .where(SpaceGroupUnit.group_id.in_(group_ids))
            .group_by(SpaceGroupUnit.group_id)
        )
        populations.update({group_id: int(population) for group_id, population in rows})
    return SpaceResults(spaces=found, total=total, populations=populations)


@dataclass
class TreeNode:
    space: Space
    children: list[TreeNode] = field(default_factory=list)


def space_tree(session: Session) -> tuple[list[TreeNode], list[Space]]:
    """All official units as a tree (one query) and the named groups beside it."""
    spaces = list(session.scalars(select(Space).order_by(Space.code.is_(None), Space.code, Space.name)))
    nodes = {space.id: TreeNode(space) for space in spaces if space.level in OFFICIAL_LEVELS}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.space.parent_id) if node.space.parent_id else None
        (parent.children if parent else roots).append(node)
    groups = [space for space in spaces if space.level == UnitLevel.GROUP]
    return roots, groups


def get_space(session: Session, space_id: int) -> Space:
    space = session.get(Space, space_id)
    if space is None:
        raise NotFound("space not found")
    return space


def ancestors(session: Session, space: Space) -> list[Space]:
    """The chain from the Land down to the space's parent (at most five levels)."""
    chain: list[Space] = []
    current = space.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


MEMBER_PREVIEW = 12
MEMBERS_PER_PAGE = 50
PENDING_PREVIEW = 50


@dataclass
class SpacePage:
    space: Space
    ancestors: list[Space]
    children: list[Space]
    units: list[Space]
    population: int | None
    party_counts: dict[str, int]
    facilitator_count: int
    observer_count: int
    facilitators: list[SpaceMembership]
    # The first few observers and members per party; the members page lists everyone.
    observers: list[SpaceMembership]
    # None when the viewer may not see names (anonymous visitors see counts only) or the page
    # did not ask for them.
    members_by_party: dict[str, list[SpaceMembership]] | None
    pending_requests: list[SpaceMembership]
    pending_count: int
    viewer_membership: SpaceMembership | None
    permissions: dict[str, bool]
    may_see_names: bool = False


def _preview_by_group(session: Session, space_id: int) -> dict[str, list[SpaceMembership]]:
    """The first MEMBER_PREVIEW active memberships per party (observers as their own group), in one
    query: a window function numbers the rows within each group."""
    group_key = case((SpaceMembership.role == SpaceRole.OBSERVER, "observer"), else_=SpaceMembership.party)
    numbered = (
        select(
            SpaceMembership.id.label("membership_id"),
            func.row_number()
            .over(partition_by=group_key, order_by=(SpaceMembership.created_at, SpaceMembership.id))
            .label("rank"),
        )
        .where(SpaceMembership.space_id == space_id, SpaceMembership.status == MembershipStatus.ACTIVE)
        .subquery()
    )
    rows = session.scalars(
        select(SpaceMembership)
        .join(numbered, numbered.c.membership_id == SpaceMembership.id)
        .where(numbered.c.rank <= MEMBER_PREVIEW)
        .options(joinedload(SpaceMembership.user), joinedload(SpaceMembership.organisation))
        .order_by(SpaceMembership.created_at, SpaceMembership.id)
    )
    groups: dict[str, list[SpaceMembership]] = defaultdict(list)
    for membership in rows:
        key = "observer" if membership.role == SpaceRole.OBSERVER else membership.party
        if key:
            groups[key].append(membership)
    return groups


def space_page(session: Session, user: Any, space_id: int, *, include_member_names: bool = True) -> SpacePage:
    """Everything a space's page shows, in a fixed number of queries whatever the member count.

    Counts come from the database; names are a preview per party, so the page stays short and fast
    with thousands of members (the members page lists them all, page by page)."""
    space = get_space(session, space_id)
    actor = actor_for(session, user, space_id=space.id)
    require(actor, Permission.VIEW_SPACE)
    counts = session.execute(
        select(SpaceMembership.party, SpaceMembership.role, SpaceMembership.status, func.count())
        .where(
            SpaceMembership.space_id == space.id,
            SpaceMembership.status.in_([MembershipStatus.ACTIVE, MembershipStatus.REQUESTED]),
        )
        .group_by(SpaceMembership.party, SpaceMembership.role, SpaceMembership.status)
    ).all()
    party_counts = {party.value: 0 for party in Party}
    facilitator_count = observer_count = pending_count = 0
    for party, role, status, count in counts:
        if status == MembershipStatus.REQUESTED:
            pending_count += count
            continue
        if party in party_counts and role != SpaceRole.OBSERVER:
            party_counts[party] += count
        facilitator_count += count if role == SpaceRole.FACILITATOR else 0
        observer_count += count if role == SpaceRole.OBSERVER else 0
    may_see_names = is_allowed(actor, Permission.VIEW_SPACE_MEMBER_NAMES)
    may_decide = is_allowed(actor, Permission.DECIDE_JOIN_REQUEST)
    # Pages may leave the names out and take them from a cached fragment (they are the same for
    # every signed-in reader); may_see_names still says whether the viewer may read them.
    with_names = may_see_names and include_member_names
    previews = _preview_by_group(session, space.id) if with_names else {}
    facilitators: list[SpaceMembership] = []
    if with_names:
        facilitators = list(
            session.scalars(
                select(SpaceMembership)
                .where(
                    SpaceMembership.space_id == space.id,
                    SpaceMembership.status == MembershipStatus.ACTIVE,
                    SpaceMembership.role == SpaceRole.FACILITATOR,
                )
                .options(joinedload(SpaceMembership.user), joinedload(SpaceMembership.organisation))
                .order_by(SpaceMembership.created_at, SpaceMembership.id)
                .limit(MEMBER_PREVIEW)
            )
        )
    pending: list[SpaceMembership] = []
    if may_decide and pending_count:
        pending = list(
            session.scalars(
                select(SpaceMembership)
                .where(
                    SpaceMembership.space_id == space.id, SpaceMembership.status == MembershipStatus.REQUESTED
                )
                .options(joinedload(SpaceMembership.user), joinedload(SpaceMembership.organisation))
                .order_by(SpaceMembership.created_at, SpaceMembership.id)
                .limit(PENDING_PREVIEW)
            )
        )
    viewer = as_user(user)
    viewer_membership = None
    if viewer is not None:
        viewer_membership = session.scalar(
            select(SpaceMembership)
            .where(SpaceMembership.space_id == space.id, SpaceMembership.user_id == viewer.id)
            .options(joinedload(SpaceMembership.organisation))
        )
    units = []
    if space.is_group:
        links = session.scalars(
            select(SpaceGroupUnit)
            .where(SpaceGroupUnit.group_id == space.id)
            .options(joinedload(SpaceGroupUnit.unit))
        )
        units = sorted((link.unit for link in links), key=lambda unit: unit.code or "")
    population = sum(unit.population or 0 for unit in units) if space.is_group else space.population
    return SpacePage(
        space=space,
        ancestors=ancestors(session, space),
        children=list(space.children),
        units=units,
        population=population,
        party_counts=party_counts,
        facilitator_count=facilitator_count,
        observer_count=observer_count,
        facilitators=facilitators,
        observers=previews.get("observer", []),
        members_by_party={p.value: previews.get(p.value, []) for p in Party} if with_names else None,
        may_see_names=may_see_names,
        pending_requests=pending,
        pending_count=pending_count if may_decide else 0,
        viewer_membership=viewer_membership,
        permissions={
            permission.name.lower(): is_allowed(actor, permission)
            for permission in (
                Permission.REQUEST_TO_JOIN_SPACE,
                Permission.LEAVE_SPACE,
                Permission.INVITE_TO_SPACE,
                Permission.DECIDE_JOIN_REQUEST,
                Permission.CHANGE_SPACE_MEMBER,
                Permission.APPOINT_FACILITATOR,
                Permission.EDIT_SPACE_GROUP,
            )
        },
    )


@dataclass
class MemberList:
    space: Space
    party: str | None
    memberships: list[SpaceMembership]
    total: int
    page: int
    pages: int


def member_list(session: Session, user: Any, space_id: int, *, party: str | None, page: int) -> MemberList:
    """All active members of a space (optionally of one party), page by page."""
    space = get_space(session, space_id)
    require(actor_for(session, user, space_id=space.id), Permission.VIEW_SPACE_MEMBER_NAMES)
    if party not in (None, "", *[p.value for p in Party], "observer"):
        raise InvalidInput("unknown party", field_errors={"party": ["unknown_party"]})
    conditions = [SpaceMembership.space_id == space.id, SpaceMembership.status == MembershipStatus.ACTIVE]
    if party == "observer":
        conditions.append(SpaceMembership.role == SpaceRole.OBSERVER)
    elif party:
        conditions += [SpaceMembership.party == party, SpaceMembership.role != SpaceRole.OBSERVER]
    total = session.scalar(select(func.count()).select_from(SpaceMembership).where(*conditions)) or 0
    pages = max(1, -(-total // MEMBERS_PER_PAGE))
    if page < 1 or page > pages:
        raise NotFound("no such page")
    memberships = list(
        session.scalars(
            select(SpaceMembership)
            .where(*conditions)
            .options(joinedload(SpaceMembership.user), joinedload(SpaceMembership.organisation))
            .order_by(SpaceMembership.created_at, SpaceMembership.id)
            .offset((page - 1) * MEMBERS_PER_PAGE)
            .limit(MEMBERS_PER_PAGE)
        )
    )
    return MemberList(space, party or None, memberships, total, page, pages)


def create_group(session: Session, user: User, *, name: str, description: str, unit_ids: list[int]) -> Space:
    """Define a social space as a named group of official units (e.g. a Sozialzentrum's area)."""
    actor = actor_for(session, user, with_facilitation=True)
    require(actor, Permission.CREATE_SPACE_GROUP)
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["required"]
    elif session.scalar(select(func.count()).where(Space.level == UnitLevel.GROUP, Space.name == name)):
        errors["name"] = ["taken"]
    unique_ids = list(dict.fromkeys(unit_ids))
    units = list(session.scalars(select(Space).where(Space.id.in_(unique_ids)))) if unique_ids else []
    if len(units) < 2 or len(units) != len(unique_ids):
        errors["units"] = ["at_least_two_units"]
    elif any(unit.level not in OFFICIAL_LEVELS for unit in units):
        errors["units"] = ["only_official_units"]
    if errors:
        raise InvalidInput("invalid group", field_errors=errors)
    group = Space(
        name=name,
        level=UnitLevel.GROUP,
        description=description.strip(),
        created_by_id=user.id,
        search_text=search_text_for(name),
        group_units=[SpaceGroupUnit(unit=unit) for unit in sorted(units, key=lambda u: u.code or "")],
    )
    session.add(group)
    session.flush()
    audit.record(
        session,
        actor_id=user.id,
        action="space.group_created",
        object_type="space",
        object_id=group.id,
        details={"name": name, "unit_codes": [unit.code for unit in units]},
    )
    # Whoever defines a group facilitates it unless they are a site administrator only.
    if not user.is_admin:
        session.add(
            SpaceMembership(
                space=group,
                user_id=user.id,
                role=SpaceRole.FACILITATOR,
                party=None,
                status=MembershipStatus.ACTIVE,
            )
        )
    session.commit()
    return group


def units_for_group_form(session: Session, user: Any) -> list[Space]:
    """Stadtbezirke, Stadtteile and Ortsteile, in official order, for choosing group units."""
    require(actor_for(session, user, with_facilitation=True), Permission.CREATE_SPACE_GROUP)
    return list(
        session.scalars(
            select(Space)
            .where(Space.level.in_([UnitLevel.STADTBEZIRK, UnitLevel.STADTTEIL, UnitLevel.ORTSTEIL]))
            .options(selectinload(Space.parent))
            .order_by(Space.code)
        )
    )
