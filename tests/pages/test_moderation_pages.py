"""The moderation queue and its actions without JavaScript and with htmx, and the public log."""

from __future__ import annotations

import pytest

from tests.notify_data import agreement_with_versions, comment, make_people, open_consultation, report
from tests.pages.agreement_helpers import text, without_tags

pytestmark = pytest.mark.usefixtures("english")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(session, make_user, space_by_code):
    return make_people(session, make_user, space_by_code)


@pytest.fixture
def reported(session, people):
    agreement = agreement_with_versions(session, people)
    open_consultation(session, people, agreement)
    target = comment(session, agreement, people.member, "Ihr seid alle doof.")
    report(session, target, people.observer, "Beleidigend")
    return target


def queue_url(people) -> str:
    return f"/spaces/{people.space.id}/moderation"


@pytest.mark.parametrize(
    ("role", "status"), [("member", 403), ("observer", 403), ("facilitator", 200), ("admin", 200)]
)
def test_the_queue_is_for_moderators(client, login, people, reported, role, status) -> None:
    login(people.role(role))
    response = client.get(queue_url(people))
    assert response.status_code == status
    if status == 200:
        page = without_tags(text(response))
        assert "Ihr seid alle doof." in page and "Beleidigend" in page and "1 report" in page
        assert people.observer.display_name not in page  # reporters stay unnamed
        assert f"Block {people.member.display_name} from commenting in this social space" in page


def test_anonymous_visitors_are_sent_to_sign_in(client, people, reported) -> None:
    assert client.get(queue_url(people)).status_code == 302
    assert client.get("/moderation").status_code == 302


def test_all_spaces_queue_is_for_administrators(client, login, people, reported) -> None:
    login(people.facilitator)
    assert client.get("/moderation").status_code == 403
    login(people.admin)
    assert "Ihr seid alle doof." in text(client.get("/moderation"))


def test_hide_without_javascript_then_the_log_shows_the_reason(
    client, login, session, people, reported
) -> None:
    login(people.facilitator)
    prefix = f"hide-{reported.id}"
    response = client.post(
        f"/moderation/comments/{reported.id}/hide",
        data={f"{prefix}-reason": "Beleidigung von Beteiligten", f"{prefix}-next": queue_url(people)},
    )
    assert response.status_code == 302 and response.headers["Location"] == queue_url(people)
    page = without_tags(text(client.get(queue_url(people))))
    assert "The comment is hidden." in page and "No reports are waiting." in page
    assert "Hidden comments (1)" in page
    client.post("/logout")
    log = without_tags(text(client.get(f"/spaces/{people.space.id}/moderation-log")))
    assert "Comment hidden" in log and "Beleidigung von Beteiligten" in log
    assert people.observer.display_name not in log and "Beleidigend" not in log


def test_hide_without_a_reason_keeps_the_queue_and_says_what_is_missing(
    client, login, people, reported
) -> None:
    login(people.facilitator)
    response = client.post(
        f"/moderation/comments/{reported.id}/hide",
        data={f"hide-{reported.id}-reason": "", f"hide-{reported.id}-next": queue_url(people)},
    )
    assert response.status_code == 422
    page = without_tags(text(response))
    assert "There is a problem" in page and "Give a reason: it is shown publicly" in page


def test_htmx_actions_swap_the_queue(client, login, session, people, reported) -> None:
    login(people.facilitator)
    prefix = f"dismiss-{reported.id}"
    fragment = text(
        client.post(
            f"/moderation/comments/{reported.id}/dismiss",
            data={f"{prefix}-next": queue_url(people)},
            headers=HTMX,
        )
    )
    assert fragment.lstrip().startswith('<div id="moderation-queue">')
    assert "The reports are dismissed" in fragment
    again = client.post(
        f"/moderation/comments/{reported.id}/dismiss",
        data={f"{prefix}-next": queue_url(people)},
        headers=HTMX,
    )
    assert again.status_code == 409 and "There are no open reports" in text(again)


def test_block_and_lift_from_the_queue(client, login, session, people, reported) -> None:
    login(people.facilitator)
    prefix = f"block-{reported.id}"
    response = client.post(
        f"/spaces/{people.space.id}/commenting-blocks",
        data={
            "comment_id": str(reported.id),
            f"{prefix}-reason": "Wiederholte Beleidigungen",
            f"{prefix}-user_id": str(people.member.id),
            f"{prefix}-document_id": str(reported.document_id),
            f"{prefix}-next": queue_url(people),
        },
    )
    assert response.status_code == 302
    page = text(client.get(queue_url(people)))
    assert "Members blocked from commenting (1)" in without_tags(page)
    from moderation.services.moderation import active_block

    block = active_block(session, people.space.id, people.member.id)
    response = client.post(
        f"/spaces/{people.space.id}/commenting-blocks/{block.id}/lift",
        data={f"lift-{block.id}-next": queue_url(people)},
    )
    assert response.status_code == 302
    assert "Nobody is blocked." in text(client.get(queue_url(people)))
    log = without_tags(text(client.get(f"/spaces/{people.space.id}/moderation-log")))
    assert "Member blocked from commenting" in log and "Block lifted" in log
    assert people.member.display_name not in log.split("Moderation log of")[-1].split("Raumrat –")[0]


def test_the_space_page_links_to_the_log_and_moderators_to_the_queue(client, login, people) -> None:
    page = text(client.get(f"/spaces/{people.space.id}"))
    assert f"/spaces/{people.space.id}/moderation-log" in page
    assert f'href="{queue_url(people)}"' not in page
    login(people.facilitator)
    assert f'href="{queue_url(people)}"' in text(client.get(f"/spaces/{people.space.id}"))


def test_a_hidden_comment_reported_again_appears_in_both_lists_with_unique_field_ids(
    client, login, session, people, reported
) -> None:
    import re

    from moderation.services import moderation

    moderation.hide_comment(session, people.facilitator, reported.id, reason="Beleidigung")
    report(session, reported, people.outsider, "Immer noch beleidigend")
    login(people.facilitator)
    page = text(client.get(queue_url(people)))
    assert f'id="report-{reported.id}"' in page and f'id="hidden-{reported.id}"' in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
