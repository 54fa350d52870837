"""Motions: creating and editing drafts, opening (the electorate snapshot), closing (the tally and
its effects), cancelling, and moving motions whose times have come (lazily and from cron)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from agreements.models import Document, DocumentVersion
from amendments.models import Amendment
from core import audit
from core.errors import DomainError, InvalidInput, NotFound
from core.timeutil import utcnow
from decisions.domain import InvalidParameters, Method, parse_parameters
from decisions.domain.methods import ALTERNATIVE_METHODS
from decisions.models import Ballot, ElectorateMember, Motion, MotionOption, Participation, Proxy
from decisions.permissions import MotionContext, MotionPermission, MotionState, is_allowed, require
from governance.models import Space, SpaceMembership, User
from governance.parties import MembershipStatus, Party, SpaceRole
from governance.permissions import Actor
from governance.services.actors import actor_for, as_user

log = logging.getLogger(__name__)


class Kind:
    ADOPT_VERSION = "adopt_version"
    ACCEPT_AMENDMENT = "accept_amendment"
    CHOOSE_ALTERNATIVE = "choose_alternative"
    FREE_QUESTION = "free_question"


KINDS = (Kind.ADOPT_VERSION, Kind.ACCEPT_AMENDMENT, Kind.CHOOSE_ALTERNATIVE, Kind.FREE_QUESTION)
VOTING_ROLES = (SpaceRole.MEMBER.value, SpaceRole.FACILITATOR.value)
KEEP_CURRENT = "keep"
MAX_TITLE = 300
MAX_TEXT = 20_000
MAX_OPTIONS = 20


@dataclass
class OptionInput:
    title: str = ""
    amendment_id: int | None = None
    keeps_current_text: bool = False


@dataclass
class MotionInput:
    """What a facilitator enters for a motion, as plain values."""

    title: str = ""
    text: str = ""
    kind: str = Kind.FREE_QUESTION
    method: str = Method.SIMPLE_MAJORITY.value
    # The method's parameters in their JSON form without the options (threshold, parties, quorum).
    parameters: dict[str, Any] = field(default_factory=dict)
    options: list[OptionInput] = field(default_factory=list)
    document_id: int | None = None
    document_version_id: int | None = None
    amendment_id: int | None = None
    eligible_parties: list[str] = field(default_factory=list)
    eligible_roles: list[str] = field(default_factory=lambda: list(VOTING_ROLES))
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    secret: bool = False
    interim_results: bool = False


# --- loading and context -----------------------------------------------------------------------------


def context_for(session: Session, motion: Motion, actor: Actor) -> MotionContext:
    in_electorate = holds_proxy = False
    if actor.user_id is not None and motion.state != MotionState.DRAFT:
        in_electorate = (
            session.scalar(
                select(ElectorateMember.id).where(
                    ElectorateMember.motion_id == motion.id, ElectorateMember.user_id == actor.user_id
                )
            )
            is not None
        )
        holds_proxy = (
            session.scalar(
                select(Proxy.id).where(Proxy.motion_id == motion.id, Proxy.holder_id == actor.user_id)
            )
            is not None
        )
    return MotionContext(
        state=MotionState(motion.state),
        secret=motion.secret,
        interim_results=motion.interim_results,
        in_electorate=in_electorate,
        holds_proxy=holds_proxy,
    )


def load(
    session: Session, user: Any, motion_id: int, permission: MotionPermission, *, lock: bool = False
) -> tuple[Motion, Actor, MotionContext]:
    """The motion if it exists and the user holds ``permission``; drafts others may not see look missing.

    ``lock`` takes the motion's row lock first (before any audit entry locks the chain's head), so
    opening, closing and cancelling wait for ballots being cast and the other way round.
    """
    stmt = select(Motion).where(Motion.id == motion_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    motion = session.scalar(stmt)
    if motion is None:
        raise NotFound("motion not found")
    actor = actor_for(session, user, space_id=motion.space_id)
    context = context_for(session, motion, actor)
    if not is_allowed(actor, MotionPermission.VIEW, context):
        raise NotFound("motion not found")
    require(actor, permission, context)
    return motion, actor, context


def _locking(motion_id: int):
    """The motion's row, locked, with its values as locked (not as loaded earlier in the session)."""
    return (
        select(Motion)
        .where(Motion.id == motion_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def allowed_actions(actor: Actor, context: MotionContext) -> dict[str, bool]:
    return {
        permission.name.lower(): is_allowed(actor, permission, context) for permission in MotionPermission
    }


def space_or_404(session: Session, space_id: int) -> Space:
    space = session.get(Space, space_id)
    if space is None:
        raise NotFound("space not found")
    return space


def require_may_create(session: Session, user: Any, space_id: int) -> tuple[Space, Actor]:
    space = space_or_404(session, space_id)
    actor = actor_for(session, user, space_id=space.id)
    require(actor, MotionPermission.CREATE, MotionContext(MotionState.DRAFT))
    return space, actor


# --- validation ----------------------------------------------------------------------------------------


def _field_of(problem_field: str | None) -> str:
    if not problem_field:
        return "parameters"
    head = problem_field.split(".")[0]
    return {"threshold": "threshold", "parties": "parties", "quorum": "quorum", "options": "options"}.get(
        head, "parameters"
    )


def _document_allowed(document: Document | None, space: Space, *, admin: bool) -> bool:
    """A motion is about an agreement of its own space, or, put by an administrator, about a Land-wide
    framework with a published version (frameworks belong to no space)."""
    if document is None:
        return False
    if document.kind == "agreement":
        return document.space_id == space.id
    return admin and document.kind == "framework" and bool(document.versions)


def _validate(
    session: Session, space: Space, values: MotionInput, *, admin: bool = False
) -> tuple[dict[str, Any], list[OptionInput]]:
    """The parameters' JSON form and the options, or InvalidInput with codes per field."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, code: str) -> None:
        errors.setdefault(name, [])
        if code not in errors[name]:
            errors[name].append(code)

    title = (values.title or "").strip()
    if not title:
        fail("title", "required")
    elif len(title) > MAX_TITLE:
        fail("title", "too_long")
    if len(values.text or "") > MAX_TEXT:
        fail("text", "too_long")
    if values.kind not in KINDS:
        fail("kind", "invalid")
    try:
        method = Method(values.method)
    except ValueError:
        fail("method", "invalid")
        method = None
    alternatives = method in ALTERNATIVE_METHODS
    if values.kind == Kind.CHOOSE_ALTERNATIVE and method is not None and not alternatives:
        fail("method", "needs_alternatives_method")
    if values.kind in (Kind.ADOPT_VERSION, Kind.ACCEPT_AMENDMENT) and alternatives:
        fail("method", "needs_yes_no_method")
    if values.kind == Kind.ADOPT_VERSION:
        document = session.get(Document, values.document_id) if values.document_id else None
        if not _document_allowed(document, space, admin=admin):
            fail("document_id", "required" if values.document_id is None else "unknown_document")
        elif values.document_version_id is not None:
            version = session.get(DocumentVersion, values.document_version_id)
            if version is None or version.document_id != document.id:
                fail("document_version_id", "unknown_version")
    elif values.document_id is not None:
        document = session.get(Document, values.document_id)
        if not _document_allowed(document, space, admin=admin):
            fail("document_id", "unknown_document")
    if values.kind == Kind.ACCEPT_AMENDMENT:
        if values.amendment_id is None:
            fail("amendment_id", "required")
        elif not _amendment_of_space(session, values.amendment_id, space.id):
            fail("amendment_id", "unknown_amendment")
    options = [option for option in values.options if option.title.strip() or option.amendment_id]
    if alternatives:
        if len(options) > MAX_OPTIONS:
            fail("options", "too_many")
        for option in options:
            if len(option.title.strip()) > MAX_TITLE:
                fail("options", "too_long")
            if option.amendment_id is not None and not _amendment_of_space(
                session, option.amendment_id, space.id
            ):
                fail("options", "unknown_amendment")
    elif options:
        fail("options", "only_for_alternatives")
    parties = list(dict.fromkeys(values.eligible_parties or []))
    if any(party not in Party.__members__.values() for party in parties):
        fail("eligible_parties", "invalid")
    roles = list(dict.fromkeys(values.eligible_roles or []))
    if not roles:
        fail("eligible_roles", "required")
    elif any(role not in VOTING_ROLES for role in roles):
        fail("eligible_roles", "invalid")
    if values.secret and values.interim_results:
        # Interim counts beside the list of who has voted would tell, ballot by ballot, who chose what.
        fail("interim_results", "not_with_secret")
    now = utcnow()
    if values.closes_at is not None and values.closes_at <= now:
        fail("closes_at", "in_past")
    if values.opens_at is not None and values.closes_at is not None and values.closes_at <= values.opens_at:
        fail("closes_at", "before_opening")
    parameters: dict[str, Any] = dict(values.parameters or {})
    if method is not None:
        parameters.pop("options", None)
        if alternatives:
            parameters["options"] = _option_keys(options)
        try:
            parsed = parse_parameters(method, parameters)
        except InvalidParameters as error:
            for problem in error.problems:
                fail(_field_of(problem.field), problem.code)
        else:
            parameters = parsed.to_dict()
            listed = parameters.get("parties", {}) if method == Method.EVERY_PARTY else {}
            if parties and any(party not in parties for party in listed):
                fail("parties", "not_eligible")
    if errors:
        raise InvalidInput("motion refused", field_errors=errors)
    if values.closes_at is not None and values.opens_at is None:
        pass  # opened by hand, closed at the given time
    return parameters, options


def _amendment_of_space(session: Session, amendment_id: int, space_id: int) -> bool:
    row = session.execute(
        select(Document.space_id)
        .join(Amendment, Amendment.document_id == Document.id)
        .where(Amendment.id == amendment_id)
    ).first()
    return row is not None and row[0] == space_id


def _option_keys(options: list[OptionInput]) -> list[str]:
    keys = []
    for number, option in enumerate(options, start=1):
        keys.append(KEEP_CURRENT if option.keeps_current_text else f"o{number}")
    return keys


def _apply(
    session: Session, motion: Motion, values: MotionInput, parameters: dict[str, Any], options
) -> None:
    motion.title = values.title.strip()
    motion.text = (values.text or "").strip()
    motion.kind = values.kind
    motion.method = Method(values.method).value
    motion.parameters = parameters
    motion.document_id = values.document_id
    motion.amendment_id = values.amendment_id if values.kind == Kind.ACCEPT_AMENDMENT else None
    version_id = values.document_version_id
    if values.kind == Kind.ADOPT_VERSION and version_id is None:
        version_id = session.scalar(
            select(DocumentVersion.id)
            .where(DocumentVersion.document_id == values.document_id)
            .order_by(DocumentVersion.number.desc())
            .limit(1)
        )
    motion.document_version_id = version_id if values.kind == Kind.ADOPT_VERSION else None
    motion.eligible_parties = [party for party in Party if party in (values.eligible_parties or [])]
    motion.eligible_roles = list(dict.fromkeys(values.eligible_roles))
    motion.opens_at = values.opens_at
    motion.closes_at = values.closes_at
    motion.secret = bool(values.secret)
    motion.interim_results = bool(values.interim_results)
    motion.options.clear()
    session.flush()
    for position, (key, option) in enumerate(zip(_option_keys(options), options, strict=True)):
        title = option.title.strip()
        motion.options.append(
            MotionOption(
                key=key,
                position=position,
                title=title,
                amendment_id=option.amendment_id,
                keeps_current_text=option.keeps_current_text,
            )
        )


def _details(motion: Motion, **more: Any) -> dict[str, Any]:
    return {
        "space_id": motion.space_id,
        "document_id": motion.document_id,
        "amendment_id": motion.amendment_id,
        **more,
    }


def form_subjects(session: Session, user: Any, space_id: int) -> tuple[list[Document], list[Amendment]]:
    """What a motion of the space may be about (see _document_allowed): the space's agreements,
    for administrators also published frameworks, and the amendments still to decide."""
    _space, actor = require_may_create(session, user, space_id)
    documents = list(
        session.scalars(
            select(Document)
            .where(Document.space_id == space_id, Document.kind == "agreement")
            .order_by(Document.title)
        )
    )
    if actor.acts_as_admin:
        documents += session.scalars(
            select(Document)
            .where(Document.kind == "framework", Document.versions.any())
            .order_by(Document.title)
        )
    amendments = list(
        session.scalars(
            select(Amendment)
            .join(Document, Document.id == Amendment.document_id)
            .where(Document.space_id == space_id, Amendment.status.in_(("open", "accepted", "voting")))
            .order_by(Amendment.document_id, Amendment.number)
        )
    )
    return documents, amendments


# --- drafts ------------------------------------------------------------------------------------------


def create_motion(session: Session, user: User, *, space_id: int, values: MotionInput) -> Motion:
    space, actor = require_may_create(session, user, space_id)
    parameters, options = _validate(session, space, values, admin=actor.acts_as_admin)
    motion = Motion(space_id=space.id, created_by_id=user.id, state=MotionState.DRAFT.value)
    session.add(motion)
    _apply(session, motion, values, parameters, options)
    session.flush()
    audit.record(
        session,
        actor_id=user.id,
        action="motion.created",
        object_type="motion",
        object_id=motion.id,
        details=_details(motion, title=motion.title, method=motion.method, secret=motion.secret),
    )
    session.commit()
    return motion


def update_motion(session: Session, user: User, motion_id: int, values: MotionInput) -> Motion:
    motion, actor, _context = load(session, user, motion_id, MotionPermission.EDIT, lock=True)
    parameters, options = _validate(session, motion.space, values, admin=actor.acts_as_admin)
    _apply(session, motion, values, parameters, options)
    audit.record(
        session,
        actor_id=user.id,
        action="motion.updated",
        object_type="motion",
        object_id=motion.id,
        details=_details(motion, title=motion.title, method=motion.method, secret=motion.secret),
    )
    session.commit()
    return motion


def input_of(motion: Motion) -> MotionInput:
    """A motion's values as the form shows them for editing."""
    parameters = {key: value for key, value in (motion.parameters or {}).items() if key != "options"}
    return MotionInput(
        title=motion.title,
        text=motion.text,
        kind=motion.kind,
        method=motion.method,
        parameters=parameters,
        options=[
            OptionInput(option.title, option.amendment_id, option.keeps_current_text)
            for option in motion.options
        ],
        document_id=motion.document_id,
        document_version_id=motion.document_version_id,
        amendment_id=motion.amendment_id,
        eligible_parties=list(motion.eligible_parties or []),
        eligible_roles=list(motion.eligible_roles or []),
        opens_at=motion.opens_at,
        closes_at=motion.closes_at,
        secret=motion.secret,
        interim_results=motion.interim_results,
    )


# --- opening: the electorate snapshot -------------------------------------------------------------------


def eligible_memberships(session: Session, motion: Motion) -> list[SpaceMembership]:
    stmt = select(SpaceMembership).where(
        SpaceMembership.space_id == motion.space_id,
        SpaceMembership.status == MembershipStatus.ACTIVE,
        SpaceMembership.role.in_(motion.eligible_roles or VOTING_ROLES),
    )
    if motion.eligible_parties:
        stmt = stmt.where(SpaceMembership.party.in_(motion.eligible_parties))
    return list(session.scalars(stmt.order_by(SpaceMembership.user_id)))


def open_motion(session: Session, user: User | None, motion_id: int, *, automatic: bool = False) -> Motion:
    if automatic:
        motion = session.scalar(_locking(motion_id))
        if motion is None or motion.state != MotionState.DRAFT:
            raise NotFound("motion not found")
    else:
        motion, _actor, _context = load(session, user, motion_id, MotionPermission.OPEN, lock=True)
    now = utcnow()
    if motion.closes_at is not None and motion.closes_at <= now:
        raise InvalidInput("closes in the past", field_errors={"closes_at": ["in_past"]})
    members = eligible_memberships(session, motion)
    if not members:
        raise InvalidInput("nobody may vote", field_errors={"eligible_parties": ["empty_electorate"]})
    parties = {membership.user_id: membership.party for membership in members}
    for membership in members:
        session.add(
            ElectorateMember(
                motion_id=motion.id, user_id=membership.user_id, party=membership.party, role=membership.role
            )
        )
    # Proxies stand only between voters of the snapshot who speak for the same party.
    for proxy in session.scalars(select(Proxy).where(Proxy.motion_id == motion.id)):
        grantor, holder = parties.get(proxy.grantor_id, ""), parties.get(proxy.holder_id, "")
        if grantor in ("", None) or grantor != holder or grantor != proxy.party:
            session.delete(proxy)
    motion.state = MotionState.OPEN.value
    motion.opened_at = now
    counts = Counter(membership.party or "none" for membership in members)
    audit.record(
        session,
        actor_id=None if user is None else user.id,
        action="motion.opened",
        object_type="motion",
        object_id=motion.id,
        details=_details(motion, electorate=len(members), parties=dict(sorted(counts.items()))),
    )
    _amendment_effects_on_open(session, motion)
    session.commit()
    return motion


def _workflow():
    try:
        from amendments.services import workflow  # type: ignore[import-not-found]
    except ImportError:
        return None
    return workflow


def _amendment_ids(motion: Motion) -> list[int]:
    ids = [motion.amendment_id] if motion.amendment_id else []
    ids.extend(option.amendment_id for option in motion.options if option.amendment_id)
    return list(dict.fromkeys(ids))


def _amendment_effects_on_open(session: Session, motion: Motion) -> None:
    ids = _amendment_ids(motion)
    workflow = _workflow() if ids else None
    for amendment_id in ids if workflow is not None else []:
        workflow.put_to_vote_by_motion(session, amendment_id=amendment_id, motion_id=motion.id)


# --- closing -------------------------------------------------------------------------------------------


def close_motion(session: Session, user: User | None, motion_id: int, *, automatic: bool = False) -> Motion:
    """Close the motion, count exactly the ballots its export publishes, store the result, and apply
    the outcome to the agreement or amendment (through their own services)."""
    from decisions.services import records

    if automatic:
        motion = session.scalar(_locking(motion_id))
        if motion is None or motion.state != MotionState.OPEN:
            raise NotFound("motion not found")
    else:
        motion, _actor, _context = load(session, user, motion_id, MotionPermission.CLOSE, lock=True)
    motion.state = MotionState.CLOSED.value
    motion.closed_at = utcnow()
    export = records.build_export(session, motion, with_voters=True)
    result = records.recount_export(export)
    motion.result = result.to_dict()
    motion.outcome = result.outcome.value
    actor_id = None if user is None else user.id
    audit.record(
        session,
        actor_id=actor_id,
        action="motion.closed",
        object_type="motion",
        object_id=motion.id,
        details=_details(motion, outcome=motion.outcome, ballots=result.turnout.cast, automatic=automatic),
    )
    if motion.secret:
        audit.record(
            session,
            actor_id=actor_id,
            action="motion.ballots_sealed",
            object_type="motion",
            object_id=motion.id,
            details={
                "motion_id": motion.id,
                "ballots": len(export["ballots"]),
                "digest": export["ballots_digest"],
            },
        )
    session.commit()
    _apply_outcome(session, user, motion)
    return motion


def _effect_user(session: Session, user: User | None, motion: Motion) -> User | None:
    """Who applies the outcome: the person closing, or (closing on time) the motion's author."""
    user = as_user(user)
    if user is not None:
        actor = actor_for(session, user, space_id=motion.space_id)
        if actor.facilitates or actor.acts_as_admin:
            return user
    return motion.created_by


def _apply_outcome(session: Session, user: User | None, motion: Motion) -> None:
    effect = ""
    try:
        # A framework has no adoption step of its own: the stored result is the decision.
        if (
            motion.kind == Kind.ADOPT_VERSION
            and motion.outcome == "accepted"
            and motion.document_id
            and session.get(Document, motion.document_id).kind == "agreement"
        ):
            from agreements.services import lifecycle

            by = _effect_user(session, user, motion)
            if by is None:
                effect = "no_one_to_adopt"
            else:
                lifecycle.change_status(
                    session,
                    by,
                    motion.document_id,
                    "adopt",
                    note=f"motion {motion.id}: {motion.title}"[:5000],
                    in_force_from=(motion.closed_at or utcnow()).date(),
                )
                effect = "adopted"
        elif _amendment_ids(motion):
            effect = _amendment_outcome(session, motion)
    except DomainError as error:
        session.rollback()
        codes = [code for codes in error.field_errors.values() for code in codes]
        effect = "refused:" + ",".join(codes or [error.message or type(error).__name__])
        log.warning("outcome of motion %s not applied: %s", motion.id, effect)
    if effect:
        motion = session.get(Motion, motion.id)
        motion.effect = effect
        session.commit()


def _amendment_outcome(session: Session, motion: Motion) -> str:
    workflow = _workflow()
    if workflow is None:
        return "amendments_unavailable"
    accepted: list[int] = []
    rejected: list[int] = []
    if motion.kind == Kind.ACCEPT_AMENDMENT and motion.amendment_id:
        if motion.outcome == "accepted":
            accepted.append(motion.amendment_id)
        elif motion.outcome in ("rejected", "blocked"):
            rejected.append(motion.amendment_id)
    elif motion.outcome == "decided":
        winners = set((motion.result or {}).get("detail", {}).get("winners", []))
        for option in motion.options:
            if option.amendment_id:
                (accepted if option.key in winners else rejected).append(option.amendment_id)
    for amendment_id in rejected:
        workflow.reject_by_motion(session, amendment_id=amendment_id, motion_id=motion.id)
    for amendment_id in accepted:
        workflow.accept_by_motion(session, amendment_id=amendment_id, motion_id=motion.id)
    session.commit()
    if not accepted and not rejected:
        return ""
    return "amendments:" + ",".join(
        [f"accepted {number}" for number in accepted] + [f"rejected {number}" for number in rejected]
    )


def cancel_motion(session: Session, user: User, motion_id: int) -> Motion:
    motion, _actor, _context = load(session, user, motion_id, MotionPermission.CANCEL, lock=True)
    motion.state = MotionState.CANCELLED.value
    motion.closed_at = utcnow()
    audit.record(
        session,
        actor_id=user.id,
        action="motion.cancelled",
        object_type="motion",
        object_id=motion.id,
        details=_details(motion),
    )
    session.commit()
    return motion


# --- the clock -------------------------------------------------------------------------------------------


def advance_due(session: Session, *, space_id: int | None = None, motion_id: int | None = None) -> int:
    """Open drafts whose opening time has come and close open motions whose closing time has passed.

    Called lazily when motions are read or ballots cast, and by ``flask --app app close-motions``.
    Returns the number of motions moved.
    """
    now = utcnow()
    stmt = select(Motion.id, Motion.state).where(
        or_(
            (Motion.state == MotionState.OPEN) & (Motion.closes_at <= now),
            (Motion.state == MotionState.DRAFT) & (Motion.opens_at <= now),
        )
    )
    if space_id is not None:
        stmt = stmt.where(Motion.space_id == space_id)
    if motion_id is not None:
        stmt = stmt.where(Motion.id == motion_id)
    due = session.execute(stmt.order_by(Motion.id)).all()
    moved = 0
    for due_id, state in due:
        try:
            if state == MotionState.DRAFT:
                open_motion(session, None, due_id, automatic=True)
            else:
                close_motion(session, None, due_id, automatic=True)
        except (NotFound, InvalidInput):
            session.rollback()  # another request moved it first, or it cannot open
            continue
        moved += 1
    return moved


# --- lists -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpaceMotions:
    space: Space
    open: list[Motion]
    upcoming: list[Motion]
    closed: list[Motion]
    may_create: bool


def space_motions(
    session: Session, user: Any, space_id: int, *, document_id: int | None = None
) -> SpaceMotions:
    space = space_or_404(session, space_id)
    advance_due(session, space_id=space.id)
    actor = actor_for(session, user, space_id=space.id)
    stmt = select(Motion).where(Motion.space_id == space.id)
    if document_id is not None:
        stmt = stmt.where(Motion.document_id == document_id)
    motions = list(session.scalars(stmt.order_by(Motion.id.desc())))
    drafts_visible = is_allowed(actor, MotionPermission.VIEW, MotionContext(MotionState.DRAFT))
    return SpaceMotions(
        space=space,
        open=[motion for motion in motions if motion.state == MotionState.OPEN],
        upcoming=[motion for motion in motions if motion.state == MotionState.DRAFT and drafts_visible],
        closed=[motion for motion in motions if motion.state in (MotionState.CLOSED, MotionState.CANCELLED)],
        may_create=is_allowed(actor, MotionPermission.CREATE, MotionContext(MotionState.DRAFT)),
    )


def electorate_counts(session: Session, motion: Motion) -> dict[str, int]:
    """Voters per party (key "none" for those of no party): the snapshot once open, else who may vote now."""
    if motion.state == MotionState.DRAFT:
        parties = [membership.party for membership in eligible_memberships(session, motion)]
    else:
        parties = list(
            session.scalars(select(ElectorateMember.party).where(ElectorateMember.motion_id == motion.id))
        )
    counts = Counter(party or "none" for party in parties)
    order = [party.value for party in Party] + ["none"]
    return {party: counts[party] for party in order if counts[party]}


def ballot_count(session: Session, motion: Motion) -> int:
    from sqlalchemy import func

    table = Participation if motion.secret else Ballot
    return session.scalar(select(func.count(table.id)).where(table.motion_id == motion.id)) or 0
