"""The consultation report for facilitators and administrators: every comment and statement on an
agreement, grouped by section and by party, as data for a page, a CSV file and a PDF."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from agreements.models import Document, DocumentVersion, VersionSection
from amendments.models import Amendment
from governance.labels import PARTY_LABELS
from participation.models import Comment, Statement
from participation.permissions import ParticipationPermission as P
from participation.permissions import require
from participation.services.access import participation
from participation.services.support import counts_by_party

WHOLE = ("whole", "")


@dataclass(frozen=True)
class ReportItem:
    kind: str  # "comment" or "statement"
    id: int
    created_at: datetime
    group: tuple[str, str]  # ("whole", ""), ("section", key) or ("amendment", number)
    group_label: str
    party: str | None
    organisation: str
    author: str
    in_reply_to: int | None
    supporters: int
    text: str
    hidden_reason: str | None

    @property
    def party_label(self) -> str:
        return str(PARTY_LABELS.get(self.party, self.party)) if self.party else _("Without a party")


@dataclass(frozen=True)
class ConsultationReport:
    document: Document
    items: list[ReportItem]
    by_section: list[tuple[str, list[ReportItem]]]
    by_party: list[tuple[str, list[ReportItem]]]

    @property
    def comment_count(self) -> int:
        return sum(1 for item in self.items if item.kind == "comment")

    @property
    def statement_count(self) -> int:
        return sum(1 for item in self.items if item.kind == "statement")

    @property
    def party_columns(self) -> list[str]:
        return [label for label, _ in self.by_party]

    @property
    def section_by_party(self) -> list[tuple[str, list[int], int]]:
        """Per section: contributions of each party (in the order of party_columns) and in all."""
        rows = []
        for label, items in self.by_section:
            counts = [sum(1 for item in items if item.party_label == party) for party in self.party_columns]
            rows.append((label, counts, len(items)))
        return rows


def _person(user: Any, as_pseudonym: bool = False) -> str:
    if user is None or user.deleted_at is not None:
        return _("A former participant")
    if as_pseudonym:
        return user.pseudonym or _("A participant")
    return user.public_name


def consultation_report(session: Session, user: Any, document_id: int) -> ConsultationReport:
    part = participation(session, user, document_id)
    require(part.actor, P.VIEW_CONSULTATION_REPORT, part.context)
    document = part.document
    comments = list(
        session.scalars(
            select(Comment)
            .where(Comment.document_id == document.id, Comment.deleted_at.is_(None))
            .options(joinedload(Comment.author), joinedload(Comment.organisation))
            .order_by(Comment.created_at, Comment.id)
        )
    )
    statements = list(
        session.scalars(
            select(Statement)
            .where(Statement.document_id == document.id)
            .options(joinedload(Statement.author), joinedload(Statement.organisation))
            .order_by(Statement.created_at, Statement.id)
        )
    )
    # Section titles and order from the versions the comments are about (newest title wins).
    version_ids = {comment.version_id for comment in comments if comment.version_id is not None}
    titles: dict[str, tuple[int, int, str]] = {}
    if version_ids:
        rows = session.execute(
            select(DocumentVersion.number, VersionSection.key, VersionSection.position, VersionSection.title)
            .join(VersionSection, VersionSection.version_id == DocumentVersion.id)
            .where(DocumentVersion.id.in_(version_ids))
        )
        for number, key, position, title in rows:
            if key not in titles or titles[key][0] < number:
                titles[key] = (number, position, title)
    amendments = {
        amendment.id: amendment.number
        for amendment in session.scalars(select(Amendment).where(Amendment.document_id == document.id))
    }
    supports = counts_by_party(session, "comment", [comment.id for comment in comments])

    def group_of(amendment_id: int | None, section_key: str | None) -> tuple[tuple[str, str], str]:
        if amendment_id is not None:
            number = amendments.get(amendment_id, 0)
            return ("amendment", f"{number:06d}"), _("Amendment A %(number)d", number=number)
        if section_key is not None:
            title = titles.get(section_key, (0, 0, section_key))[2]
            position = titles.get(section_key, (0, 9999, ""))[1]
            return ("section", f"{position:06d}{section_key}"), _("Section: %(title)s", title=title)
        return WHOLE, _("The agreement as a whole")

    items: list[ReportItem] = []
    for statement in statements:
        group, label = group_of(statement.amendment_id, None)
        items.append(
            ReportItem(
                kind="statement",
                id=statement.id,
                created_at=statement.created_at,
                group=group,
                group_label=label,
                party=statement.party,
                organisation=statement.organisation.name,
                author=_person(statement.author),
                in_reply_to=None,
                supporters=0,
                text=statement.body,
                hidden_reason=None,
            )
        )
    for comment in comments:
        group, label = group_of(comment.amendment_id, comment.section_key)
        hidden = comment.hidden_at is not None
        items.append(
            ReportItem(
                kind="comment",
                id=comment.id,
                created_at=comment.created_at,
                group=group,
                group_label=label,
                party=comment.party,
                organisation=""
                if comment.as_pseudonym or comment.organisation is None
                else comment.organisation.name,
                author=_person(comment.author, comment.as_pseudonym),
                in_reply_to=comment.parent_id,
                supporters=sum(supports.get(comment.id, {}).values()),
                text="" if hidden else comment.body,
                hidden_reason=(comment.hidden_reason or "") if hidden else None,
            )
        )
    sections: dict[tuple[str, str], list[ReportItem]] = defaultdict(list)
    labels: dict[tuple[str, str], str] = {}
    parties: dict[str, list[ReportItem]] = defaultdict(list)
    order = {"whole": 0, "section": 1, "amendment": 2}
    for item in sorted(items, key=lambda item: (item.kind != "statement", item.created_at, item.id)):
        sections[item.group].append(item)
        labels[item.group] = item.group_label
        parties[item.party_label].append(item)
    by_section = [(labels[key], sections[key]) for key in sorted(sections, key=lambda k: (order[k[0]], k[1]))]
    by_party = sorted(parties.items(), key=lambda pair: pair[0])
    return ConsultationReport(document, items, by_section, by_party)


# Spreadsheets run cells that start with these as formulas; a leading apostrophe keeps them text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def as_csv(report: ConsultationReport) -> bytes:
    """UTF-8 with a byte order mark, so spreadsheet programs show umlauts; one row per contribution."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("Kind"), _("Number"), _("Date"), _("About"), _("Party"), _("Organisation"), _("Author"),
            _("In reply to"), _("Supporters"), _("Text"),
        ]
    )  # fmt: skip
    for label, items in report.by_section:
        for item in items:
            text = (
                item.text
                if item.hidden_reason is None
                else _("Hidden by moderation: %(reason)s", reason=item.hidden_reason)
            )
            writer.writerow(
                [
                    _cell(_("Statement") if item.kind == "statement" else _("Comment")),
                    item.id,
                    item.created_at.strftime("%Y-%m-%d %H:%M"),
                    _cell(label),
                    _cell(item.party_label),
                    _cell(item.organisation),
                    _cell(item.author),
                    item.in_reply_to or "",
                    item.supporters,
                    _cell(text),
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
