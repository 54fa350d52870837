"""Conversion between stored sections (draft or frozen) and the domain's Section values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agreements.domain.sections import BudgetLine, Indicator, Section, SectionKind
from agreements.models import DraftSection, VersionSection

INDICATOR_FIELDS = ("name", "unit", "baseline", "target", "data_source", "responsible_party")
BUDGET_FIELDS = ("label", "amount_euros", "funded_by")


def to_section(row: DraftSection | VersionSection) -> Section:
    return Section(
        key=row.key,
        kind=SectionKind(row.kind),
        title=row.title,
        body=row.body or "",
        plain_language=row.plain_language or "",
        indicators=tuple(
            Indicator(**{k: str(i.get(k, "")) for k in INDICATOR_FIELDS}) for i in row.indicators or []
        ),
        budget_lines=tuple(
            BudgetLine(
                label=str(b.get("label", "")),
                amount_euros=int(b.get("amount_euros") or 0),
                funded_by=str(b.get("funded_by", "")),
            )
            for b in row.budget_lines or []
        ),
        review_date=row.review_date,
    )


@dataclass
class SectionContent:
    """What an editor submits for one section (all plain values)."""

    kind: str
    title: str
    body: str = ""
    plain_language: str = ""
    indicators: list[dict[str, Any]] = field(default_factory=list)
    budget_lines: list[dict[str, Any]] = field(default_factory=list)
    review_date: date | None = None

    @classmethod
    def of(cls, row: DraftSection | VersionSection) -> SectionContent:
        return cls(
            kind=row.kind,
            title=row.title,
            body=row.body or "",
            plain_language=row.plain_language or "",
            indicators=[dict(i) for i in row.indicators or []],
            budget_lines=[dict(b) for b in row.budget_lines or []],
            review_date=row.review_date,
        )

    def apply_to(self, row: DraftSection | VersionSection) -> None:
        row.kind = self.kind
        row.title = self.title
        row.body = self.body
        row.plain_language = self.plain_language
        row.indicators = [dict(i) for i in self.indicators]
        row.budget_lines = [dict(b) for b in self.budget_lines]
        row.review_date = self.review_date
