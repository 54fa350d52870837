"""Comments, statements and support through the services: who may write when, what is stored and
which audit entries (from which notifications are derived) are written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from participation.models import Comment, CommentingBlock, CommentReport, CommentRevision, Statement, Support
from participation.services import comments, reports, statements, support, threads
from participation.services.comments import Target
from tests import participation_data as data


@pytest.fixture
def people(session, make_user, space_by_code) -> data.People:
    return data.make_people(session, make_user, space_by_code)


def last_audit(session, action: str) -> AuditEntry:
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    )
    assert entry is not None, action
    return entry


def test_a_member_comments_and_another_replies_with_a_mention(session, people) -> None:
    document = data.agreement(session, people)
    first = comments.post_comment(session, people.advocate, document.id, "Gute Idee, **wirklich**.")
    assert (first.party, first.organisation_id, first.thread_id) == (
        "advocacy_group",
        people.organisation.id,
        first.id,
    )
    created = last_audit(session, "comment.created")
    assert created.object_type == "comment" and created.object_id == str(first.id)
    assert created.details == {
        "document_id": document.id, "amendment_id": None, "version_id": None, "section_key": None,
        "parent_id": None, "parent_author_id": None, "mentioned_user_ids": [], "space_id": people.space.id,
    }  # fmt: skip

    reply = comments.post_comment(
        session,
        people.member,
        document.id,
        "Danke @[Anna Lena Berg], und @Sonnenblume bin ich.",
        parent_id=first.id,
    )
    assert reply.thread_id == first.id and reply.parent_id == first.id
    details = last_audit(session, "comment.created").details
    assert details["parent_id"] == first.id
    assert details["parent_author_id"] == people.advocate.id
    # The author's own name is not a mention worth a notification.
    assert details["mentioned_user_ids"] == [people.advocate.id]


def test_mentions_name_only_active_members_of_the_space(session, people) -> None:
    document = data.agreement(session, people)
    comments.post_comment(session, people.member, document.id, "@[Otto Out] @[Fritz Fischer] @[Olga Ober]")
    assert last_audit(session, "comment.created").details["mentioned_user_ids"] == [
        people.facilitator.id,
        people.observer.id,
    ]


def test_comments_on_a_section_and_on_an_amendment_keep_their_target(session, people) -> None:
    document = data.agreement(session, people)
    key = data.section_keys(document)[1]
    on_section = comments.post_comment(
        session, people.member, document.id, "Zum Abschnitt", target=Target(version_number=1, section_key=key)
    )
    assert on_section.version_id == document.versions[0].id and on_section.section_key == key
    amendment = data.amendment(session, document, people.advocate)
    on_amendment = comments.post_comment(
        session, people.member, document.id, "Zum Antrag", target=Target(amendment_id=amendment.id)
    )
    assert last_audit(session, "comment.created").details["amendment_id"] == amendment.id
    reply = comments.post_comment(session, people.advocate, document.id, "Antwort", parent_id=on_amendment.id)
    assert reply.amendment_id == amendment.id
    assert threads.section_counts(session, document.versions[0].id) == {key: 1}
    with pytest.raises(NotFound):
        comments.post_comment(
            session, people.member, document.id, "x", target=Target(version_number=1, section_key="nope")
        )
    with pytest.raises(NotFound):
        comments.post_comment(
            session, people.member, document.id, "x", target=Target(amendment_id=amendment.id + 99)
        )


@pytest.mark.parametrize(
    ("phase", "audience", "may"),
    [
        (
            "consultation",
            "registered",
            {"member", "advocate", "observer", "outsider", "facilitator", "admin"},
        ),
        ("consultation", "members", {"member", "advocate", "facilitator"}),
        ("consultation_ended", "registered", set()),
        ("draft", "registered", {"member", "advocate", "facilitator"}),
        ("negotiation", "registered", {"member", "advocate", "facilitator"}),
        ("voting", "registered", {"member", "advocate", "facilitator"}),
        ("adopted", "registered", set()),
    ],
)
def test_who_may_comment_in_each_phase(session, people, phase, audience, may) -> None:
    document = data.agreement(session, people, phase, audience=audience)
    for name in ("member", "advocate", "observer", "outsider", "facilitator", "admin"):
        user = people.role(name)
        if name in may:
            comments.post_comment(session, user, document.id, f"Von {name}")
        else:
            with pytest.raises(PermissionDenied):
                comments.post_comment(session, user, document.id, f"Von {name}")
    assert session.query(Comment).count() == len(may)


def test_a_blocked_member_may_not_comment_until_the_block_is_lifted(session, people) -> None:
    document = data.agreement(session, people)
    block = CommentingBlock(space_id=people.space.id, user_id=people.member.id, reason="Beleidigungen")
    session.add(block)
    session.commit()
    with pytest.raises(PermissionDenied) as refused:
        comments.post_comment(session, people.member, document.id, "Noch was")
    assert refused.value.reason == "blocked"
    assert threads.thread(session, people.member, document.id).refusal == "blocked"
    from core.timeutil import utcnow

    block.lifted_at = utcnow()
    session.commit()
    comments.post_comment(session, people.member, document.id, "Wieder da")


def test_texts_are_checked(session, people) -> None:
    document = data.agreement(session, people)
    for body, code in [("   ", "required"), ("x" * 10_001, "too_long"), ("a\x00b", "invalid_characters")]:
        with pytest.raises(InvalidInput) as error:
            comments.post_comment(session, people.member, document.id, body)
        assert error.value.field_errors == {"body": [code]}
    with pytest.raises(InvalidInput) as error:
        comments.post_comment(session, people.advocate, document.id, "Ohne Pseudonym", as_pseudonym=True)
    assert error.value.field_errors == {"as_pseudonym": ["no_pseudonym"]}


def test_a_comment_under_a_pseudonym_names_no_organisation(session, people) -> None:
    document = data.agreement(session, people)
    people.member.pseudonym = None
    people.advocate.pseudonym = "Leuchtturm"
    session.commit()
    comment = comments.post_comment(session, people.advocate, document.id, "Anonym", as_pseudonym=True)
    assert comment.as_pseudonym and comment.organisation_id is None and comment.party == "advocacy_group"


def test_edits_keep_the_history_and_deletion_keeps_replies(session, people) -> None:
    document = data.agreement(session, people)
    first = comments.post_comment(session, people.member, document.id, "Erster Text")
    reply = comments.post_comment(session, people.advocate, document.id, "Antwort", parent_id=first.id)
    with pytest.raises(PermissionDenied):
        comments.edit_comment(session, people.advocate, first.id, "Fremd", base_revision=1)
    comments.edit_comment(session, people.member, first.id, "Zweiter Text", base_revision=1)
    with pytest.raises(Conflict):
        comments.edit_comment(session, people.member, first.id, "Veraltet", base_revision=1)
    comment, history = comments.history(session, None, first.id)
    assert comment.body == "Zweiter Text" and comment.edited_at is not None and comment.revision == 2
    assert [(revision.revision, revision.body) for revision in history] == [(1, "Erster Text")]
    assert last_audit(session, "comment.edited").details["revision"] == 2

    comments.delete_comment(session, people.member, first.id)
    session.refresh(first)
    assert first.deleted_at is not None and first.body == ""
    assert session.query(CommentRevision).count() == 0
    assert last_audit(session, "comment.deleted").details["document_id"] == document.id
    with pytest.raises(PermissionDenied):
        comments.post_comment(session, people.advocate, document.id, "An Gelöschtes", parent_id=first.id)
    view = threads.thread(session, None, document.id)
    assert [root.comment.id for root in view.roots] == [first.id]
    assert [child.comment.id for child in view.roots[0].replies] == [reply.id]


def test_authors_may_delete_after_the_consultation_closed_but_not_edit(session, people) -> None:
    document = data.agreement(session, people, "negotiation")
    comment = comments.post_comment(session, people.member, document.id, "Noch offen")
    from agreements.services import lifecycle

    lifecycle.change_status(session, people.facilitator, document.id, "put_to_vote")
    from datetime import date

    lifecycle.change_status(session, people.facilitator, document.id, "adopt", in_force_from=date(2027, 1, 1))
    with pytest.raises(PermissionDenied):
        comments.edit_comment(session, people.member, comment.id, "Zu spät", base_revision=1)
    comments.delete_comment(session, people.member, comment.id)


def test_reports_need_a_reason_and_come_once_per_person(session, people) -> None:
    document = data.agreement(session, people)
    comment = comments.post_comment(session, people.member, document.id, "Streitbar")
    with pytest.raises(PermissionDenied):
        comments.report_comment(session, people.member, comment.id, "Eigener")
    with pytest.raises(InvalidInput):
        comments.report_comment(session, people.outsider, comment.id, "  ")
    report = comments.report_comment(session, people.outsider, comment.id, "Beleidigend")
    assert session.get(CommentReport, report.id).reason == "Beleidigend"
    assert last_audit(session, "comment.reported").details == {
        "document_id": document.id, "report_id": report.id, "space_id": people.space.id,
    }  # fmt: skip
    with pytest.raises(InvalidInput) as error:
        comments.report_comment(session, people.outsider, comment.id, "Nochmal")
    assert error.value.field_errors == {"reason": ["already_reported"]}
    with pytest.raises(PermissionDenied):
        comments.report_comment(session, None, comment.id, "Anonym")


def test_support_toggles_and_counts_per_party(session, people) -> None:
    document = data.agreement(session, people)
    comment = comments.post_comment(session, people.advocate, document.id, "Bitte unterstützen")
    assert support.toggle_support(session, people.member, "comment", comment.id) is True
    assert support.toggle_support(session, people.facilitator, "comment", comment.id) is True
    assert support.toggle_support(session, people.outsider, "comment", comment.id) is True
    given = last_audit(session, "support.given")
    assert given.details["target_type"] == "comment" and given.details["target_id"] == comment.id
    assert support.counts_by_party(session, "comment", [comment.id]) == {
        comment.id: {"beneficiary": 1, None: 2}
    }
    assert support.toggle_support(session, people.member, "comment", comment.id) is False
    assert last_audit(session, "support.withdrawn").details["target_id"] == comment.id
    assert support.counts_by_party(session, "comment", [comment.id])[comment.id] == {None: 2}
    with pytest.raises(PermissionDenied):
        support.toggle_support(session, people.advocate, "comment", comment.id)

    amendment = data.amendment(session, document, people.advocate)
    assert support.toggle_support(session, people.member, "amendment", amendment.id) is True
    assert support.supported_by(session, people.member, "amendment", [amendment.id]) == {amendment.id}
    assert session.query(Support).filter_by(target_type="amendment").count() == 1
    with pytest.raises(NotFound):
        support.toggle_support(session, people.member, "statement", 1)


def test_only_representatives_publish_statements(session, people) -> None:
    document = data.agreement(session, people)
    with pytest.raises(PermissionDenied):
        statements.publish_statement(
            session, people.member, document.id, people.organisation.id, "Wir finden"
        )
    statement = statements.publish_statement(
        session,
        people.advocate,
        document.id,
        people.organisation.id,
        "Das Stadtteilhaus unterstützt den Entwurf.",
    )
    assert statement.party == "advocacy_group" and statement.author_id == people.advocate.id
    assert last_audit(session, "statement.published").details == {
        "document_id": document.id, "amendment_id": None, "organisation_id": people.organisation.id,
        "space_id": people.space.id,
    }  # fmt: skip
    amendment = data.amendment(session, document, people.member)
    on_amendment = statements.publish_statement(
        session, people.advocate, document.id, people.organisation.id, "Zum Antrag", amendment_id=amendment.id
    )
    assert last_audit(session, "statement.published").details["amendment_id"] == amendment.id
    assert [s.id for s in statements.statements_of(session, document.id)] == [statement.id]
    assert [s.id for s in statements.statements_of(session, document.id, amendment.id)] == [on_amendment.id]
    closed = data.agreement(session, people, "adopted")
    with pytest.raises(PermissionDenied):
        statements.publish_statement(session, people.advocate, closed.id, people.organisation.id, "Zu spät")
    assert session.query(Statement).count() == 2


def test_threads_come_in_pages_of_the_newest_first(session, people, monkeypatch) -> None:
    monkeypatch.setattr(threads, "THREADS_PER_PAGE", 3)
    document = data.agreement(session, people)
    posted = [comments.post_comment(session, people.member, document.id, f"Nr. {n}") for n in range(7)]
    first = threads.thread(session, None, document.id)
    assert [view.comment.id for view in first.roots] == [c.id for c in reversed(posted)][:3]
    assert first.has_more and first.comment_count == 7 and first.thread_count == 7
    last = threads.thread(session, None, document.id, page=3)
    assert [view.comment.id for view in last.roots] == [posted[0].id] and not last.has_more


def test_the_consultation_report_groups_by_section_and_party(app, session, people) -> None:
    document = data.agreement(session, people)
    key = data.section_keys(document)[0]
    comments.post_comment(session, people.member, document.id, "Allgemein")
    comments.post_comment(
        session,
        people.advocate,
        document.id,
        '=HYPERLINK("x") Ärger',
        target=Target(version_number=1, section_key=key),
    )
    statements.publish_statement(session, people.advocate, document.id, people.organisation.id, "Position")
    with pytest.raises(PermissionDenied):
        reports.consultation_report(session, people.member, document.id)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        report = reports.consultation_report(session, people.facilitator, document.id)
        csv = reports.as_csv(report)
    assert [label for label, _ in report.by_section] == ["The agreement as a whole", "Section: Mehr Teilhabe"]
    assert [item.kind for item in report.by_section[0][1]] == ["statement", "comment"]
    assert dict((label, len(items)) for label, items in report.by_party) == {
        "Advocacy groups": 2,
        "Beneficiaries": 1,
    }
    assert csv.startswith("\ufeff".encode())
    text = csv.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "Ärger" in text and "Stadtteilhaus e.V." in text
