"""Own settings: names and pseudonym, e-mail address, password, language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import InvalidInput, PermissionDenied
from core.mail import OutboxMessage
from governance.services import accounts

PASSWORD = "correct horse battery"


def audit_actions(session, user) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id)))


def test_a_beneficiary_takes_a_pseudonym_that_others_see_instead_of_her_name(session, make_user) -> None:
    user = make_user("anna")
    accounts.change_names(session, user, display_name=" Anna Schmidt ", pseudonym=" Sonnenblume ")
    assert (user.display_name, user.pseudonym, user.public_name) == (
        "Anna Schmidt",
        "Sonnenblume",
        "Sonnenblume",
    )
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "account.names_changed"))
    # The audit log outlives the account: it records which fields changed, not the names.
    assert entry.details == {"fields": ["display_name", "pseudonym"]} and entry.actor_id == user.id
    accounts.change_names(session, user, display_name="Anna Schmidt", pseudonym="")
    assert user.pseudonym is None and user.public_name == "Anna Schmidt"


def test_pseudonyms_are_unique_whatever_the_case(session, make_user) -> None:
    make_user("bert", pseudonym="Sonnenblume")
    anna = make_user("anna")
    with pytest.raises(InvalidInput) as error:
        accounts.change_names(session, anna, display_name="Anna", pseudonym="SONNENBLUME")
    assert error.value.field_errors == {"pseudonym": ["taken"]}
    assert anna.pseudonym is None


def test_keeping_ones_own_pseudonym_is_not_a_conflict(session, make_user) -> None:
    anna = make_user("anna", pseudonym="Sonnenblume")
    accounts.change_names(session, anna, display_name="Anna S.", pseudonym="sonnenblume")
    assert anna.pseudonym == "sonnenblume"


def test_saving_unchanged_names_writes_no_audit_entry(session, make_user) -> None:
    anna = make_user("anna", pseudonym="Sonnenblume")
    accounts.change_names(session, anna, display_name="Anna", pseudonym="Sonnenblume")
    assert audit_actions(session, anna) == ["account.registered"]


@pytest.mark.parametrize(
    ("display_name", "pseudonym", "errors"),
    [
        ("", None, {"display_name": ["required"]}),
        ("x" * 121, None, {"display_name": ["too_long"]}),
        ("Anna", "ab", {"pseudonym": ["length"]}),
        ("Anna", "y" * 61, {"pseudonym": ["length"]}),
        ("Anna", "Ehemaliges Mitglied 0001", {"pseudonym": ["reserved"]}),
    ],
)
def test_bad_names_are_refused_with_a_reason(session, make_user, display_name, pseudonym, errors) -> None:
    anna = make_user("anna")
    with pytest.raises(InvalidInput) as error:
        accounts.change_names(session, anna, display_name=display_name, pseudonym=pseudonym)
    assert error.value.field_errors == errors
    assert anna.display_name == "Anna"


def test_the_reserved_name_of_deleted_accounts_cannot_be_registered(session, make_user) -> None:
    with pytest.raises(InvalidInput) as error:
        make_user("anna", pseudonym="ehemaliges mitglied 7")
    assert error.value.field_errors == {"pseudonym": ["reserved"]}


def test_changing_the_email_address_needs_the_password_and_tells_the_old_address(session, make_user) -> None:
    anna = make_user("anna", locale="en")
    with pytest.raises(InvalidInput) as error:
        accounts.change_email(session, anna, new_email="anna@new.example", current_password="wrong password")
    assert error.value.field_errors == {"current_password": ["wrong"]}
    assert anna.email == "anna@test.example"

    accounts.change_email(session, anna, new_email=" Anna@New.Example ", current_password=PASSWORD)
    assert anna.email == "anna@new.example"
    notice = session.scalar(select(OutboxMessage))
    assert notice.recipient == "anna@test.example"
    assert accounts.authenticate(session, email="anna@new.example", password=PASSWORD) is not None
    assert accounts.authenticate(session, email="anna@test.example", password=PASSWORD) is None
    assert "account.email_changed" in audit_actions(session, anna)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "account.email_changed"))
    assert "anna@" not in str(entry.details)


def test_an_email_address_belongs_to_one_account_only(session, make_user) -> None:
    make_user("bert")
    anna = make_user("anna")
    with pytest.raises(InvalidInput) as error:
        accounts.change_email(session, anna, new_email="BERT@test.example", current_password=PASSWORD)
    assert error.value.field_errors == {"email": ["taken"]}
    with pytest.raises(InvalidInput) as error:
        accounts.change_email(session, anna, new_email="anna@test.example", current_password=PASSWORD)
    assert error.value.field_errors == {"email": ["unchanged"]}
    with pytest.raises(InvalidInput) as error:
        accounts.change_email(session, anna, new_email="no-at-sign", current_password="wrong")
    assert error.value.field_errors == {"email": ["invalid"], "current_password": ["wrong"]}


def test_changing_the_password_ends_other_sessions(session, make_user) -> None:
    anna = make_user("anna")
    old_session_id = anna.get_id()
    accounts.change_password(session, anna, current_password=PASSWORD, new_password="a much better one")
    assert anna.get_id() != old_session_id
    assert accounts.authenticate(session, email="anna@test.example", password="a much better one")
    assert "account.password_changed" in audit_actions(session, anna)


@pytest.mark.parametrize(
    ("current", "new", "errors"),
    [
        ("wrong password", "a much better one", {"current_password": ["wrong"]}),
        (PASSWORD, "short", {"new_password": ["too_short"]}),
        (PASSWORD, "z" * 201, {"new_password": ["too_long"]}),
    ],
)
def test_bad_password_changes_are_refused(session, make_user, current, new, errors) -> None:
    anna = make_user("anna")
    version = anna.session_version
    with pytest.raises(InvalidInput) as error:
        accounts.change_password(session, anna, current_password=current, new_password=new)
    assert error.value.field_errors == errors
    assert anna.session_version == version


def test_the_preferred_language_is_stored(session, make_user) -> None:
    anna = make_user("anna")
    accounts.set_locale(session, anna, locale="en")
    assert anna.locale == "en"
    with pytest.raises(InvalidInput):
        accounts.set_locale(session, anna, locale="fr")
    assert anna.locale == "en"


SERVICES = {
    "names": lambda s, u: accounts.change_names(s, u, display_name="X", pseudonym=None),
    "email": lambda s, u: accounts.change_email(s, u, new_email="x@test.example", current_password=PASSWORD),
    "password": lambda s, u: accounts.change_password(s, u, current_password=PASSWORD, new_password="x" * 12),
    "language": lambda s, u: accounts.set_locale(s, u, locale="en"),
    "delete": lambda s, u: accounts.delete_account(s, u, password=PASSWORD),
}


@pytest.mark.parametrize("action", SERVICES)
def test_nobody_signed_in_may_change_an_account(session, action) -> None:
    with pytest.raises(PermissionDenied):
        SERVICES[action](session, None)


@pytest.mark.parametrize("action", SERVICES)
def test_a_deactivated_account_may_not_change_itself(session, make_user, action) -> None:
    anna = make_user("anna")
    anna.active = False
    session.commit()
    with pytest.raises(PermissionDenied):
        SERVICES[action](session, anna)
