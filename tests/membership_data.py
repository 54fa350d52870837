"""People and memberships in a social space, shared by the membership service and page tests."""

from __future__ import annotations

from types import SimpleNamespace

from governance.models import SpaceMembership


def add_membership(session, space, user, *, role="member", party=None, status="active", organisation=None):
    membership = SpaceMembership(
        space=space, user=user, role=role, party=party, status=status, organisation=organisation, message=""
    )
    session.add(membership)
    session.commit()
    return membership


def cast(session, make_user, space) -> SimpleNamespace:
    """One person for every role the permission grid knows, seen from the given space."""
    crowd = SimpleNamespace(
        user=make_user("otto"),
        applicant=make_user("anna"),
        member=make_user("mia"),
        observer=make_user("olga"),
        facilitator=make_user("fiona"),
        admin=make_user("ada", admin=True),
    )
    add_membership(session, space, crowd.member, party="beneficiary")
    add_membership(session, space, crowd.observer, role="observer")
    add_membership(session, space, crowd.facilitator, role="facilitator")
    return crowd
