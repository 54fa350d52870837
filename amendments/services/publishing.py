"""The published version that first contains merged amendments (called from publish_version)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agreements.models import DocumentVersion
from amendments.domain.states import AmendmentStatus
from amendments.models import Amendment


def record_merged_in(session: Session, version: DocumentVersion) -> None:
    """Every amendment merged into the draft since the last publication is in this version (no commit)."""
    session.execute(
        update(Amendment)
        .where(
            Amendment.document_id == version.document_id,
            Amendment.status == AmendmentStatus.MERGED,
            Amendment.merged_version_id.is_(None),
        )
        .values(merged_version_id=version.id)
        .execution_options(synchronize_session=False)
    )


def merged_into(session: Session, version: DocumentVersion) -> list[Amendment]:
    """The amendments a version took in, by number (the version page already checked who may read)."""
    return list(
        session.scalars(
            select(Amendment).where(Amendment.merged_version_id == version.id).order_by(Amendment.number)
        )
    )
