"""Role × agreement status × amendment state grid for amendments, without an app."""

from __future__ import annotations

import pytest

from agreements.domain.workflow import Status
from amendments.domain.states import AmendmentStatus
from amendments.permissions import AmendmentContext, AmendmentPermission, is_allowed
from governance.parties import SpaceRole
from governance.permissions import ANONYMOUS, Actor

ROLES = {
    "anonymous": ANONYMOUS,
    "user": Actor(user_id=1),
    "member": Actor(user_id=1, space_role=SpaceRole.MEMBER),
    "observer": Actor(user_id=1, space_role=SpaceRole.OBSERVER),
    "facilitator": Actor(user_id=1, space_role=SpaceRole.FACILITATOR),
    "admin": Actor(user_id=1, is_admin=True),
    "inactive member": Actor(user_id=1, space_role=SpaceRole.MEMBER, is_active=False),
}
P = AmendmentPermission
FACILITATION = {"facilitator", "admin"}


def expected(permission: AmendmentPermission, status: Status, amendment: AmendmentStatus | None) -> set[str]:
    if permission == P.PROPOSE:
        return {"member", "facilitator"} if status in {Status.CONSULTATION, Status.NEGOTIATION} else set()
    live = status in {Status.DRAFT, Status.CONSULTATION, Status.NEGOTIATION}
    if permission == P.PUT_TO_VOTE:
        return FACILITATION if live and amendment == AmendmentStatus.OPEN else set()
    if permission in (P.ACCEPT, P.REJECT):
        undecided = amendment in (AmendmentStatus.OPEN, AmendmentStatus.VOTING)
        return FACILITATION if live and undecided else set()
    if permission == P.RESOLVE_MERGE:
        return FACILITATION if live and amendment == AmendmentStatus.ACCEPTED else set()
    raise AssertionError(permission)


def allowed(permission: AmendmentPermission, context: AmendmentContext) -> set[str]:
    return {name for name, actor in ROLES.items() if is_allowed(actor, permission, context)}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("amendment", [None, *AmendmentStatus])
@pytest.mark.parametrize("permission", [P.PROPOSE, P.ACCEPT, P.REJECT, P.PUT_TO_VOTE, P.RESOLVE_MERGE])
def test_grid(permission: AmendmentPermission, status: Status, amendment: AmendmentStatus | None) -> None:
    context = AmendmentContext(status, True, True, amendment)
    assert allowed(permission, context) == expected(permission, status, amendment)


@pytest.mark.parametrize("status", [Status.CONSULTATION, Status.NEGOTIATION])
def test_nobody_proposes_before_a_version_is_published(status: Status) -> None:
    assert allowed(P.PROPOSE, AmendmentContext(status, False, True)) == set()


@pytest.mark.parametrize("amendment", list(AmendmentStatus))
def test_only_the_author_withdraws_and_only_while_open(amendment: AmendmentStatus) -> None:
    context = AmendmentContext(Status.NEGOTIATION, True, True, amendment, is_author=True)
    expected_roles = (
        (set(ROLES) - {"anonymous", "inactive member"}) if amendment == AmendmentStatus.OPEN else set()
    )
    assert allowed(P.WITHDRAW, context) == expected_roles
    not_author = AmendmentContext(Status.NEGOTIATION, True, True, amendment, is_author=False)
    assert allowed(P.WITHDRAW, not_author) == set()


@pytest.mark.parametrize("may_view", [True, False])
def test_whoever_may_read_the_published_versions_sees_the_amendments(may_view: bool) -> None:
    context = AmendmentContext(Status.CONSULTATION, True, may_view, AmendmentStatus.OPEN)
    assert allowed(P.VIEW, context) == (set(ROLES) if may_view else set())
