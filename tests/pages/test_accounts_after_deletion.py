"""After an account is deleted: no sign-in, the address is free again, the neutral name stays reserved."""

from __future__ import annotations

import pytest

from governance.services import accounts

PASSWORD = "correct horse battery"


pytestmark = pytest.mark.usefixtures("english")  # the English msgids, whatever the account's language


def registration(email: str, pseudonym: str = "") -> dict[str, str]:
    return {
        "display_name": "Anna", "pseudonym": pseudonym, "email": email, "password": "another password",
        "password_confirm": "another password", "accept_terms": "y",
    }  # fmt: skip


def test_a_deleted_account_cannot_sign_in_but_its_address_can_register_again(
    client, session, make_user
) -> None:
    anna = make_user("anna")
    accounts.delete_account(session, anna, password=PASSWORD)
    refused = client.post("/login", data={"email": "anna@test.example", "password": PASSWORD})
    assert refused.status_code == 422
    registered = client.post("/register", data=registration("anna@test.example"))
    assert registered.status_code == 302
    assert client.get("/settings").status_code == 200


def test_nobody_can_register_under_the_name_of_deleted_accounts(client) -> None:
    answer = client.post("/register", data=registration("new@test.example", "Ehemaliges Mitglied 0001"))
    assert answer.status_code == 422
    assert "reserved for deleted accounts" in answer.text
    assert 'value="Ehemaliges Mitglied 0001"' in answer.text
