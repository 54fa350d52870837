"""The participation pages: the agreement page's panel, thread pages, replies, edits with history,
deletion, reports, support, statements and the consultation report; plain form posts (no JavaScript)
and the htmx fragments."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from core.timeutil import utcnow
from participation.models import Comment, CommentingBlock, CommentReport, Support
from participation.services import comments, statements
from participation.services.comments import Target
from tests import participation_data as data
from tests.pages.agreement_helpers import text, without_tags
from tests.querycount import counted_queries

pytestmark = pytest.mark.usefixtures("english")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(session, make_user, space_by_code) -> data.People:
    return data.make_people(session, make_user, space_by_code)


@pytest.fixture
def agreement(session, people):
    return data.agreement(session, people)


def test_an_anonymous_visitor_reads_comments_and_is_asked_to_sign_in(
    client, session, people, agreement
) -> None:
    comments.post_comment(session, people.advocate, agreement.id, "Wir brauchen **mehr** Beratung.")
    page = client.get(f"/agreements/{agreement.id}")
    assert page.status_code == 200
    words = without_tags(text(page))
    assert "Anna Lena Berg – Advocacy group, Stadtteilhaus e.V." in words
    assert "<strong>mehr</strong>" in text(page)
    assert "Sign in to comment." in words
    assert "The consultation runs until" in words and "Everybody with an account can comment." in words
    assert 'name="body"' not in text(page)


def test_a_member_comments_without_javascript(client, login, session, people, agreement) -> None:
    login(people.advocate)
    url = f"/agreements/{agreement.id}"
    page = client.get(url)
    assert f'action="/agreements/{agreement.id}/comments"' in text(page)
    response = client.post(f"{url}/comments", data={"body": "Gute Sache", "next": url})
    comment = Comment.query.one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"{url}#comment-{comment.id}"
    page = client.get(url)
    assert "Your comment has been published." in text(page)
    assert f'id="comment-{comment.id}"' in text(page)


def test_htmx_swaps_the_thread_after_posting(client, login, session, people, agreement, monkeypatch) -> None:
    from participation.services import threads

    monkeypatch.setattr(threads, "PANEL_THREADS", 1)
    login(people.member)
    response = client.post(f"/agreements/{agreement.id}/comments", data={"body": "Per htmx"}, headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<div class="participation" id="comments">')
    assert "Your comment has been published." in body and "Per htmx" in body
    # From the agreement page the swapped thread stays an excerpt, and its fresh form returns there.
    from_panel = client.post(
        f"/agreements/{agreement.id}/comments",
        data={"body": "Vom Panel", "next": f"/agreements/{agreement.id}"},
        headers=HTMX,
    )
    assert f'name="next" type="hidden" value="/agreements/{agreement.id}"' in text(from_panel)
    assert "Show all 2 comments" in text(from_panel) and "Per htmx" not in text(from_panel)


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write your comment"), ("x" * 10_001, "This is too long: at most 10000 characters")],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_comments_get_clear_errors_and_keep_the_text(
    client, login, people, agreement, body, message, htmx
) -> None:
    login(people.member)
    response = client.post(
        f"/agreements/{agreement.id}/comments",
        data={"body": body, "as_pseudonym": "y"},
        headers=HTMX if htmx else {},
    )
    assert response.status_code == 422
    page = text(response)
    assert message in page and ("<html" in page) != htmx
    assert 'aria-invalid="true"' in page and "checked" in page
    assert Comment.query.count() == 0


def test_the_pseudonym_hides_party_and_organisation(client, login, session, people, agreement) -> None:
    login(people.member)
    client.post(f"/agreements/{agreement.id}/comments", data={"body": "Nur Pseudonym", "as_pseudonym": "y"})
    words = without_tags(text(client.get(f"/agreements/{agreement.id}")))
    assert "Sonnenblume ·" in words and "Beneficiary" not in words.split("Nur Pseudonym")[0][-80:]


@pytest.mark.parametrize(
    ("phase", "role", "sentence"),
    [
        ("consultation_ended", "member", "The consultation ended on"),
        ("negotiation", "observer", "At this stage only members of the social space can comment."),
        ("negotiation", "outsider", None),  # a negotiation is not public: the page itself is refused
        ("adopted", "member", "Commenting is closed"),
        ("consultation", "blocked", "blocked you from commenting"),
    ],
)
def test_why_a_person_cannot_comment_is_said_plainly(
    client, login, session, people, phase, role, sentence
) -> None:
    document = data.agreement(session, people, phase)
    user = people.member if role == "blocked" else people.role(role)
    if role == "blocked":
        session.add(CommentingBlock(space_id=people.space.id, user_id=user.id, reason="x"))
        session.commit()
    login(user)
    page = client.get(f"/agreements/{document.id}")
    if sentence is None:
        assert page.status_code == 403
        return
    assert sentence in without_tags(text(page))
    assert 'name="body"' not in text(page)
    refused = client.post(f"/agreements/{document.id}/comments", data={"body": "Trotzdem"})
    assert refused.status_code == 403 and sentence in without_tags(text(refused))
    assert Comment.query.count() == 0
    if role == "blocked":  # a reply is refused with the same sentence
        other = comments.post_comment(session, people.advocate, document.id, "Hallo")
        reply = client.get(f"/comments/{other.id}/reply")
        assert reply.status_code == 403 and sentence in without_tags(text(reply))


def test_a_section_thread_is_reached_from_the_version_page(client, login, session, people, agreement) -> None:
    key = data.section_keys(agreement)[1]
    comments.post_comment(session, people.member, agreement.id, "Zum Abschnitt", target=Target(1, key))
    version_page = text(client.get(f"/agreements/{agreement.id}/versions/1"))
    thread_url = f"/agreements/{agreement.id}/versions/1/sections/{key}/comments"
    assert f'href="{thread_url}"' in version_page
    assert "1 comment on this section" in without_tags(version_page)
    login(people.advocate)
    page = client.get(thread_url)
    assert page.status_code == 200 and "Comments on “Beratung” (version 1)" in without_tags(text(page))
    response = client.post(thread_url, data={"body": "Noch einer", "next": thread_url})
    assert response.status_code == 302 and response.headers["Location"].startswith(thread_url + "#comment-")
    assert client.get(f"{thread_url.replace(key, 'missing')}").status_code == 404


def test_replies_edits_history_and_deletion(client, login, session, people, agreement) -> None:
    first = comments.post_comment(session, people.member, agreement.id, "Erster Gedanke")
    login(people.advocate)
    assert client.get(f"/comments/{first.id}/reply").status_code == 200
    response = client.post(f"/comments/{first.id}/reply", data={"body": "Meine Antwort"})
    reply = Comment.query.filter(Comment.parent_id == first.id).one()
    assert response.headers["Location"].endswith(f"/agreements/{agreement.id}/comments#comment-{reply.id}")
    assert client.get(f"/comments/{first.id}/edit").status_code == 403

    login(people.member)
    form = client.get(f"/comments/{first.id}/edit")
    assert "Erster Gedanke" in text(form)
    assert client.post(f"/comments/{first.id}/edit", data={"body": "", "revision": "1"}).status_code == 422
    client.post(f"/comments/{first.id}/edit", data={"body": "Besserer Gedanke", "revision": "1"})
    page = text(client.get(f"/agreements/{agreement.id}"))
    assert "Besserer Gedanke" in page and f'href="/comments/{first.id}/history"' in page
    history = without_tags(text(client.get(f"/comments/{first.id}/history")))
    assert "Besserer Gedanke" in history and "Erster Gedanke" in history
    stale = client.post(f"/comments/{first.id}/edit", data={"body": "Alt", "revision": "1"})
    assert stale.status_code == 422 and "in another window" in text(stale)

    assert "Yes, delete my comment" in text(client.get(f"/comments/{first.id}/delete"))
    client.post(f"/comments/{first.id}/delete")
    words = without_tags(text(client.get(f"/agreements/{agreement.id}")))
    assert "This comment was deleted by its author." in words and "Besserer Gedanke" not in words
    assert "Meine Antwort" in words


def test_a_hidden_comment_shows_the_moderators_reason(client, session, people, agreement) -> None:
    comment = comments.post_comment(session, people.member, agreement.id, "Etwas Beleidigendes")
    comment.hidden_at, comment.hidden_reason = utcnow(), "Beleidigung"
    session.commit()
    words = without_tags(text(client.get(f"/agreements/{agreement.id}")))
    assert "Hidden by moderation: Beleidigung" in words and "Etwas Beleidigendes" not in words


def test_reporting_needs_a_reason(client, login, session, people, agreement) -> None:
    comment = comments.post_comment(session, people.member, agreement.id, "Meinung")
    assert client.get(f"/comments/{comment.id}/report").status_code == 302  # sign in first
    login(people.outsider)
    empty = client.post(f"/comments/{comment.id}/report", data={"reason": ""})
    assert empty.status_code == 422 and "Give a reason" in text(empty)
    response = client.post(f"/comments/{comment.id}/report", data={"reason": "Falsche Tatsachen"})
    assert response.status_code == 302
    assert CommentReport.query.one().reason == "Falsche Tatsachen"
    again = client.post(f"/comments/{comment.id}/report", data={"reason": "Nochmal"})
    assert again.status_code == 422 and "reported this comment already" in text(again)


def test_support_with_and_without_javascript(client, login, session, people, agreement) -> None:
    comment = comments.post_comment(session, people.advocate, agreement.id, "Unterstützt mich")
    login(people.member)
    url = f"/comments/{comment.id}/support"
    response = client.post(url, data={"next": f"/agreements/{agreement.id}#comment-{comment.id}"})
    assert response.headers["Location"] == f"/agreements/{agreement.id}#comment-{comment.id}"
    assert "1 supporter: Beneficiaries 1" in without_tags(text(client.get(f"/agreements/{agreement.id}")))
    fragment = client.post(url, headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in text(fragment)
    assert f'id="support-comment-{comment.id}"' in text(fragment)
    assert "0 supporters" in text(fragment) and 'aria-pressed="false"' in text(fragment)
    assert Support.query.count() == 0
    login(people.advocate)
    assert client.post(url).status_code == 403  # not one's own comment
    amendment = data.amendment(session, agreement, people.advocate)
    login(people.member)
    assert client.post(f"/amendments/{amendment.id}/support", headers=HTMX).status_code == 200
    assert Support.query.one().target_type == "amendment"


def test_a_representative_publishes_a_statement(client, login, session, people, agreement) -> None:
    login(people.member)
    assert client.get(f"/agreements/{agreement.id}/statements/new").status_code == 403
    login(people.advocate)
    page = text(client.get(f"/agreements/{agreement.id}"))
    assert f'href="/agreements/{agreement.id}/statements/new"' in page
    form = client.get(f"/agreements/{agreement.id}/statements/new")
    assert "Stadtteilhaus e.V." in text(form)
    empty = client.post(
        f"/agreements/{agreement.id}/statements/new",
        data={"organisation_id": people.organisation.id, "body": ""},
    )
    assert empty.status_code == 422 and "Write the statement" in text(empty)
    wrong = client.post(
        f"/agreements/{agreement.id}/statements/new", data={"organisation_id": "999", "body": "x"}
    )
    assert wrong.status_code == 422
    response = client.post(
        f"/agreements/{agreement.id}/statements/new",
        data={"organisation_id": people.organisation.id, "body": "Wir stimmen zu."},
    )
    assert response.status_code == 302 and "#statement-" in response.headers["Location"]
    words = without_tags(text(client.get(f"/agreements/{agreement.id}")))
    assert "Anna Lena Berg speaks for Stadtteilhaus e.V. (Advocacy groups)" in words


def test_an_amendment_thread_for_the_amendments_page(client, login, session, people, agreement) -> None:
    amendment = data.amendment(session, agreement, people.advocate)
    url = f"/agreements/{agreement.id}/amendments/{amendment.id}/comments"
    login(people.member)
    assert client.post(url, data={"body": "Zum Antrag"}, headers=HTMX).status_code == 200
    fragment = text(client.get(url, headers=HTMX))
    assert f'id="comments-amendment-{amendment.id}"' in fragment and "Zum Antrag" in fragment
    assert client.get(f"/agreements/{agreement.id}/amendments/{amendment.id + 5}/comments").status_code == 404


def test_the_consultation_report_as_page_csv_and_pdf(client, login, session, people, agreement) -> None:
    key = data.section_keys(agreement)[0]
    comments.post_comment(session, people.member, agreement.id, "Mehr Öffnungszeiten für Ältere")
    comments.post_comment(session, people.advocate, agreement.id, "Zu Abschnitt", target=Target(1, key))
    statements.publish_statement(
        session, people.advocate, agreement.id, people.organisation.id, "Unsere Position"
    )
    url = f"/agreements/{agreement.id}/consultation-report"
    login(people.member)
    assert client.get(url).status_code == 403
    assert "Consultation report" not in text(client.get(f"/agreements/{agreement.id}"))
    login(people.facilitator)
    assert f'href="{url}"' in text(client.get(f"/agreements/{agreement.id}"))
    words = without_tags(text(client.get(url)))
    assert (
        "The agreement as a whole" in words and "Section: Mehr Teilhabe" in words and "Beneficiaries" in words
    )
    csv = client.get(url + ".csv")
    assert csv.mimetype == "text/csv" and csv.data.startswith(b"\xef\xbb\xbf")
    assert "Mehr Öffnungszeiten für Ältere" in csv.data.decode("utf-8-sig")
    pdf = client.get(url + ".pdf")
    assert pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog and catalog["/Lang"] == "en"
    pdf_words = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Unsere Position" in pdf_words and "Öffnungszeiten" in pdf_words


def _many_comments(session, people, document, count: int) -> None:
    """``count`` comments written directly: threads of three (a comment and two replies), each supported."""
    rows = []
    for number in range(count):
        rows.append(
            Comment(
                document_id=document.id,
                author_id=(people.member if number % 2 else people.advocate).id,
                party="beneficiary" if number % 2 else "advocacy_group",
                organisation_id=None if number % 2 else people.organisation.id,
                body=f"Kommentar {number}",
            )
        )
    session.add_all(rows)
    session.flush()
    for index, row in enumerate(rows):
        root = rows[index - index % 3]
        row.thread_id = root.id
        row.parent_id = None if row is root else rows[index - 1].id
        session.add(
            Support(
                document_id=document.id, target_type="comment", target_id=row.id, user_id=people.observer.id
            )
        )
    session.commit()


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_the_agreement_page_needs_as_many_queries_for_300_comments_as_for_10(
    client, login, session, people, role
) -> None:
    few, many = data.agreement(session, people), data.agreement(session, people)
    _many_comments(session, people, few, 10)
    _many_comments(session, people, many, 300)
    statements.publish_statement(session, people.advocate, many.id, people.organisation.id, "Position")
    if role == "member":
        login(people.member)
    from core import pagecache

    counts = []
    for document_id in (few.id, many.id):
        pagecache.clear()
        session.close()
        with counted_queries() as statements_sent:
            page = client.get(f"/agreements/{document_id}")
        assert page.status_code == 200
        counts.append(statements_sent)
    # The newest 20 threads (of three comments each), and the way to all of them.
    assert "Kommentar 299" in text(page) and len(re.findall(r'class="comment"', text(page))) == 60
    assert "Show all 300 comments" in text(page)
    assert len(counts[0]) == len(counts[1]), "\n".join(s[:100] for s in counts[1])


def test_the_amendment_support_fragment_for_the_amendments_page(
    app, client, login, session, people, agreement
) -> None:
    from flask import render_template_string
    from flask_login import login_user

    amendment = data.amendment(session, agreement, people.advocate)
    support_line = '{% include "participation/_amendment_support.html" %}'
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = render_template_string(support_line, amendment=amendment)
        assert "0 supporters" in html and "<button" not in html  # anonymous: counts only
        login_user(people.member)
        assert 'aria-pressed="false"' in render_template_string(support_line, amendment=amendment)
        login_user(people.advocate)
        assert "<button" not in render_template_string(support_line, amendment=amendment)  # own amendment


def test_the_version_page_counts_section_comments_in_one_query(client, session, people) -> None:
    few, many = data.agreement(session, people), data.agreement(session, people)
    for document, count in ((few, 2), (many, 40)):
        keys = data.section_keys(document)
        for number in range(count):
            comments.post_comment(
                session, people.member, document.id, f"Nr. {number}", target=Target(1, keys[number % 2])
            )
    from core import pagecache

    counts, pages = [], []
    for document_id in (few.id, many.id):
        pagecache.clear()
        session.close()
        with counted_queries() as sent:
            pages.append(text(client.get(f"/agreements/{document_id}/versions/1")))
        counts.append(len(sent))
    assert "20 comments on this section" in without_tags(pages[1])
    assert counts[0] == counts[1]
