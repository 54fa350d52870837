"""Consent and approval by every party: worked examples, without an app."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from decisions.domain import Ballot, InvalidBallots, Method, Outcome, Threshold, tally
from decisions.domain.parameters import EveryPartyParameters
from decisions.domain.thresholds import Base
from governance.parties import Party
from tests.domain.tally_helpers import electorate, votes

CONSENT = Method.CONSENT
EVERY_PARTY = Method.EVERY_PARTY


# --- consent --------------------------------------------------------------------------------------


def test_consent_without_objections_is_accepted() -> None:
    ballots = votes(Party.PROVIDER, agree=3, stand_aside=1)
    result = tally(CONSENT, None, electorate(provider=5), ballots)
    assert result.outcome == Outcome.ACCEPTED
    assert (result.detail.counts.agree, result.detail.counts.stand_aside, result.detail.counts.object) == (
        3,
        1,
        0,
    )
    assert result.detail.objections == ()


def test_one_objection_blocks_and_the_result_lists_every_objection_with_its_reason() -> None:
    voters = electorate(beneficiary=2, provider=10, proxies={"beneficiary-0": "beneficiary-1"})
    ballots = [
        *votes(Party.PROVIDER, agree=9),
        Ballot("provider-9", "object", reason="  The budget for 2026 is missing.  "),
        Ballot("beneficiary-0", "object", cast_by="beneficiary-1", reason="No plain-language version."),
        Ballot("beneficiary-1", "stand_aside"),
    ]
    result = tally(CONSENT, None, voters, ballots)
    assert result.outcome == Outcome.BLOCKED
    assert [(o.party, o.reason, o.by_proxy) for o in result.detail.objections] == [
        (Party.BENEFICIARY, "No plain-language version.", True),
        (Party.PROVIDER, "The budget for 2026 is missing.", False),
    ]
    published = json.dumps(result.to_dict())
    assert "No plain-language version." in published
    assert "provider-9" not in published and "beneficiary-0" not in published  # reasons, never people


def test_consent_where_everyone_stands_aside_is_rejected() -> None:
    result = tally(CONSENT, None, electorate(provider=2), votes(Party.PROVIDER, stand_aside=2))
    assert result.outcome == Outcome.REJECTED


@pytest.mark.parametrize("reason", [None, "", "   ", 42])
def test_an_objection_needs_a_reason(reason: object) -> None:
    ballot = ("provider-0", "object") if reason is None else ("provider-0", "object", None, reason)
    with pytest.raises(InvalidBallots) as refused:
        tally(CONSENT, None, electorate(provider=1), [ballot])
    assert [(p.code, p.voter) for p in refused.value.problems] == [("objection_without_reason", "provider-0")]


def test_consent_refuses_yes_and_no() -> None:
    with pytest.raises(InvalidBallots) as refused:
        tally(CONSENT, None, electorate(provider=2), [("provider-0", "agree"), ("provider-1", "yes")])
    assert [(p.code, p.index) for p in refused.value.problems] == [("unknown_choice", 1)]


# --- approval by every party ----------------------------------------------------------------------


def test_every_listed_party_approving_accepts_the_motion() -> None:
    voters = electorate(beneficiary=5, carrier=3, provider=4)
    parameters = {"parties": {"beneficiary": None, "carrier": {"fraction": "2/3"}, "provider": None}}
    ballots = (
        votes(Party.BENEFICIARY, yes=3, no=2)
        + votes(Party.CARRIER, yes=2, no=1)
        + votes(Party.PROVIDER, yes=1, abstain=3)
    )
    result = tally(EVERY_PARTY, parameters, voters, ballots)
    assert result.outcome == Outcome.ACCEPTED
    assert result.detail.withheld == ()
    assert [
        (a.party, a.electorate, a.counts.yes, a.counts.no, a.approved) for a in result.detail.parties
    ] == [
        (Party.BENEFICIARY, 5, 3, 2, True),
        (Party.CARRIER, 3, 2, 1, True),
        (Party.PROVIDER, 4, 1, 0, True),
    ]


def test_one_party_withholding_approval_rejects_however_large_the_overall_majority() -> None:
    voters = electorate(beneficiary=100, carrier=2)
    parameters = {"parties": ["beneficiary", "carrier"]}
    ballots = votes(Party.BENEFICIARY, yes=100) + votes(Party.CARRIER, yes=1, no=1)
    result = tally(EVERY_PARTY, parameters, voters, ballots)
    assert result.outcome == Outcome.REJECTED
    assert result.detail.withheld == (Party.CARRIER,)
    assert (result.detail.counts.yes, result.detail.counts.no) == (101, 1)  # shown, not deciding
    assert result.to_dict()["detail"]["withheld"] == ["carrier"]


def test_each_party_has_its_own_threshold() -> None:
    voters = electorate(beneficiary=3, carrier=3)
    parameters = EveryPartyParameters(
        {
            Party.CARRIER: Threshold(Fraction(2, 3)),
            Party.BENEFICIARY: Threshold(Fraction(1, 2), Base.ELECTORATE),
        }
    )
    # Beneficiaries: 1 yes of 3 voters is less than half of the party's electorate.
    ballots = votes(Party.BENEFICIARY, yes=1, abstain=2) + votes(Party.CARRIER, yes=2, no=1)
    result = tally(EVERY_PARTY, parameters, voters, ballots)
    assert result.outcome == Outcome.REJECTED
    assert result.detail.withheld == (Party.BENEFICIARY,)
    assert [a.party for a in result.detail.parties] == [Party.BENEFICIARY, Party.CARRIER]  # usual order


def test_parties_not_listed_do_not_decide() -> None:
    voters = electorate(beneficiary=1, carrier=1, provider=20)
    ballots = votes(Party.BENEFICIARY, yes=1) + votes(Party.CARRIER, yes=1) + votes(Party.PROVIDER, no=20)
    result = tally(EVERY_PARTY, {"parties": ["beneficiary", "carrier"]}, voters, ballots)
    assert result.outcome == Outcome.ACCEPTED


def test_a_listed_party_without_voters_withholds_approval() -> None:
    voters = electorate(beneficiary=2)
    ballots = votes(Party.BENEFICIARY, yes=2)
    result = tally(EVERY_PARTY, {"parties": ["beneficiary", "administration"]}, voters, ballots)
    assert result.outcome == Outcome.REJECTED
    assert result.detail.withheld == (Party.ADMINISTRATION,)


def test_a_party_missing_its_own_quorum_leaves_the_motion_undecided() -> None:
    voters = electorate(beneficiary=10, carrier=2)
    parameters = {"parties": ["beneficiary", "carrier"], "quorum": {"per_party": {"beneficiary": "1/2"}}}
    ballots = votes(Party.BENEFICIARY, yes=4) + votes(Party.CARRIER, yes=2)
    result = tally(EVERY_PARTY, parameters, voters, ballots)
    assert result.outcome == Outcome.NOT_DECIDED_QUORUM_MISSED
    assert [(c.scope, c.needed, c.cast) for c in result.failed_quorums] == [("beneficiary", 5, 4)]
    assert result.detail.withheld == ()  # both approved; the quorum is what failed
