"""Does an agreement meet the requirements of the framework version it adopted?"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from agreements.domain.sections import Section, SectionKind


@dataclass(frozen=True)
class Requirements:
    """Structured requirements a framework version states for the agreements that adopt it."""

    required_section_kinds: frozenset[SectionKind] = frozenset()
    indicators_need_target: bool = False
    required_parties: frozenset[str] = frozenset()
    max_review_interval_months: int | None = None

    def to_dict(self) -> dict:
        return {
            "required_section_kinds": sorted(kind.value for kind in self.required_section_kinds),
            "indicators_need_target": self.indicators_need_target,
            "required_parties": sorted(self.required_parties),
            "max_review_interval_months": self.max_review_interval_months,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Requirements:
        data = data or {}
        return cls(
            required_section_kinds=frozenset(SectionKind(k) for k in data.get("required_section_kinds", [])),
            indicators_need_target=bool(data.get("indicators_need_target", False)),
            required_parties=frozenset(data.get("required_parties", [])),
            max_review_interval_months=data.get("max_review_interval_months"),
        )


@dataclass(frozen=True)
class Finding:
    """One line of the checklist: a requirement, whether it is met, and what is missing."""

    code: str
    met: bool
    missing: tuple[str, ...] = field(default_factory=tuple)


def _months_between(start: date, end: date) -> float:
    return (end.year - start.year) * 12 + (end.month - start.month) + (end.day - start.day) / 31


def check(
    requirements: Requirements,
    sections: list[Section],
    signatory_parties: set[str],
    *,
    in_force_from: date | None,
) -> list[Finding]:
    findings: list[Finding] = []
    present = {section.kind for section in sections}
    for kind in sorted(requirements.required_section_kinds, key=lambda k: k.value):
        findings.append(Finding(f"section_kind:{kind.value}", kind in present))
    if requirements.indicators_need_target:
        standards = [s for s in sections if s.kind == SectionKind.QUALITY_STANDARD]
        lacking = tuple(
            s.title for s in standards if not any(indicator.target.strip() for indicator in s.indicators)
        )
        findings.append(Finding("indicators_with_target", not lacking, lacking))
    if requirements.required_parties:
        missing = tuple(sorted(requirements.required_parties - signatory_parties))
        findings.append(Finding("parties_represented", not missing, missing))
    if requirements.max_review_interval_months is not None:
        review_dates = [s.review_date for s in sections if s.kind == SectionKind.REVIEW and s.review_date]
        start = in_force_from
        met = bool(review_dates) and (
            start is None
            or _months_between(start, min(review_dates)) <= requirements.max_review_interval_months
        )
        findings.append(Finding("review_interval", met))
    return findings


def is_compliant(findings: list[Finding]) -> bool:
    return all(finding.met for finding in findings)
