"""Translated names for the domain's vocabulary, used by templates and forms."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

PARTY_LABELS = {
    "beneficiary": _l("Beneficiaries"),
    "advocacy_group": _l("Advocacy groups"),
    "carrier": _l("Carriers"),
    "provider": _l("Providers"),
    "civil_society": _l("Civil society"),
    "administration": _l("Administration"),
}

# One person of a party, for forms and member lists.
PARTY_MEMBER_LABELS = {
    "beneficiary": _l("Beneficiary"),
    "advocacy_group": _l("Advocacy group"),
    "carrier": _l("Carrier"),
    "provider": _l("Provider"),
    "civil_society": _l("Civil society"),
    "administration": _l("Administration"),
}

SPACE_ROLE_LABELS = {
    "member": _l("Member"),
    "facilitator": _l("Facilitator"),
    "observer": _l("Observer"),
}

MEMBERSHIP_STATUS_LABELS = {
    "requested": _l("Request waiting"),
    "active": _l("Active"),
    "declined": _l("Declined"),
    "left": _l("Left"),
}

ORGANISATION_KIND_LABELS = {
    "advocacy_group": _l("Advocacy group"),
    "carrier": _l("Carrier"),
    "provider": _l("Provider"),
    "civil_society": _l("Civil society group"),
    "administration": _l("Administration"),
}

ORGANISATION_ROLE_LABELS = {
    "member": _l("Member"),
    "representative": _l("Representative"),
}

LEVEL_LABELS = {
    "land": _l("Land"),
    "gemeinde": _l("Municipality (Stadtgemeinde)"),
    "stadtbezirk": _l("City district (Stadtbezirk)"),
    "stadtteil": _l("District (Stadtteil)"),
    "ortsteil": _l("Quarter (Ortsteil)"),
    "group": _l("Group of units"),
}


def install(app: Flask) -> None:
    app.jinja_env.globals.update(
        party_labels=PARTY_LABELS,
        party_member_labels=PARTY_MEMBER_LABELS,
        space_role_labels=SPACE_ROLE_LABELS,
        membership_status_labels=MEMBERSHIP_STATUS_LABELS,
        organisation_kind_labels=ORGANISATION_KIND_LABELS,
        organisation_role_labels=ORGANISATION_ROLE_LABELS,
        level_labels=LEVEL_LABELS,
    )
