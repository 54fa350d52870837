"""Demo data for development and trying Raumrat out. Never loaded in a production configuration."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from governance.models import Organisation, OrganisationMember, Space, SpaceGroupUnit, SpaceMembership, User
from governance.parties import MembershipStatus, OrganisationKind, OrganisationRole, Party, SpaceRole
from governance.passwords import hash_password
from governance.units import load_official_units, search_text_for

DEMO_EMAIL_DOMAIN = "example.org"
DEMO_PASSWORD = "demo-password"
DEMO_SPACE_CODE = "04011440"  # Stadtteil Gröpelingen


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    pseudonym: str | None
    party: str | None
    role: str
    organisation: str | None
    is_admin: bool = False


DEMO_ORGANISATIONS = [
    ("Selbstvertretung Gröpelingen (Demo)", OrganisationKind.ADVOCACY_GROUP,
     "Interessenvertretung von Menschen mit Behinderung im Bremer Westen."),
    ("Amt für Soziale Dienste – Sozialzentrum Gröpelingen/Walle (Demo)", OrganisationKind.CARRIER,
     "Leistungsträger für Eingliederungshilfe, Hilfe zur Pflege und Jugendhilfe."),
    ("Nachbarschaftshilfe West gGmbH (Demo)", OrganisationKind.PROVIDER,
     "Leistungserbringer: ambulante Assistenz und Begegnungsstätten."),
    ("Quartiersinitiative Lindenhof (Demo)", OrganisationKind.CIVIL_SOCIETY,
     "Ehrenamtliche Nachbarschaftsinitiative."),
    ("Senatorin für Soziales, Jugend, Integration und Sport (Demo)", OrganisationKind.ADMINISTRATION,
     "Verwaltung: veröffentlicht die Rahmenvereinbarungen."),
]  # fmt: skip

DEMO_USERS = [
    DemoUser("admin@example.org", "Alex Admin", None, None, SpaceRole.OBSERVER, None, is_admin=True),
    DemoUser("beneficiary@example.org", "Bea Berger", "Sonnenblume", Party.BENEFICIARY, SpaceRole.MEMBER,
             None),
    DemoUser("advocate@example.org", "Anna Vogt", None, Party.ADVOCACY_GROUP, SpaceRole.MEMBER,
             "Selbstvertretung Gröpelingen (Demo)"),
    DemoUser("carrier@example.org", "Carl Träger", None, Party.CARRIER, SpaceRole.MEMBER,
             "Amt für Soziale Dienste – Sozialzentrum Gröpelingen/Walle (Demo)"),
    DemoUser("provider@example.org", "Paula Dienst", None, Party.PROVIDER, SpaceRole.MEMBER,
             "Nachbarschaftshilfe West gGmbH (Demo)"),
    DemoUser("civil@example.org", "Cem Nachbar", None, Party.CIVIL_SOCIETY, SpaceRole.MEMBER,
             "Quartiersinitiative Lindenhof (Demo)"),
    DemoUser("administration@example.org", "Vera Verwaltung", None, Party.ADMINISTRATION, SpaceRole.MEMBER,
             "Senatorin für Soziales, Jugend, Integration und Sport (Demo)"),
    DemoUser("facilitator@example.org", "Fritz Moderation", None, None, SpaceRole.FACILITATOR, None),
    DemoUser("observer@example.org", "Olga Blick", None, None, SpaceRole.OBSERVER, None),
]  # fmt: skip

DEMO_GROUP_NAME = "Sozialzentrum Gröpelingen/Walle"
DEMO_GROUP_UNIT_CODES = ("04011440", "04011430")


def seed_demo(session: Session) -> dict[str, int]:
    """Load official units and demo data; running it again changes nothing."""
    counts = {"units": load_official_units(session), "organisations": 0, "users": 0, "memberships": 0}
    if counts["units"]:
        audit.record(session, actor_id=None, action="units.loaded", object_type="space", object_id="official")
    organisations = {org.name: org for org in session.scalars(select(Organisation))}
    for name, kind, description in DEMO_ORGANISATIONS:
        if name not in organisations:
            organisations[name] = Organisation(name=name, kind=kind, description=description)
            session.add(organisations[name])
            counts["organisations"] += 1
    session.flush()
    space = session.scalar(select(Space).where(Space.code == DEMO_SPACE_CODE))
    assert space is not None, "official units must be loaded first"
    password_hash = hash_password(DEMO_PASSWORD)
    for demo in DEMO_USERS:
        user = session.scalar(select(User).where(User.email == demo.email))
        if user is None:
            user = User(
                email=demo.email,
                password_hash=password_hash,
                display_name=demo.display_name,
                pseudonym=demo.pseudonym,
                is_admin=demo.is_admin,
                locale="de",
            )
            session.add(user)
            session.flush()
            counts["users"] += 1
            audit.record(
                session, actor_id=None, action="demo.user_created", object_type="user", object_id=user.id
            )
        organisation = organisations.get(demo.organisation) if demo.organisation else None
        if organisation and not any(
            link.organisation_id == organisation.id for link in user.organisation_links
        ):
            session.add(
                OrganisationMember(organisation=organisation, user=user, role=OrganisationRole.REPRESENTATIVE)
            )
        if demo.is_admin:
            continue
        existing = session.scalar(
            select(SpaceMembership).where(
                SpaceMembership.space_id == space.id, SpaceMembership.user_id == user.id
            )
        )
        if existing is None:
            session.add(
                SpaceMembership(
                    space=space,
                    user=user,
                    party=demo.party,
                    role=demo.role,
                    organisation=organisation,
                    status=MembershipStatus.ACTIVE,
                )
            )
            counts["memberships"] += 1
    if session.scalar(select(Space).where(Space.name == DEMO_GROUP_NAME)) is None:
        units = list(session.scalars(select(Space).where(Space.code.in_(DEMO_GROUP_UNIT_CODES))))
        group = Space(
            name=DEMO_GROUP_NAME,
            level="group",
            description="Einzugsgebiet des Sozialzentrums: die Stadtteile Gröpelingen und Walle.",
            search_text=search_text_for(DEMO_GROUP_NAME),
            group_units=[SpaceGroupUnit(unit=unit) for unit in units],
        )
        session.add(group)
        session.flush()
        audit.record(
            session, actor_id=None, action="demo.group_created", object_type="space", object_id=group.id
        )
    session.commit()
    return counts
