"""Vocabulary of the governance domain (see GLOSSARY.md). Pure Python: no Flask, no SQLAlchemy."""

from __future__ import annotations

from enum import StrEnum


class Party(StrEnum):
    """Which side a member speaks for in a space (Beteiligtengruppe)."""

    BENEFICIARY = "beneficiary"
    ADVOCACY_GROUP = "advocacy_group"
    CARRIER = "carrier"
    PROVIDER = "provider"
    CIVIL_SOCIETY = "civil_society"
    ADMINISTRATION = "administration"


class SpaceRole(StrEnum):
    """A member's role in a space, in addition to their party."""

    MEMBER = "member"
    FACILITATOR = "facilitator"
    OBSERVER = "observer"


class MembershipStatus(StrEnum):
    REQUESTED = "requested"
    ACTIVE = "active"
    DECLINED = "declined"
    LEFT = "left"


class OrganisationKind(StrEnum):
    ADVOCACY_GROUP = "advocacy_group"
    CARRIER = "carrier"
    PROVIDER = "provider"
    CIVIL_SOCIETY = "civil_society"
    ADMINISTRATION = "administration"


class OrganisationRole(StrEnum):
    MEMBER = "member"
    # May speak for the organisation (formal statements) and manage its members.
    REPRESENTATIVE = "representative"


class UnitLevel(StrEnum):
    """Official territorial levels of the Land Bremen, plus named groups of units."""

    LAND = "land"
    GEMEINDE = "gemeinde"
    STADTBEZIRK = "stadtbezirk"
    STADTTEIL = "stadtteil"
    ORTSTEIL = "ortsteil"
    GROUP = "group"


OFFICIAL_LEVELS = (
    UnitLevel.LAND,
    UnitLevel.GEMEINDE,
    UnitLevel.STADTBEZIRK,
    UnitLevel.STADTTEIL,
    UnitLevel.ORTSTEIL,
)


def party_required(role: SpaceRole) -> bool:
    """Members speak for a party; facilitators may be neutral and observers only follow."""
    return role == SpaceRole.MEMBER
