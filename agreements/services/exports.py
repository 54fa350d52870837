"""Exports of one published version: the data for PDF, Markdown and JSON, and the PDF itself.

Reading goes through the same visibility rule as the version page (``VIEW_PUBLISHED``): hidden
documents look missing or forbidden exactly as there. Versions never change, so a generated PDF
is kept in memory per (version id, language), together with a fingerprint of the data it shows: a
renamed author gives a fresh PDF instead of a stale one. (A new template means a new deployment,
which starts with an empty cache.)
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from agreements import labels
from agreements.domain.compliance import Requirements
from agreements.models import Document, DocumentVersion, VersionSection
from agreements.permissions import DocumentPermission
from agreements.services.access import load
from agreements.services.snapshots import BUDGET_FIELDS, INDICATOR_FIELDS
from core.errors import NotFound
from governance.labels import PARTY_LABELS, PARTY_MEMBER_LABELS
from governance.models import Space

# German file names whatever the interface language: the same version always downloads as the same file.
FILE_STEMS = {"agreement": "vereinbarung", "framework": "rahmen"}
PDF_CACHE_BYTES = 64 * 1024 * 1024

log = logging.getLogger("raumrat.exports")


@dataclass(frozen=True)
class VersionExport:
    """A published version with everything its exports show."""

    document: Document
    version: DocumentVersion
    space: Space | None
    framework_version: DocumentVersion | None

    @property
    def kind(self) -> str:
        return self.document.kind

    @property
    def sections(self) -> list[VersionSection]:
        return self.version.sections

    @property
    def author_name(self) -> str | None:
        return self.version.author.public_name if self.version.author else None

    @property
    def status(self) -> str:
        """The agreement's status when the version was published; frameworks have no workflow, and
        each of their versions is simply published (as the framework pages say)."""
        return "published" if self.kind == "framework" else self.version.status_at_publication

    @property
    def status_label(self) -> str:
        if self.kind == "framework":
            return _("Published")
        return str(labels.STATUS_LABELS.get(self.status, self.status))

    @property
    def requirements(self) -> Requirements | None:
        """What a framework version requires of adopting agreements (None for agreements)."""
        if self.kind != "framework":
            return None
        return Requirements.from_dict(self.version.requirements)

    def filename(self, extension: str) -> str:
        return f"{FILE_STEMS[self.kind]}-{self.document.id}-fassung-{self.version.number}.{extension}"


def version_export(session: Session, user: Any, document_id: int, number: int, *, kind: str) -> VersionExport:
    """Version ``number`` of the document, if the user may read its published versions."""
    document, _actor, _context = load(
        session, user, document_id, DocumentPermission.VIEW_PUBLISHED, kind=kind
    )
    version = session.scalar(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document.id, DocumentVersion.number == number)
        .options(selectinload(DocumentVersion.sections), joinedload(DocumentVersion.author))
    )
    if version is None:
        raise NotFound("version not found")
    framework_version = None
    if version.framework_version_id is not None:
        framework_version = session.get(DocumentVersion, version.framework_version_id)
    space = session.get(Space, document.space_id) if document.space_id is not None else None
    return VersionExport(document, version, space, framework_version)


# --- JSON ----------------------------------------------------------------------------------------------


def indicators_of(section: VersionSection) -> list[dict[str, str]]:
    return [{name: str(row.get(name) or "") for name in INDICATOR_FIELDS} for row in section.indicators or []]


def budget_lines_of(section: VersionSection) -> list[dict[str, Any]]:
    return [
        {
            "label": str(row.get("label") or ""),
            "amount_euros": int(row.get("amount_euros") or 0),
            "funded_by": str(row.get("funded_by") or ""),
        }
        for row in section.budget_lines or []
    ]


def published_at_iso(version: DocumentVersion) -> str:
    # Stored as naive UTC (core.timeutil); say so explicitly for other programs.
    return version.created_at.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


def fingerprint(export: VersionExport) -> str:
    """A digest of everything the exports show. The text of a version never changes, but its author
    may rename themselves or delete their account, and a test database reuses ids."""
    data = json.dumps(as_json(export), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def as_json(export: VersionExport) -> dict[str, Any]:
    """Every field of the version as plain JSON values (codes, not translated labels)."""
    version = export.version
    framework = export.framework_version
    return {
        "kind": export.kind,
        "document_id": export.document.id,
        "number": version.number,
        "title": version.title,
        "preamble": version.preamble,
        "change_summary": version.change_summary,
        "status_at_publication": version.status_at_publication,
        "published_at": published_at_iso(version),
        "author": export.author_name,
        "space": (
            {"id": export.space.id, "name": export.space.name, "code": export.space.code}
            if export.space is not None
            else None
        ),
        "framework_version": (
            {
                "document_id": framework.document_id,
                "title": framework.title,
                "number": framework.number,
            }
            if framework is not None
            else None
        ),
        "parties": [
            {
                "organisation_id": party.get("organisation_id"),
                "name": party.get("name", ""),
                "party": party.get("party", ""),
            }
            for party in version.parties_snapshot or []
        ],
        "requirements": export.requirements.to_dict() if export.requirements is not None else None,
        "sections": [
            {
                "key": section.key,
                "position": section.position,
                "kind": section.kind,
                "title": section.title,
                "body": section.body or "",
                "plain_language": section.plain_language or "",
                "indicators": indicators_of(section),
                "budget_lines": budget_lines_of(section),
                "review_date": section.review_date.isoformat() if section.review_date else None,
            }
            for section in export.sections
        ],
    }


# --- Markdown ------------------------------------------------------------------------------------------


def _yaml_string(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, with every special character escaped.
    return json.dumps(value, ensure_ascii=False)


def _cell(value: Any) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def _table(headers: list[str], rows: list[list[Any]], align: list[str] | None = None) -> list[str]:
    align = align or ["---"] * len(headers)
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def _header(export: VersionExport) -> list[str]:
    version = export.version
    lines = [
        "---",
        f"title: {_yaml_string(version.title)}",
        f"kind: {export.kind}",
        f"document: {export.document.id}",
        f"version: {version.number}",
        f"status: {export.status}",
        f"date: {version.created_at.date().isoformat()}",
    ]
    if export.space is not None:
        lines.append(f"space: {_yaml_string(export.space.name)}")
    if export.author_name:
        lines.append(f"author: {_yaml_string(export.author_name)}")
    if export.framework_version is not None:
        framework = export.framework_version
        lines.append(f"framework: {_yaml_string(framework.title)}")
        lines.append(f"framework_version: {framework.number}")
    parties = version.parties_snapshot or []
    if parties:
        lines.append("parties:")
        for party in parties:
            lines.append(f"  - organisation: {_yaml_string(str(party.get('name', '')))}")
            lines.append(f"    party: {party.get('party', '')}")
    else:
        lines.append("parties: []")
    lines.append("---")
    return lines


def requirement_lines(requirements: Requirements) -> list[str]:
    """The requirements of a framework version in plain words, one line each."""
    lines = []
    if requirements.required_section_kinds:
        kinds = ", ".join(
            str(labels.SECTION_KIND_LABELS[kind.value])
            for kind in sorted(requirements.required_section_kinds, key=lambda k: k.value)
        )
        lines.append(_("Sections an agreement must contain: %(kinds)s", kinds=kinds))
    if requirements.indicators_need_target:
        lines.append(_("Every quality standard has at least one indicator with a target."))
    if requirements.required_parties:
        parties = ", ".join(str(PARTY_LABELS.get(p, p)) for p in sorted(requirements.required_parties))
        lines.append(_("Parties that must be among the signatories: %(parties)s", parties=parties))
    if requirements.max_review_interval_months is not None:
        lines.append(
            _(
                "The agreement is reviewed at the latest after %(months)s months.",
                months=requirements.max_review_interval_months,
            )
        )
    return lines


_markdown_parser = MarkdownIt("commonmark", {"html": False})


def demote_markdown_headings(text: str) -> str:
    """A section's own headings one level below the section's "##" heading (at least "###").

    Only headings at the top level of the text are moved (not those inside quotes or lists); setext
    headings (underlined with = or -) become ATX headings, since an underline cannot say "level 3".
    """
    lines = text.strip().splitlines()
    for token in reversed(_markdown_parser.parse(text.strip())):
        if token.type != "heading_open" or token.level != 0 or token.map is None:
            continue
        start, end = token.map
        level = max(3, min(int(token.tag[1]) + 1, 6))
        if token.markup.startswith("#"):
            lines[start] = "#" * (level - len(token.markup)) + lines[start].lstrip()
        else:
            title = " ".join(line.strip() for line in lines[start : end - 1])
            lines[start:end] = ["#" * level + " " + title]
    return "\n".join(lines)


def _party(code: str) -> str:
    """Translated party name for a party code; anything else (free text) as written."""
    return str(PARTY_LABELS[code]) if code in PARTY_LABELS else code


def _party_member(code: str) -> str:
    return str(PARTY_MEMBER_LABELS[code]) if code in PARTY_MEMBER_LABELS else code


def _section_markdown(position: int, section: VersionSection) -> list[str]:
    lines = [
        f"## {position}. {section.title}",
        "",
        f"*{labels.SECTION_KIND_LABELS.get(section.kind, section.kind)}*",
    ]
    if section.body:
        lines += ["", demote_markdown_headings(section.body)]
    if section.plain_language:
        lines += ["", f"### {_('In plain language')}", "", demote_markdown_headings(section.plain_language)]
    indicators = indicators_of(section)
    if indicators:
        headers = [str(labels.INDICATOR_FIELD_LABELS[name]) for name in INDICATOR_FIELDS]
        lines += ["", f"### {_('Indicators')}", ""]
        rows = [
            [row[name] for name in INDICATOR_FIELDS[:-1]] + [_party(row["responsible_party"])]
            for row in indicators
        ]
        lines += _table(headers, rows)
    budget = budget_lines_of(section)
    if budget:
        headers = [str(labels.BUDGET_FIELD_LABELS[name]) for name in BUDGET_FIELDS]
        rows = [[row["label"], format_decimal(row["amount_euros"]), row["funded_by"]] for row in budget]
        rows.append([_("Total"), format_decimal(sum(row["amount_euros"] for row in budget)), ""])
        lines += ["", f"### {_('Budget')}", ""]
        lines += _table(headers, rows, ["---", "--:", "---"])
    if section.review_date:
        lines += ["", _("Review date: %(date)s", date=format_date(section.review_date, format="long"))]
    return lines


def as_markdown(export: VersionExport) -> str:
    """The version as a Markdown file: a YAML header block, then the text in the reader's language."""
    version = export.version
    lines = _header(export)
    lines += [
        "",
        f"# {version.title}",
        "",
        _(
            "Version %(number)s · status at publication: %(status)s · published on %(date)s",
            number=version.number,
            status=export.status_label,
            date=format_date(version.created_at, format="long"),
        ),
    ]
    if export.author_name:
        lines += ["", _("Published by %(name)s", name=export.author_name)]
    if export.framework_version is not None:
        lines += [
            "",
            _(
                "Follows the framework “%(title)s”, version %(number)s.",
                title=export.framework_version.title,
                number=export.framework_version.number,
            ),
        ]
    parties = version.parties_snapshot or []
    if parties:
        lines += ["", f"## {_('Parties')}", ""]
        lines += [
            f"- {party.get('name', '')} ({_party_member(str(party.get('party', '')))})" for party in parties
        ]
    if version.change_summary:
        lines += ["", f"## {_('What changed in this version')}", "", version.change_summary.strip()]
    if export.requirements is not None:
        requirement_list = requirement_lines(export.requirements)
        if requirement_list:
            lines += ["", f"## {_('Requirements for agreements')}", ""]
            lines += [f"- {line}" for line in requirement_list]
    if version.preamble:
        lines += ["", f"## {_('Preamble')}", "", demote_markdown_headings(version.preamble)]
    for position, section in enumerate(export.sections, start=1):
        lines += ["", *_section_markdown(position, section)]
    return "\n".join(lines) + "\n"


