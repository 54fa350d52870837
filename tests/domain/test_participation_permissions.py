"""Role × phase grid for comments, statements, support and reports, without an app."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from agreements.domain.workflow import Status
from governance.parties import OrganisationRole, SpaceRole
from governance.permissions import ANONYMOUS, Actor
from participation.permissions import (
    Audience,
    ParticipationContext,
    ParticipationPermission,
    Phase,
    is_allowed,
    phase_of,
    refusal_reason,
)

ROLES = {
    "anonymous": ANONYMOUS,
    "registered": Actor(user_id=1),
    "member": Actor(user_id=1, space_role=SpaceRole.MEMBER),
    "observer": Actor(user_id=1, space_role=SpaceRole.OBSERVER),
    "facilitator": Actor(user_id=1, space_role=SpaceRole.FACILITATOR),
    "admin": Actor(user_id=1, is_admin=True),
    "representative": Actor(user_id=1, organisation_role=OrganisationRole.REPRESENTATIVE),
    "member_representative": Actor(
        user_id=1, space_role=SpaceRole.MEMBER, organisation_role=OrganisationRole.REPRESENTATIVE
    ),
    "deactivated_member": Actor(user_id=1, is_active=False, space_role=SpaceRole.MEMBER),
}
P = ParticipationPermission
SIGNED_IN = set(ROLES) - {"anonymous", "deactivated_member"}
TAKING_PART_MEMBERS = {"member", "facilitator", "member_representative"}
EVERYBODY_REGISTERED = SIGNED_IN


def takers(phase: Phase, audience: Audience) -> set[str]:
    """Who may contribute (comment, support, state) in a phase, by the specification."""
    if phase == Phase.CONSULTATION:
        return EVERYBODY_REGISTERED if audience == Audience.REGISTERED else TAKING_PART_MEMBERS
    if phase in (Phase.MEMBERS, Phase.CONSULTATION_NOT_STARTED):
        return TAKING_PART_MEMBERS
    return set()


def expected(permission: P, phase: Phase, audience: Audience) -> set[str]:
    contributors = takers(phase, audience)
    return {
        P.COMMENT: contributors,
        P.REPLY: contributors,
        # About someone else's comment: only reporting and supporting apply.
        P.EDIT_OWN: set(),
        P.DELETE_OWN: set(),
        P.SUPPORT: contributors,
        P.STATE: contributors & {"representative", "member_representative"},
        P.REPORT: SIGNED_IN,
        P.VIEW_CONSULTATION_REPORT: {"facilitator", "admin"},
    }[permission]


def allowed(permission: P, context: ParticipationContext) -> set[str]:
    return {name for name, actor in ROLES.items() if is_allowed(actor, permission, context)}


@pytest.mark.parametrize("audience", list(Audience))
@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("permission", list(P))
def test_grid_about_others_comments(permission: P, phase: Phase, audience: Audience) -> None:
    context = ParticipationContext(phase=phase, audience=audience)
    assert allowed(permission, context) == expected(permission, phase, audience)


@pytest.mark.parametrize("phase", list(Phase))
def test_authors_edit_while_they_may_comment_and_delete_always(phase: Phase) -> None:
    own = ParticipationContext(phase=phase, is_author=True)
    contributors = takers(phase, Audience.REGISTERED)
    assert allowed(P.EDIT_OWN, own) == contributors
    assert allowed(P.DELETE_OWN, own) == SIGNED_IN
    # Nobody supports or reports their own comment.
    assert allowed(P.SUPPORT, own) == set()
    assert allowed(P.REPORT, own) == set()


def test_deleted_comments_take_no_replies_support_reports_or_second_deletion() -> None:
    deleted = ParticipationContext(phase=Phase.CONSULTATION, deleted=True)
    for permission in (P.REPLY, P.SUPPORT, P.REPORT):
        assert allowed(permission, deleted) == set()
    assert allowed(P.DELETE_OWN, replace(deleted, is_author=True)) == set()
    # A new comment in the same thread is still possible.
    assert allowed(P.COMMENT, deleted) == EVERYBODY_REGISTERED


def test_hidden_comments_cannot_be_edited_or_supported() -> None:
    hidden = ParticipationContext(phase=Phase.CONSULTATION, hidden=True)
    assert allowed(P.SUPPORT, hidden) == set()
    assert allowed(P.EDIT_OWN, replace(hidden, is_author=True)) == set()
    assert allowed(P.DELETE_OWN, replace(hidden, is_author=True)) == SIGNED_IN


def test_a_block_stops_comments_and_edits_but_not_support_deletion_or_reports() -> None:
    blocked = ParticipationContext(phase=Phase.CONSULTATION, blocked=True)
    member = ROLES["member"]
    assert not is_allowed(member, P.COMMENT, blocked)
    assert not is_allowed(member, P.REPLY, blocked)
    assert not is_allowed(member, P.EDIT_OWN, replace(blocked, is_author=True))
    assert is_allowed(member, P.DELETE_OWN, replace(blocked, is_author=True))
    assert is_allowed(member, P.SUPPORT, blocked)
    assert is_allowed(member, P.REPORT, blocked)
    assert refusal_reason(member, blocked) == "blocked"


@pytest.mark.parametrize(
    ("status", "today", "phase"),
    [
        (Status.CONSULTATION, date(2027, 3, 1), Phase.CONSULTATION),
        (Status.CONSULTATION, date(2027, 3, 31), Phase.CONSULTATION),
        (Status.CONSULTATION, date(2027, 2, 28), Phase.CONSULTATION_NOT_STARTED),
        (Status.CONSULTATION, date(2027, 4, 1), Phase.CONSULTATION_ENDED),
        (Status.DRAFT, date(2027, 3, 15), Phase.MEMBERS),
        (Status.NEGOTIATION, date(2027, 3, 15), Phase.MEMBERS),
        (Status.VOTING, date(2027, 3, 15), Phase.MEMBERS),
        (Status.ADOPTED, date(2027, 3, 15), Phase.CLOSED),
        (Status.UNDER_REVIEW, date(2027, 3, 15), Phase.CLOSED),
        (Status.SUPERSEDED, date(2027, 3, 15), Phase.CLOSED),
        (Status.EXPIRED, date(2027, 3, 15), Phase.CLOSED),
        (Status.WITHDRAWN, date(2027, 3, 15), Phase.CLOSED),
    ],
)
def test_the_phase_follows_status_and_consultation_days(status: Status, today: date, phase: Phase) -> None:
    assert phase_of(status, date(2027, 3, 1), date(2027, 3, 31), today) == phase


@pytest.mark.parametrize(
    ("actor", "context", "reason"),
    [
        (ANONYMOUS, ParticipationContext(Phase.CONSULTATION), "sign_in"),
        (ROLES["member"], ParticipationContext(Phase.CONSULTATION_ENDED), "consultation_ended"),
        (ROLES["member"], ParticipationContext(Phase.CLOSED), "closed"),
        (ROLES["registered"], ParticipationContext(Phase.MEMBERS), "members_only"),
        (ROLES["observer"], ParticipationContext(Phase.CONSULTATION, Audience.MEMBERS), "members_only"),
    ],
)
def test_each_refusal_has_a_reason_for_a_plain_sentence(actor, context, reason) -> None:
    assert not is_allowed(actor, P.COMMENT, context)
    assert refusal_reason(actor, context) == reason
