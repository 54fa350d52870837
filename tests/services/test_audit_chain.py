"""Every audit entry written by a service is chained; verify-audit finds the first broken link."""

from __future__ import annotations

import itertools

from sqlalchemy import text

from core import audit
from core.audit import AuditEntry, verify_chain


def write_entries(session, count: int) -> None:
    for number in range(count):
        audit.record(session, actor_id=None, action="test.happened", object_type="thing", object_id=number,
                     details={"number": number})  # fmt: skip
        if number % 2:
            session.commit()
    session.commit()


def test_entries_written_in_several_transactions_form_one_chain(session) -> None:
    write_entries(session, 7)
    entries = session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert all(e.previous_hash == before.entry_hash for before, e in itertools.pairwise(entries))
    report = verify_chain(session)
    assert report.intact and report.checked == len(entries) >= 7


def test_a_rolled_back_entry_leaves_no_gap_in_the_chain(session) -> None:
    write_entries(session, 2)
    audit.record(session, actor_id=None, action="test.abandoned", object_type="thing", object_id=9)
    session.flush()
    session.rollback()
    write_entries(session, 2)
    assert verify_chain(session).intact


def test_a_changed_entry_is_reported_by_the_cli(app, session) -> None:
    write_entries(session, 4)
    target = session.query(AuditEntry).order_by(AuditEntry.id).all()[2]
    # Tampering happens outside the application (the model refuses updates).
    session.execute(text("UPDATE audit_entries SET action = 'test.forged' WHERE id = :id"), {"id": target.id})
    session.commit()
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code != 0
    assert f"Broken link at audit entry {target.id}" in result.output


def test_removing_the_newest_entries_is_noticed_through_the_head(app, session) -> None:
    write_entries(session, 3)
    newest = session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
    session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": newest.id})
    session.commit()
    assert not verify_chain(session).intact


def test_an_intact_log_is_confirmed_by_the_cli(app, session) -> None:
    write_entries(session, 3)
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 0, result.output
    assert "Audit log intact" in result.output