# --- PDF -----------------------------------------------------------------------------------------------

_HEADING = re.compile(r"<(/?)h([2-6])>")


def demote_headings(html: Markup) -> Markup:
    """Headings inside a section's text sit below the section's own h2 (h2 -> h3, ..., h6 stays)."""
    return Markup(_HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}>", str(html)))


def _no_fetching() -> Any:
    """A URL fetcher that refuses everything: the HTML carries its styles inline and shows no images,
    so a link or image a text names is never fetched (no requests to other hosts on our behalf)."""
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            log.warning("PDF export refused to fetch %s", url)
            raise ValueError("exports fetch no resources")

    return NoFetching(allowed_protocols=())


def render_pdf(html: str) -> bytes:
    """A tagged PDF/UA-1 file from the export's HTML (needs a <title> and a lang attribute)."""
    import weasyprint  # imported here: loading it takes over a second and most requests never need it

    document = weasyprint.HTML(string=html, url_fetcher=_no_fetching())
    return document.write_pdf(pdf_variant="pdf/ua-1")


class PdfCache:
    """Generated PDFs per (version id, language), least recently used dropped first beyond a byte budget."""

    def __init__(self, max_bytes: int = PDF_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[int, str], tuple[str, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        # One PDF at a time per process: generation is CPU-heavy, and a second request for the same
        # version finds it cached once the first has finished.
        self._generating = threading.Lock()
        self.generated = 0

    def _get(self, key: tuple[int, str], digest: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != digest:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def _put(self, key: tuple[int, str], digest: str, pdf: bytes) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old[1])
            self._entries[key] = (digest, pdf)
            self._size += len(pdf)
            while self._size > self.max_bytes and len(self._entries) > 1:
                _key, (_digest, dropped) = self._entries.popitem(last=False)
                self._size -= len(dropped)

    def pdf_for(self, version_id: int, locale: str, fingerprint: str, make_html: Callable[[], str]) -> bytes:
        """The PDF of a version in a language; ``make_html`` is only called when it must be made."""
        key = (version_id, locale)
        cached = self._get(key, fingerprint)
        if cached is not None:
            return cached
        with self._generating:
            cached = self._get(key, fingerprint)
            if cached is not None:
                return cached
            pdf = render_pdf(make_html())
            self.generated += 1
            self._put(key, fingerprint, pdf)
            return pdf

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


pdf_cache = PdfCache()
