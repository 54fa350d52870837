"""Decisions pages with the Flask test client: a facilitator prepares and opens a motion, members vote
without JavaScript and with htmx, and everyone reads the result and the published ballots."""

from __future__ import annotations

import html
import json
import re

import pytest

from decisions.models import Motion
from decisions.services import ballots, motions
from decisions.services.motions import OptionInput
from tests.decisions_data import make_voters, motion_input, open_motion

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def voters(session, make_user, space_by_code):
    return make_voters(session, make_user, space_by_code, beneficiary=3, carrier=2)


def text(response) -> str:
    """The page's words without tags, spaces collapsed."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(words))


def test_a_facilitator_creates_and_opens_a_motion_with_the_form(client, login, session, voters) -> None:
    login(voters.facilitator)
    page = client.get(f"/spaces/{voters.space.id}/motions/new")
    assert page.status_code == 200 and "Approval by every party" in text(page)
    refused = client.post(
        f"/spaces/{voters.space.id}/motions/new",
        data={"title": "", "kind": "free_question", "method": "qualified_majority", "threshold": "3/2"},
    )
    assert refused.status_code == 422
    assert "Enter a title" in text(refused) and "at most 1" in text(refused)
    created = client.post(
        f"/spaces/{voters.space.id}/motions/new",
        data={
            "title": "Spielplatz sanieren",
            "kind": "free_question",
            "method": "every_party",
            "approving_parties": ["beneficiary", "carrier"],
            "eligible_roles": ["member"],
            "quorum_overall": "50 %",
        },
    )
    assert created.status_code == 302
    motion = session.query(Motion).one()
    assert motion.parameters["quorum"]["overall"] == "1/2"
    assert list(motion.parameters["parties"]) == ["beneficiary", "carrier"]
    shown = client.get(created.location)
    assert "Spielplatz sanieren" in text(shown) and "Open the vote now" in text(shown)
    opened = client.post(f"/motions/{motion.id}/open", follow_redirects=True)
    assert "The motion is open for voting." in text(opened)
    assert "Beneficiaries 3" in text(opened) and "Carriers 2" in text(opened)


def test_a_member_votes_without_javascript_and_changes_the_vote(client, login, session, voters) -> None:
    motion = open_motion(session, voters)
    voter = voters.of("carrier")
    login(voter)
    page = client.get(f"/motions/{motion.id}")
    assert "Cast the vote" in text(page)
    prefix = f"v{voter.id}-"
    cast = client.post(f"/motions/{motion.id}/ballot", data={"voter_id": voter.id, f"{prefix}choice": "no"})
    assert cast.status_code == 302
    shown = client.get(cast.location)
    assert "Your vote has been counted." in text(shown) and "Recorded: No" in text(shown)
    changed = client.post(
        f"/motions/{motion.id}/ballot",
        data={"voter_id": voter.id, f"{prefix}choice": "yes"},
        follow_redirects=True,
    )
    assert "Your vote has been changed." in text(changed) and "Recorded: Yes" in text(changed)


def test_htmx_swaps_only_the_ballot_panel(client, login, session, voters) -> None:
    motion = open_motion(session, voters, method="consent")
    voter = voters.of("beneficiary")
    login(voter)
    missing_reason = client.post(
        f"/motions/{motion.id}/ballot",
        data={"voter_id": voter.id, f"v{voter.id}-choice": "object"},
        headers={"HX-Request": "true"},
    )
    assert missing_reason.status_code == 422
    body = text(missing_reason)
    assert (
        missing_reason.get_data(as_text=True).lstrip().startswith('<section class="panel" id="ballot-panel"')
    )
    assert "an objection needs a reason" in body
    ok = client.post(
        f"/motions/{motion.id}/ballot",
        data={"voter_id": voter.id, f"v{voter.id}-choice": "object", f"v{voter.id}-reason": "Zu laut"},
        headers={"HX-Request": "true"},
    )
    assert (
        ok.status_code == 200
        and "Your vote has been counted." in text(ok)
        and "<html" not in ok.get_data(as_text=True)
    )


def test_refusals_are_explained(client, login, session, voters) -> None:
    motion = open_motion(session, voters)
    login(voters.observer)
    page = client.get(f"/motions/{motion.id}")
    assert "You are not among the people who may vote on this motion." in text(page)
    refused = client.post(
        f"/motions/{motion.id}/ballot",
        data={"voter_id": voters.observer.id, f"v{voters.observer.id}-choice": "yes"},
    )
    assert refused.status_code == 403
    login(voters.of("carrier"))
    for_someone_else = client.post(
        f"/motions/{motion.id}/ballot",
        data={"voter_id": voters.of("carrier", 1).id, f"v{voters.of('carrier', 1).id}-choice": "yes"},
    )
    assert for_someone_else.status_code == 403
    assert "only vote for someone else if they authorised you" in text(for_someone_else)
    motions.close_motion(session, voters.facilitator, motion.id)
    late = client.post(
        f"/motions/{motion.id}/ballot",
        data={"voter_id": voters.of("carrier").id, f"v{voters.of('carrier').id}-choice": "yes"},
    )
    assert late.status_code == 409 and "Voting on this motion has ended." in text(late)


def test_a_secret_ballot_shows_the_receipt_once_and_the_voter_finds_their_ballot(
    client, login, session, voters
) -> None:
    motion = open_motion(session, voters, secret=True)
    voter = voters.of("beneficiary")
    login(voter)
    cast = client.post(
        f"/motions/{motion.id}/ballot", data={"voter_id": voter.id, f"v{voter.id}-choice": "yes"}
    )
    assert cast.status_code == 200
    receipt = re.search(r"([A-Z2-9]{4}(?:-[A-Z2-9]{4}){4})", text(cast)).group(1)
    assert "shown only once" in text(cast)
    again = client.get(f"/motions/{motion.id}")
    assert receipt not in text(again) and "enter the receipt code" in text(again)
    without = client.post(
        f"/motions/{motion.id}/ballot", data={"voter_id": voter.id, f"v{voter.id}-choice": "no"}
    )
    assert without.status_code == 409 and "enter the receipt code" in text(without)
    changed = client.post(
        f"/motions/{motion.id}/ballot",
        data={"voter_id": voter.id, f"v{voter.id}-choice": "no", f"v{voter.id}-receipt": receipt},
    )
    assert changed.status_code == 302
    motions.close_motion(session, voters.facilitator, motion.id)
    found = client.get(f"/motions/{motion.id}/ballots?receipt={receipt.lower()}")
    assert "was counted as: No" in text(found)
    # Nobody, administrators included, sees a name beside a secret choice.
    login(voters.admin)
    for url in (
        f"/motions/{motion.id}",
        f"/motions/{motion.id}/ballots",
        f"/motions/{motion.id}/ballots.json",
    ):
        body = text(client.get(url))
        if "ballots" in url:
            assert voter.public_name not in body
    export = client.get(f"/motions/{motion.id}/ballots.json").get_json()
    assert set(export["ballots"][0]) == {"voter", "party", "choice", "reason"}


def test_results_page_with_chart_table_and_recount(client, session, voters) -> None:
    options = [OptionInput("Bänke"), OptionInput("Bäume"), OptionInput("Keep", keeps_current_text=True)]
    motion = open_motion(session, voters, kind="choose_alternative", method="ranked_choice", options=options)
    for user, ranking in zip(
        voters.members, [["o1", "o2"], ["o2"], ["o1"], ["keep"], ["o1", "keep"]], strict=True
    ):
        ballots.cast_ballot(session, user, motion.id, choice=ranking)
    motions.close_motion(session, voters.facilitator, motion.id)
    page = client.get(f"/motions/{motion.id}/results")
    assert page.status_code == 200
    body = text(page)
    assert "Pairwise preferences" in body and "Strongest paths" in body
    assert "the same result" in body
    assert "Ranking Bänke " in body
    open_page = client.get(f"/motions/{motion.id}")
    assert "Decided" in text(open_page)


def test_bar_charts_are_svg_with_a_data_table(client, session, voters) -> None:
    motion = open_motion(session, voters)
    ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="yes")
    motions.close_motion(session, voters.facilitator, motion.id)
    body = client.get(f"/motions/{motion.id}/results").get_data(as_text=True)
    assert '<svg data-raumrat-chart role="img"' in body and "<desc" in body
    assert "Yes: 1; No: 0; Abstain: 0" in body
    assert '<th scope="row">Yes</th><td>1</td>' in body


def test_proxy_form_and_my_votes(client, login, session, voters) -> None:
    motion = motions.create_motion(
        session, voters.facilitator, space_id=voters.space.id, values=motion_input()
    )
    grantor, holder = voters.of("beneficiary"), voters.of("beneficiary", 1)
    login(grantor)
    page = client.get(f"/motions/{motion.id}")
    assert "Name this proxy" in text(page) and voters.of("carrier").public_name not in text(page)
    granted = client.post(f"/motions/{motion.id}/proxy", data={"holder_id": holder.id}, follow_redirects=True)
    assert f"{holder.public_name} may vote for you" in text(granted)
    motions.open_motion(session, voters.facilitator, motion.id)
    login(holder)
    page = client.get(f"/motions/{motion.id}")
    assert f"Your vote for {grantor.public_name}, as their proxy" in text(page)
    client.post(f"/motions/{motion.id}/ballot", data={"voter_id": grantor.id, f"v{grantor.id}-choice": "yes"})
    login(grantor)
    mine = client.get("/my/votes")
    assert "Mehr Bänke im Park" in text(mine) and f"your proxy {holder.public_name}" in text(mine)


def test_space_and_agreement_pages_link_to_motions(client, session, voters) -> None:
    page = client.get(f"/spaces/{voters.space.id}")
    assert f"/spaces/{voters.space.id}/motions" in page.get_data(as_text=True)
    listing = client.get(f"/spaces/{voters.space.id}/motions")
    assert listing.status_code == 200 and "Open for voting" in text(listing)


def test_export_of_an_open_motion_is_refused_until_it_closes(client, session, voters) -> None:
    motion = open_motion(session, voters)
    assert client.get(f"/motions/{motion.id}/ballots.json").status_code in (401, 403)
    motions.close_motion(session, voters.facilitator, motion.id)
    export = client.get(f"/motions/{motion.id}/ballots.json")
    assert export.status_code == 200 and json.loads(export.data)["format"] == "raumrat-ballots/1"


def test_pages_send_as_many_queries_for_many_ballots_and_motions_as_for_few(
    client, login, session, make_user, space_by_code
) -> None:
    from tests.querycount import counted_queries

    voters = make_voters(session, make_user, space_by_code, beneficiary=12, carrier=12)
    reader = voters.members[0]  # votes in every round

    def measure(count: int) -> list[int]:
        motion = open_motion(session, voters, method="consent")
        secret = open_motion(session, voters, secret=True)
        for user in voters.members[:count]:
            ballots.cast_ballot(session, user, motion.id, choice="agree")
            ballots.cast_ballot(session, user, secret.id, choice="yes")
        motions.close_motion(session, voters.facilitator, motion.id)
        login(reader)
        numbers = []
        for url in (f"/motions/{motion.id}", f"/motions/{motion.id}/results", f"/motions/{motion.id}/ballots",
                    f"/motions/{secret.id}", "/my/votes", f"/spaces/{voters.space.id}/motions"):  # fmt: skip
            with counted_queries() as statements:
                assert client.get(url).status_code == 200
            numbers.append(len(statements))
        return numbers

    assert measure(2) == measure(24)


def test_edit_and_cancel_a_draft_and_the_agreement_page_links_to_its_motions(
    client, login, session, voters
) -> None:
    from agreements.services import drafts

    agreement = drafts.create_agreement(
        session, voters.facilitator, space_id=voters.space.id, title="Teilhabe"
    )
    motion = motions.create_motion(
        session, voters.facilitator, space_id=voters.space.id, values=motion_input(document_id=agreement.id)
    )
    login(voters.facilitator)
    form = client.get(f"/motions/{motion.id}/edit")
    assert form.status_code == 200 and 'value="Mehr Bänke im Park"' in form.get_data(as_text=True)
    saved = client.post(
        f"/motions/{motion.id}/edit",
        data={"title": "Weniger Lärm", "kind": "free_question", "method": "simple_majority",
              "document_id": str(agreement.id), "eligible_roles": ["member"]},
        follow_redirects=True,
    )  # fmt: skip
    assert "The motion has been saved." in text(saved) and "Weniger Lärm" in text(saved)
    cancelled = client.post(f"/motions/{motion.id}/cancel", follow_redirects=True)
    assert "The motion has been cancelled." in text(cancelled)
    page = client.get(f"/agreements/{agreement.id}")
    assert f"/spaces/{voters.space.id}/motions?document={agreement.id}" in page.get_data(as_text=True)
    listing = client.get(f"/spaces/{voters.space.id}/motions?document={agreement.id}")
    assert "Weniger Lärm" in text(listing) and "Cancelled" in text(listing)


def test_approval_voting_results_show_each_partys_approvals(client, session, voters) -> None:
    motion = open_motion(
        session, voters, kind="choose_alternative", method="approval_voting", options=["Bank", "Baum"]
    )
    ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice=["o1", "o2"])
    ballots.cast_ballot(session, voters.of("beneficiary"), motion.id, choice=["o2"])
    motions.close_motion(session, voters.facilitator, motion.id)
    body = text(client.get(f"/motions/{motion.id}/results"))
    assert "Approvals per alternative" in body and "Approvals by party Party Bank Baum" in body
    assert "Beneficiaries 0 1" in body and "Carriers 1 1" in body
