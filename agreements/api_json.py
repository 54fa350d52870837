"""JSON representations of agreements, frameworks, versions, drafts and diffs for /api/v1.

Each function returns exactly the members its schema in agreements/openapi_paths.py lists.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import url_for

from agreements.domain.compliance import Finding, Requirements
from agreements.domain.merge import Conflict as MergeConflict
from agreements.domain.merge import MergeResult
from agreements.domain.section_diff import SectionChange, VersionDiff
from agreements.domain.sections import Section
from agreements.domain.text_diff import Hunk
from agreements.models import Document, DocumentParty, DocumentVersion, DraftSection, StatusChange
from agreements.services.catalogue import DocumentDetail, ListedDocument
from agreements.services.snapshots import INDICATOR_FIELDS, SectionContent, to_section
from governance.api import space_ref
from governance.models import User

API = "agreements_api"


def timestamp(value: datetime) -> str:
    """Stored times are naive UTC; callers get RFC 3339 with the offset."""
    return value.replace(tzinfo=UTC).isoformat(timespec="seconds")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _name(user: User | None) -> str | None:
    return user.public_name if user is not None else None


def document_api_url(document: Document) -> str:
    return url_for(f"{API}.{document.kind}", **{f"{document.kind}_id": document.id})


def versions_api_url(document: Document) -> str:
    return url_for(f"{API}.{document.kind}_versions", **{f"{document.kind}_id": document.id})


def version_api_url(document: Document, number: int) -> str:
    return url_for(f"{API}.{document.kind}_version", **{f"{document.kind}_id": document.id, "number": number})


def section_api_url(document: Document, key: str) -> str:
    return url_for(f"{API}.{document.kind}_draft_section", **{f"{document.kind}_id": document.id, "key": key})


def _page_url(document: Document) -> str:
    return url_for("documents.show", collection=f"{document.kind}s", document_id=document.id)


def _version_page_url(document: Document, number: int) -> str:
    return url_for(
        "documents.version", collection=f"{document.kind}s", document_id=document.id, number=number
    )


# --- sections ----------------------------------------------------------------------------------------


def section(value: Section) -> dict[str, Any]:
    return {
        "key": value.key,
        "kind": value.kind.value,
        "title": value.title,
        "body": value.body,
        "plain_language": value.plain_language,
        "indicators": [
            {
                "name": indicator.name,
                "unit": indicator.unit,
                "baseline": indicator.baseline,
                "target": indicator.target,
                "data_source": indicator.data_source,
                "responsible_party": indicator.responsible_party,
            }
            for indicator in value.indicators
        ],
        "budget_lines": [
            {"label": line.label, "amount_euros": line.amount_euros, "funded_by": line.funded_by}
            for line in value.budget_lines
        ],
        "review_date": _day(value.review_date),
    }


def draft_section(document: Document, row: DraftSection) -> dict[str, Any]:
    return {
        **section(to_section(row)),
        "revision": row.revision,
        "updated_at": timestamp(row.updated_at),
        "api_url": section_api_url(document, row.key),
    }


def draft(document: Document, sections: list[DraftSection]) -> dict[str, Any]:
    return {
        "revision": document.draft_revision,
        "title": document.title,
        "preamble": document.preamble or "",
        "requirements": (
            Requirements.from_dict(document.draft_requirements).to_dict()
            if document.kind == "framework"
            else None
        ),
        "sections": [draft_section(document, row) for row in sections],
    }


# --- documents ---------------------------------------------------------------------------------------


def _framework_version_ref(version: DocumentVersion) -> dict[str, Any]:
    framework = version.document
    return {
        "framework_id": framework.id,
        "title": framework.title,
        "number": version.number,
        "api_url": version_api_url(framework, version.number),
    }


def listed(entry: ListedDocument) -> dict[str, Any]:
    document = entry.document
    item: dict[str, Any] = {
        "id": document.id,
        "title": document.title,
        "latest_version": entry.latest_number,
        "url": _page_url(document),
        "api_url": document_api_url(document),
    }
    if document.kind == "agreement":
        assert document.space is not None
        item["status"] = document.status
        item["space"] = space_ref(document.space)
    return item


def _party(party: DocumentParty) -> dict[str, Any]:
    return {
        "organisation": {"id": party.organisation.id, "name": party.organisation.name},
        "party": party.party,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {"code": finding.code, "met": finding.met, "missing": list(finding.missing)}


def _step(change: StatusChange) -> dict[str, Any]:
    return {
        "transition": change.transition,
        "from_status": change.from_status,
        "to_status": change.to_status,
        "note": change.note or "",
        "actor": _name(change.actor),
        "at": timestamp(change.created_at),
    }


def _common(detail: DocumentDetail) -> dict[str, Any]:
    document = detail.document
    return {
        "id": document.id,
        "title": document.title,
        "latest_version": detail.latest.number if detail.latest else None,
        "actions": {name: allowed for name, allowed in detail.actions.items() if name != "create"},
        "draft": None if detail.draft_sections is None else draft(document, detail.draft_sections),
        "url": _page_url(document),
        "api_url": document_api_url(document),
        "versions_url": versions_api_url(document),
    }


def _newer(detail: DocumentDetail) -> int | None:
    """The number of a newer version of the adopted framework, which the agreement may move to."""
    current = detail.framework_version
    newest = detail.newest_framework_number
    return newest if current is not None and newest is not None and newest > current.number else None


def agreement(detail: DocumentDetail) -> dict[str, Any]:
    document = detail.document
    assert document.space is not None
    consultation = None
    if document.consultation_starts_on or document.consultation_ends_on:
        consultation = {
            "starts_on": _day(document.consultation_starts_on),
            "ends_on": _day(document.consultation_ends_on),
            "audience": document.consultation_audience,
        }
    return {
        **_common(detail),
        "status": document.status,
        "space": space_ref(document.space),
        "framework_version": (
            _framework_version_ref(detail.framework_version) if detail.framework_version else None
        ),
        "newer_framework_version": _newer(detail),
        "parties": [_party(party) for party in detail.parties],
        "consultation": consultation,
        "in_force_from": _day(document.in_force_from),
        "compliance": None if detail.compliance is None else [_finding(f) for f in detail.compliance],
        "available_transitions": [transition.value for transition in detail.transitions],
        "timeline": [_step(change) for change in detail.timeline],
    }


def framework(detail: DocumentDetail) -> dict[str, Any]:
    latest = detail.latest
    return {
        **_common(detail),
        "requirements": Requirements.from_dict(latest.requirements).to_dict() if latest else None,
    }


# --- versions ----------------------------------------------------------------------------------------


def version_summary(document: Document, version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "title": version.title,
        "change_summary": version.change_summary,
        "status_at_publication": version.status_at_publication,
        "author": _name(version.author),
        "created_at": timestamp(version.created_at),
        "url": _version_page_url(document, version.number),
        "api_url": version_api_url(document, version.number),
    }


def version(
    document: Document, frozen: DocumentVersion, framework_version: DocumentVersion | None
) -> dict[str, Any]:
    is_framework = document.kind == "framework"
    return {
        **version_summary(document, frozen),
        "document_id": document.id,
        "preamble": frozen.preamble or "",
        "framework_version": _framework_version_ref(framework_version) if framework_version else None,
        "requirements": Requirements.from_dict(frozen.requirements).to_dict() if is_framework else None,
        "parties": [
            {
                "organisation_id": party.get("organisation_id"),
                "name": str(party.get("name", "")),
                "party": str(party.get("party", "")),
            }
            for party in frozen.parties_snapshot or []
        ],
        "sections": [section(to_section(row)) for row in frozen.sections],
    }


# --- differences and merges --------------------------------------------------------------------------


def _hunks(hunks: tuple[Hunk, ...]) -> list[dict[str, str]]:
    return [{"tag": hunk.tag, "old": hunk.old, "new": hunk.new} for hunk in hunks]


def _heading(value: Section | None) -> dict[str, Any] | None:
    return None if value is None else {"kind": value.kind.value, "title": value.title}


def _section_change(change: SectionChange) -> dict[str, Any]:
    return {
        "key": change.key,
        "change": change.change,
        "moved": change.moved,
        "old": _heading(change.old),
        "new": _heading(change.new),
        "title_hunks": _hunks(change.title_hunks),
        "body_hunks": _hunks(change.body_hunks),
        "plain_language_hunks": _hunks(change.plain_language_hunks),
    }


def diff(document: Document, old_number: int, new_number: int, value: VersionDiff) -> dict[str, Any]:
    return {
        "from": old_number,
        "to": new_number,
        "from_url": version_api_url(document, old_number),
        "to_url": version_api_url(document, new_number),
        "counts": {
            "added": value.count("added"),
            "removed": value.count("removed"),
            "changed": value.count("changed"),
            "unchanged": value.count("unchanged"),
            "moved": value.moved,
        },
        "sections": [_section_change(change) for change in value.sections],
    }


def _merge_part(part: str | MergeConflict) -> str | dict[str, str]:
    if isinstance(part, str):
        return part
    return {"base": part.base, "mine": part.mine, "theirs": part.theirs}


def content(value: SectionContent) -> dict[str, Any]:
    """A section's content in the shape the API accepts it (to resubmit after a conflict)."""
    return {
        "kind": value.kind,
        "title": value.title,
        "body": value.body,
        "plain_language": value.plain_language,
        "indicators": [
            {name: str(row.get(name, "")) for name in INDICATOR_FIELDS} for row in value.indicators
        ],
        "budget_lines": [
            {
                "label": str(row.get("label", "")),
                "amount_euros": int(row.get("amount_euros") or 0),
                "funded_by": str(row.get("funded_by", "")),
            }
            for row in value.budget_lines
        ],
        "review_date": _day(value.review_date),
    }


def merge(result: MergeResult) -> dict[str, Any]:
    return {
        "clean": result.is_clean,
        "text": result.text() if result.is_clean else None,
        "conflicts": [_merge_part(conflict) for conflict in result.conflicts],
        "parts": [_merge_part(part) for part in result.parts],
    }
