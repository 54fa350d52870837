"""Deleting an account: personal data goes, contributions stay under a neutral pseudonym."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import InvalidInput
from core.mail import OutboxMessage, queue_mail
from governance.models import ApiToken, Organisation, OrganisationMember, SpaceMembership, User
from governance.services import accounts, tokens

PASSWORD = "correct horse battery"


@pytest.fixture
def active_member(session, make_user, space_by_code):
    """A beneficiary with a pseudonym, a membership, an organisation, a token and a mail waiting."""
    anna = make_user("anna", pseudonym="Sonnenblume")
    groepelingen, walle = space_by_code("04011440"), space_by_code("04011430")
    organisation = Organisation(name="Selbsthilfe West", kind="advocacy_group")
    session.add_all(
        [
            organisation,
            OrganisationMember(organisation=organisation, user=anna, role="member"),
            SpaceMembership(space=groepelingen, user=anna, party="beneficiary", status="active"),
            SpaceMembership(space=walle, user=anna, party="beneficiary", status="requested"),
        ]
    )
    queue_mail(session, recipient="anna@test.example", subject="Hello", body="Hello Anna")
    session.commit()
    tokens.create_token(session, anna, name="script")
    return anna


def test_deleting_removes_personal_data_and_keeps_contributions(session, active_member) -> None:
    anna = active_member
    accounts.delete_account(session, anna, password=PASSWORD)

    user = session.get(User, anna.id)
    assert user.email is None and user.password_hash is None
    assert user.display_name == user.pseudonym == f"Ehemaliges Mitglied {anna.id:04X}"
    assert user.deleted_at is not None and not user.active and not user.is_active
    # The memberships stay, as history, but are ended.
    statuses = session.scalars(select(SpaceMembership.status).where(SpaceMembership.user_id == anna.id))
    assert sorted(statuses) == ["left", "left"]
    assert session.scalar(select(OrganisationMember).where(OrganisationMember.user_id == anna.id)) is None
    assert session.scalar(select(Organisation.name)) == "Selbsthilfe West"
    token = session.scalar(select(ApiToken).where(ApiToken.user_id == anna.id))
    assert token.revoked_at is not None
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "anna@test.example")) is None
    # Everything the person did is still in the audit log, under the same account.
    # PostgreSQL returns rows in no particular order unless asked.
    actions = list(
        session.scalars(
            select(AuditEntry.action).where(AuditEntry.actor_id == anna.id).order_by(AuditEntry.id)
        )
    )
    assert actions == ["account.registered", "api_token.created", "account.deleted"]
    deleted = session.scalar(select(AuditEntry).where(AuditEntry.action == "account.deleted"))
    assert deleted.details == {"tokens_revoked": 1, "memberships_ended": 2, "organisations_left": 1}


def test_a_deleted_account_cannot_sign_in_and_its_address_can_register_again(session, active_member) -> None:
    accounts.delete_account(session, active_member, password=PASSWORD)
    assert accounts.authenticate(session, email="anna@test.example", password=PASSWORD) is None
    again = accounts.register_user(
        session,
        email="anna@test.example",
        password="another password",
        display_name="Anna",
        pseudonym="Sonnenblume",
    )
    assert again.id != active_member.id
    assert (
        accounts.authenticate(session, email="anna@test.example", password="another password").id == again.id
    )


def test_a_wrong_password_deletes_nothing(session, active_member) -> None:
    with pytest.raises(InvalidInput) as error:
        accounts.delete_account(session, active_member, password="wrong password")
    assert error.value.field_errors == {"password": ["wrong"]}
    session.expire_all()
    assert active_member.email == "anna@test.example" and active_member.deleted_at is None
    assert "left" not in session.scalars(select(SpaceMembership.status)).all()


def test_deleting_ends_every_session(session, active_member) -> None:
    old_session_id = active_member.get_id()
    accounts.delete_account(session, active_member, password=PASSWORD)
    assert session.get(User, active_member.id).get_id() != old_session_id


def test_neutral_pseudonyms_stay_unique(session, make_user) -> None:
    first, second = make_user("anna"), make_user("bert")
    accounts.delete_account(session, first, password=PASSWORD)
    accounts.delete_account(session, second, password=PASSWORD)
    assert first.pseudonym != second.pseudonym


def test_an_old_account_holding_the_neutral_name_does_not_block_deletion(session, make_user) -> None:
    anna, bert = make_user("anna"), make_user("bert")
    # Written directly: the name is reserved now, but data from before the reservation may hold it.
    bert.pseudonym = f"Ehemaliges Mitglied {anna.id:04X}"
    session.commit()
    accounts.delete_account(session, anna, password=PASSWORD)
    assert anna.pseudonym == f"Ehemaliges Mitglied {anna.id:04X}-2"
