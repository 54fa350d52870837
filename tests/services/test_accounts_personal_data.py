"""'Your data': everything Raumrat holds about a person, without secrets, and nothing about others."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from core.errors import PermissionDenied
from core.mail import queue_mail
from core.timeutil import utcnow
from governance.models import Invitation, Organisation, OrganisationMember, SpaceMembership
from governance.services import accounts, tokens
from governance.services.personal_data import export_personal_data

PASSWORD = "correct horse battery"


def invitation(space, inviter_id: int, email: str, **kw) -> Invitation:
    return Invitation(
        space=space, email=email, party="beneficiary", invited_by_id=inviter_id,
        token_hash=kw.pop("token_hash"), expires_at=utcnow() + timedelta(days=14), **kw,
    )  # fmt: skip


def test_the_export_holds_everything_about_the_person(session, make_user, space_by_code) -> None:
    anna = make_user("anna", pseudonym="Sonnenblume", locale="en")
    facilitator = make_user("fritz")
    groepelingen, walle = space_by_code("04011440"), space_by_code("04011430")
    anna_id, fritz_id = anna.id, facilitator.id
    organisation = Organisation(name="Selbsthilfe West", kind="advocacy_group")
    session.add_all(
        [
            organisation,
            OrganisationMember(organisation=organisation, user=anna, role="representative"),
            SpaceMembership(
                space=groepelingen, user=anna, party="advocacy_group", role="member", status="active",
                organisation=organisation, message="Ich möchte mitmachen",
            ),
            invitation(groepelingen, fritz_id, "anna@test.example", token_hash="a" * 64,
                       accepted_at=utcnow(), accepted_by_id=anna_id),
            invitation(walle, fritz_id, "anna@test.example", token_hash="b" * 64),
            invitation(walle, anna_id, "friend@test.example", token_hash="c" * 64),
            invitation(walle, fritz_id, "someone@test.example", token_hash="d" * 64),
        ]
    )  # fmt: skip
    queue_mail(session, recipient="anna@test.example", subject="Willkommen", body="Hallo Anna")
    queue_mail(session, recipient="someone@test.example", subject="Not for Anna", body="…")
    session.commit()
    tokens.create_token(session, anna, name="script")
    accounts.change_names(session, anna, display_name="Anna Schmidt", pseudonym="Sonnenblume")
    accounts.change_names(session, facilitator, display_name="Fritz F.", pseudonym=None)

    data = export_personal_data(session, anna)

    assert data["account"] | {"created_at": None} == {
        "id": anna.id, "email": "anna@test.example", "display_name": "Anna Schmidt",
        "pseudonym": "Sonnenblume", "language": "en", "site_administrator": False, "active": True,
        "created_at": None, "deleted_at": None,
    }  # fmt: skip
    assert [(o["organisation"], o["role"]) for o in data["organisations"]] == [
        ("Selbsthilfe West", "representative")
    ]
    [membership] = data["space_memberships"]
    assert {k: membership[k] for k in ("space", "space_code", "party", "role", "status", "organisation")} == {
        "space": "Gröpelingen", "space_code": "04011440", "party": "advocacy_group", "role": "member",
        "status": "active", "organisation": "Selbsthilfe West",
    }  # fmt: skip
    assert membership["message"] == "Ich möchte mitmachen"
    assert [i["email"] for i in data["invitations"]["sent"]] == ["friend@test.example"]
    assert [i["space"] for i in data["invitations"]["accepted"]] == ["Gröpelingen"]
    assert [i["space"] for i in data["invitations"]["to_your_address"]] == ["Walle"]
    [token] = data["api_tokens"]
    assert token["name"] == "script" and token["prefix"].startswith("rr_") and token["revoked_at"] is None
    assert [e["action"] for e in data["audit_entries"]] == [
        "account.registered", "api_token.created", "account.names_changed",
    ]  # fmt: skip
    assert [m["subject"] for m in data["mails"]] == ["Willkommen"]
    # Plain data: it can be written as JSON as it is.
    json.dumps(data)


def test_the_export_holds_no_secrets(session, make_user, space_by_code) -> None:
    anna = make_user("anna")
    facilitator = make_user("fritz")
    session.add(
        invitation(space_by_code("04011440"), facilitator.id, "anna@test.example", token_hash="e" * 64)
    )
    session.commit()
    _, secret = tokens.create_token(session, anna, name="script")
    text = json.dumps(export_personal_data(session, anna))
    assert anna.password_hash not in text and "argon2" not in text
    assert "token_hash" not in text and "e" * 64 not in text
    assert secret not in text


def test_the_export_of_a_deleted_account_is_refused(session, make_user) -> None:
    anna = make_user("anna")
    accounts.delete_account(session, anna, password=PASSWORD)
    with pytest.raises(PermissionDenied):
        export_personal_data(session, anna)


def test_nobody_signed_in_gets_no_export(session) -> None:
    with pytest.raises(PermissionDenied):
        export_personal_data(session, None)
