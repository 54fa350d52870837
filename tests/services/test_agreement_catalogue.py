"""The lists of agreements.services.catalogue hold exactly the documents each caller may read."""

from __future__ import annotations

from datetime import date

import pytest

from agreements.domain.workflow import Status
from agreements.permissions import DocumentPermission
from agreements.services import catalogue, drafts, lifecycle, versions
from agreements.services.access import load
from agreements.services.snapshots import SectionContent
from core.errors import NotFound, PermissionDenied
from governance.models import SpaceMembership

STEPS = {
    "draft": [],
    "negotiation": [("start_negotiation", {})],
    "consultation": [
        (
            "open_consultation",
            {"consultation_starts_on": date(2025, 1, 1), "consultation_ends_on": date(2025, 2, 1)},
        )
    ],
    "adopted": [
        ("start_negotiation", {}),
        ("put_to_vote", {}),
        ("adopt", {"in_force_from": date(2025, 1, 1)}),
    ],
    "withdrawn": [("withdraw", {})],
}


@pytest.fixture
def people(session, make_user, space_by_code):
    space = space_by_code("04011440")
    other_space = space_by_code("04011430")
    found = {
        "anonymous": None,
        "outsider": make_user("otto"),
        "member": make_user("mia"),
        "observer": make_user("olga"),
        "pending": make_user("paula"),
        "facilitator": make_user("fritz"),
        "member elsewhere": make_user("walter"),
        "admin": make_user("ada", admin=True),
    }
    for name, role, status, where in [
        ("member", "member", "active", space),
        ("observer", "observer", "active", space),
        ("pending", "member", "requested", space),
        ("facilitator", "facilitator", "active", space),
        ("member elsewhere", "member", "active", other_space),
    ]:
        session.add(
            SpaceMembership(space=where, user=found[name], role=role, party="beneficiary", status=status)
        )
    session.commit()
    return space, found


def _documents(session, space, facilitator, admin) -> list[int]:
    ids = []
    for status, steps in STEPS.items():
        for published in (False, True):
            if not published and status in ("consultation", "adopted"):
                continue  # these steps need a published version
            document = drafts.create_agreement(
                session, facilitator, space_id=space.id, title=f"{status} {published}"
            )
            drafts.add_section(session, facilitator, document.id, SectionContent(kind="goal", title="Ziel"))
            if published:
                versions.publish_version(session, facilitator, document.id, change_summary="v1")
            for transition, values in steps:
                lifecycle.change_status(session, facilitator, document.id, transition, **values)
            ids.append(document.id)
    for published in (False, True):
        framework = drafts.create_framework(session, admin, title=f"Rahmen {published}")
        drafts.add_section(session, admin, framework.id, SectionContent(kind="goal", title="Ziel"))
        if published:
            versions.publish_version(session, admin, framework.id, change_summary="v1")
        ids.append(framework.id)
    return ids


def _readable(session, user, document_id: int) -> bool:
    try:
        load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED)
    except PermissionDenied:
        return False
    return True


def test_every_list_agrees_with_the_permission_to_read_each_document(session, people) -> None:
    space, found = people
    ids = _documents(session, space, found["facilitator"], found["admin"])
    for role, user in found.items():
        expected = {document_id for document_id in ids if _readable(session, user, document_id)}
        listed = set()
        for kind in ("agreement", "framework"):
            page = catalogue.list_documents(session, user, kind=kind, limit=200, offset=0)
            assert page.total == len(page.documents)
            listed |= {entry.document.id for entry in page.documents}
        assert listed == expected, role
    # The rules are not trivial: the public, members and administrators see different lists.
    sizes = {
        role: catalogue.list_documents(session, user, kind="agreement", limit=200, offset=0).total
        for role, user in found.items()
    }
    # Public: the consultation and the adopted agreement.
    assert sizes["anonymous"] == sizes["outsider"] == sizes["pending"] == sizes["member elsewhere"] == 2
    assert sizes["member"] == sizes["observer"] == sizes["facilitator"] == sizes["admin"] == 8


def test_filters_and_pages(session, people) -> None:
    space, found = people
    _documents(session, space, found["facilitator"], found["admin"])
    member = found["member"]
    drafts_only = catalogue.list_documents(
        session, member, kind="agreement", space_id=space.id, status=Status.DRAFT, limit=1, offset=1
    )
    assert drafts_only.total == 2 and len(drafts_only.documents) == 1
    assert (
        catalogue.list_documents(session, member, kind="agreement", space_id=1, limit=10, offset=0).total == 0
    )
    beyond = catalogue.list_documents(session, member, kind="agreement", limit=10, offset=50)
    assert beyond.documents == [] and beyond.total == 8


def test_creating_needs_the_space_and_the_right(session, people) -> None:
    space, found = people
    catalogue.require_may_create(session, found["facilitator"], kind="agreement", space_id=space.id)
    catalogue.require_may_create(session, found["admin"], kind="framework")
    with pytest.raises(PermissionDenied):
        catalogue.require_may_create(session, found["member"], kind="agreement", space_id=space.id)
    with pytest.raises(PermissionDenied):
        catalogue.require_may_create(session, found["facilitator"], kind="framework")
    with pytest.raises(NotFound):
        catalogue.require_may_create(session, found["admin"], kind="agreement", space_id=2_000_000)


def test_a_framework_version_is_found_by_framework_and_number_only(session, people) -> None:
    space, found = people
    framework = drafts.create_framework(session, found["admin"], title="Rahmen")
    drafts.add_section(session, found["admin"], framework.id, SectionContent(kind="goal", title="Ziel"))
    version = versions.publish_version(session, found["admin"], framework.id, change_summary="v1")
    agreement = drafts.create_agreement(session, found["facilitator"], space_id=space.id, title="T")
    drafts.add_section(session, found["facilitator"], agreement.id, SectionContent(kind="goal", title="Ziel"))
    versions.publish_version(session, found["facilitator"], agreement.id, change_summary="v1")
    assert catalogue.framework_version_id(session, framework.id, 1) == version.id
    assert catalogue.framework_version_id(session, framework.id, 2) is None
    assert catalogue.framework_version_id(session, agreement.id, 1) is None  # an agreement is no framework
