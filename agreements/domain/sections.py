"""The parts an agreement or framework consists of: typed sections (see GLOSSARY.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class SectionKind(StrEnum):
    GOAL = "goal"
    QUALITY_STANDARD = "quality_standard"
    RULE = "rule"
    FINANCING = "financing"
    REVIEW = "review"
    TEXT = "text"


@dataclass(frozen=True)
class Indicator:
    """A measurable indicator of a quality standard (Kennzahl)."""

    name: str
    unit: str = ""
    baseline: str = ""
    target: str = ""
    data_source: str = ""
    responsible_party: str = ""


@dataclass(frozen=True)
class BudgetLine:
    """One line of a financing section, e.g. a provider budget (Trägerbudget)."""

    label: str
    amount_euros: int = 0
    funded_by: str = ""


@dataclass(frozen=True)
class Section:
    """One section as frozen in a version. ``key`` stays the same across versions of the text."""

    key: str
    kind: SectionKind
    title: str
    body: str
    plain_language: str = ""
    indicators: tuple[Indicator, ...] = field(default_factory=tuple)
    budget_lines: tuple[BudgetLine, ...] = field(default_factory=tuple)
    review_date: date | None = None

    def comparable_text(self) -> str:
        """Everything a reader should see change, as one text for word-level diffs."""
        parts = [self.body]
        for indicator in self.indicators:
            parts.append(
                " | ".join(
                    [
                        indicator.name,
                        indicator.unit,
                        indicator.baseline,
                        indicator.target,
                        indicator.data_source,
                        indicator.responsible_party,
                    ]
                )
            )
        for line in self.budget_lines:
            parts.append(f"{line.label} | {line.amount_euros} € | {line.funded_by}")
        if self.review_date:
            parts.append(self.review_date.isoformat())
        return "\n\n".join(parts)
