"""Ranked choice by the Schulze method (Markus Schulze, "A new monotonic, clone-independent, reversal
symmetric, and Condorcet-consistent single-winner election method", Social Choice and Welfare, 2011).

1. ``d[i][j]``: how many voters rank option i above option j (pairwise preferences). Options a voter
   leaves out rank below every option they ranked, and equal among themselves.
2. ``p[i][j]``: the strength of the strongest path from i to j, where a path's strength is its
   weakest link and a link i → j exists when ``d[i][j] > d[j][i]`` (strength ``d[i][j]``, "winning
   votes"); computed with the widest-path variant of Floyd–Warshall.
3. Option i is better than j when ``p[i][j] > p[j][i]``. The winners are the options no other option
   is better than; the ranking repeats this among the options left. Options in the same tier are tied
   and are listed in the order of the motion; the method does not break ties.

Identical rankings are counted once (``Counter``) and weighted, so 100,000 ballots cost little more
than their distinct rankings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, combinations, product
from typing import Any

from decisions.domain.alternatives import (
    OPTION_LISTED_TWICE,
    UNKNOWN_OPTION,
    Reading,
    lookup,
    outcome_of,
    read_choices,
)
from decisions.domain.counting import MALFORMED, Counted
from decisions.domain.electorate import Electorate
from decisions.domain.parameters import AlternativesParameters
from decisions.domain.results import JsonMixin, Outcome, fields_to_jsonable

Matrix = tuple[tuple[int, ...], ...]
Ranking = tuple[tuple[int, ...], ...]  # tiers of option indexes, best first; the rest is implicit
GROUP_TYPES = (list, tuple, set, frozenset)


@dataclass(frozen=True)
class SchulzeDetail(JsonMixin):
    options: tuple[str, ...]
    pairwise: Matrix  # d[i][j], rows and columns in the order of ``options``
    strongest_paths: Matrix  # p[i][j]
    winners: tuple[str, ...]
    ranking: tuple[tuple[str, ...], ...]  # tiers, best first; an option shares a tier only when tied

    @property
    def tie(self) -> bool:
        return len(self.winners) > 1

    def to_dict(self) -> dict[str, Any]:
        return {**fields_to_jsonable(self), "tie": self.tie}


def freeze_ranking(choice: Any) -> Hashable:
    """A ranking as a hashable key: a sequence whose items are options or groups of tied options."""
    if isinstance(choice, str) or not isinstance(choice, list | tuple):
        return MALFORMED
    if type(choice) is tuple:
        try:
            hash(choice)
        except TypeError:  # holds a list or a set: copied below
            pass
        else:
            return choice  # the common case: no copy; the reader checks the items
    items: list[Hashable] = []
    for item in choice:
        if isinstance(item, str):
            items.append(item)
        elif isinstance(item, GROUP_TYPES):
            items.append(tuple(item))
        else:
            items.append(MALFORMED)  # read as an unknown option
    return tuple(items)


def read_ranking(options: Sequence[str]) -> Any:
    """A reader turning a frozen ranking into its canonical tiers (see ``Ranking``)."""
    position = lookup(options)
    positions = {option: index for index, option in enumerate(options)}
    count = len(options)

    def read(choice: Hashable) -> Reading:
        # The common case first, in C: every item a known option, none twice, no ties.
        indexes = list(map(positions.get, choice))  # type: ignore[call-overload]
        if None not in indexes and len(set(indexes)) == len(indexes):
            singles = list(zip(indexes))  # one tier per option
            if len(indexes) == count and singles:
                singles.pop()
            return Reading(tuple(singles))
        seen: set[int] = set()
        tiers: list[tuple[int, ...]] = []
        for item in choice:  # type: ignore[attr-defined]
            group = item if isinstance(item, tuple | frozenset) else (item,)
            tier: list[int] = []
            for option in group:
                index = position(option)
                if index is None:
                    return Reading(problem=UNKNOWN_OPTION)
                if index in seen:
                    return Reading(problem=OPTION_LISTED_TWICE)
                seen.add(index)
                tier.append(index)
            if tier:
                tiers.append(tuple(sorted(tier)))
        if len(seen) == count and tiers:
            tiers.pop()  # the last tier is the same as the implicit "everything not ranked"
        return Reading(tuple(tiers))

    return read


def pairwise_preferences(rankings: Counter[Ranking], count: int) -> list[list[int]]:
    """``d[i][j]`` from canonical rankings and how many ballots hold each."""
    by_weight: defaultdict[int, list[Ranking]] = defaultdict(list)
    for ranking, weight in rankings.items():
        by_weight[weight].append(ranking)
    d = [[0] * count for _ in range(count)]
    everyone = frozenset(range(count))
    for weight, group in by_weight.items():
        # Counter over the chained pairs runs in C; one Python call per distinct ranking.
        pairs = Counter(chain.from_iterable(_preferred_pairs(ranking, everyone) for ranking in group))
        for (better, worse), number in pairs.items():
            d[better][worse] += number * weight
    return d


def _preferred_pairs(ranking: Ranking, everyone: frozenset[int]) -> Iterator[tuple[int, int]]:
    """Every (i, j) with i ranked above j, the unranked options forming the bottom tier."""
    ranked = [index for tier in ranking for index in tier]
    rest = tuple(sorted(everyone.difference(ranked)))
    if len(ranked) == len(ranking):  # no ties among the ranked options: the fast path
        return chain(combinations(ranked, 2), product(ranked, rest))
    below = list(rest)
    products = []
    for tier in reversed(ranking):
        products.append(product(tier, tuple(below)))
        below.extend(tier)
    return chain.from_iterable(products)


def strongest_paths(d: Sequence[Sequence[int]]) -> list[list[int]]:
    """``p[i][j]``: widest paths over the links ``d[i][j] > d[j][i]`` (Floyd–Warshall variant)."""
    count = len(d)
    p = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(count)] for i in range(count)]
    for i in range(count):
        for j in range(count):
            through = p[j][i]
            if j == i or through == 0:
                continue
            row_j, row_i = p[j], p[i]
            for k in range(count):
                if k != i and k != j:
                    via = through if through < row_i[k] else row_i[k]
                    if via > row_j[k]:
                        row_j[k] = via
    return p


def schulze_ranking(p: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """Tiers of option indexes: each tier holds the options no remaining option is better than."""
    remaining = list(range(len(p)))
    tiers: list[tuple[int, ...]] = []
    while remaining:
        # "Better" (p[i][j] > p[j][i]) is transitive (proved in the paper), so no tier is empty.
        tier = tuple(i for i in remaining if all(p[i][j] >= p[j][i] for j in remaining if j != i))
        tiers.append(tier)
        remaining = [i for i in remaining if i not in tier]
    return tuple(tiers)


def ranked_choice(
    parameters: AlternativesParameters, electorate: Electorate, counted: Counted
) -> tuple[Outcome, SchulzeDetail]:
    """The Schulze winners and ranking of ``parameters.options``; ``tied`` when several options win."""
    options = parameters.options
    canonical = read_choices(counted, read_ranking(options))
    rankings: Counter[Ranking] = Counter()
    for (_party, choice), number in counted.counts.items():
        rankings[canonical[choice]] += number
    d = pairwise_preferences(rankings, len(options))
    p = strongest_paths(d)
    tiers = schulze_ranking(p)
    named = tuple(tuple(options[index] for index in tier) for tier in tiers)
    detail = SchulzeDetail(options, _frozen(d), _frozen(p), named[0], named)
    return outcome_of(detail.winners), detail


def _frozen(matrix: list[list[int]]) -> Matrix:
    return tuple(tuple(row) for row in matrix)
