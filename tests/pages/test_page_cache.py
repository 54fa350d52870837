"""Anonymous pages are served from cache until any data changes (every change writes an audit entry)."""

from __future__ import annotations

from core import pagecache
from core.extensions import db
from governance.models import SpaceMembership
from tests.querycount import counted_queries


def count_queries(app, client, url: str) -> int:
    with app.app_context(), counted_queries() as statements:
        client.get(url)
    return len(statements)


def test_a_cached_page_needs_no_query_and_own_changes_show_at_once(
    app, client, session, make_user, space_by_code
):
    pagecache.clear()
    space = space_by_code("04011440")
    url = f"/spaces/{space.id}"
    first = client.get(url)
    assert first.status_code == 200
    assert count_queries(app, client, url) == 0
    assert client.get(url).data == first.data

    from governance.services.spaces import create_group

    admin = make_user(admin=True)  # registering writes an audit entry: the version moves on
    create_group(
        session, admin, name="Westen", description="", unit_ids=[space.id, space_by_code("04011430").id]
    )
    assert count_queries(app, client, url) > 1


def test_signed_in_visitors_and_flashed_messages_bypass_the_cache(
    app, client, session, make_user, login, space_by_code
):
    pagecache.clear()
    space = space_by_code("04011440")
    member = make_user("mia")
    session.add(SpaceMembership(space=space, user=member, party="beneficiary", status="active"))
    session.commit()
    anonymous = client.get(f"/spaces/{space.id}").data.decode()
    assert "Mia" not in anonymous
    login(member)
    signed_in = client.get(f"/spaces/{space.id}").data.decode()
    assert "Mia" in signed_in
    client.post("/logout", headers={"Accept-Language": "en"})
    after_sign_out = client.get(f"/spaces/{space.id}", headers={"Accept-Language": "en"}).data.decode()
    assert "You are signed out." in after_sign_out and "Mia" not in after_sign_out


def test_a_visitor_who_chose_a_language_is_served_from_the_cache(app, client, space_by_code):
    pagecache.clear()
    client.get("/language/de")
    url = f"/spaces/{space_by_code('04011440').id}"
    german = client.get(url)
    assert count_queries(app, client, url) == 0
    assert client.get(url).data == german.data and 'lang="de"' in german.text
    client.get("/language/en")
    assert 'lang="en"' in client.get(url).text


def test_changes_made_by_another_worker_show_once_the_version_is_read_again(
    app, client, session, space_by_code, monkeypatch
):
    from sqlalchemy.orm import Session

    from core import audit

    pagecache.clear()
    space = space_by_code("04011440")
    url = f"/spaces/{space.id}"
    client.get(url)
    # Another process changes the description: this worker's session never commits an audit entry.
    with Session(db.engine) as other_worker:
        other_worker.execute(
            space.__table__.update()
            .where(space.__table__.c.id == space.id)
            .values(description="Neu im Westen")
        )
        audit.record(
            other_worker, actor_id=None, action="space.changed", object_type="space", object_id=space.id
        )
        # In another process this worker's cache would not hear of the commit.
        other_worker.info.pop(audit.AUDIT_WRITTEN)
        other_worker.commit()
    session.expire_all()
    assert "Neu im Westen" not in client.get(url).text  # still within the version's time to live
    monkeypatch.setattr(pagecache, "VERSION_TTL_SECONDS", 0.0)
    assert "Neu im Westen" in client.get(url).text
