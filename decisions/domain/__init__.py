"""Pure domain core of decisions: the tally engine. No Flask, no SQLAlchemy.

``tally(method, parameters, electorate, ballots)`` counts the ballots of one motion by one of the
methods in :mod:`decisions.domain.methods` and returns a frozen, JSON-serialisable ``Result``.
"""

from decisions.domain.electorate import Ballot, Electorate
from decisions.domain.errors import InvalidBallots, InvalidElectorate, InvalidParameters, Problem, TallyError
from decisions.domain.methods import METHOD_DESCRIPTIONS, ConsentChoice, Method, Vote
from decisions.domain.parameters import Quorum, parse_parameters
from decisions.domain.results import Outcome, Result
from decisions.domain.tally import tally
from decisions.domain.thresholds import Base, Threshold

__all__ = [
    "METHOD_DESCRIPTIONS",
    "Ballot",
    "Base",
    "ConsentChoice",
    "Electorate",
    "InvalidBallots",
    "InvalidElectorate",
    "InvalidParameters",
    "Method",
    "Outcome",
    "Problem",
    "Quorum",
    "Result",
    "TallyError",
    "Threshold",
    "Vote",
    "parse_parameters",
    "tally",
]
