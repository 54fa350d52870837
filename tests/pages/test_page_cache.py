"""Pages are served from cache until any data changes (every change writes an audit entry): one copy
for anonymous visitors, one per signed-in viewer."""

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


def test_each_signed_in_viewer_gets_their_own_copy_until_something_changes(
    app, session, make_user, login, space_by_code
):
    from governance.models import User

    pagecache.clear()
    space = space_by_code("04011440")
    mia, max_ = make_user("mia"), make_user("max")
    session.add(SpaceMembership(space=space, user=mia, party="beneficiary", status="active"))
    session.commit()
    url = f"/spaces/{space.id}"
    as_mia, as_max = app.test_client(), app.test_client()
    for client, user in ((as_mia, mia), (as_max, max_)):
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = user.get_id()
            flask_session["lang"] = "en"
    mia_page = as_mia.get(url).text
    max_page = as_max.get(url).text
    # The header names the viewer: each gets their own copy, never the other's.
    assert f"({mia.public_name})" in mia_page and f"({max_.public_name})" in max_page
    assert f"({max_.public_name})" not in mia_page
    # A repeat costs at most the data version's query, and gives the same page.
    assert count_queries(app, as_mia, url) <= 1
    assert as_mia.get(url).text == mia_page
    # A change anywhere (here: Max's name) is shown at once, also in the other viewer's copy.
    user = session.get(User, max_.id)
    from governance.services import accounts

    accounts.change_names(session, user, display_name="Maximilian", pseudonym="")
    assert count_queries(app, as_mia, url) > 1


def test_a_signed_in_page_shows_a_flashed_message_once_and_is_not_cached_with_it(
    app, client, session, make_user, login, space_by_code
):
    pagecache.clear()
    space = space_by_code("04011440")
    login(make_user("mia"))
    url = f"/spaces/{space.id}"
    client.get(url)
    with client.session_transaction() as flask_session:
        flask_session["_flashes"] = [("success", "Gespeichert und gemerkt.")]
    assert "Gespeichert und gemerkt." in client.get(url).text
    assert "Gespeichert und gemerkt." not in client.get(url).text


def test_reading_notifications_updates_the_count_in_a_cached_page(
    app, client, session, make_user, login, space_by_code
):
    from notifications.models import Notification
    from notifications.services import centre

    pagecache.clear()
    space = space_by_code("04011440")
    mia = make_user("mia")
    session.add(Notification(user_id=mia.id, kind="mention", params={"title": "Teilhabe"}, link="/"))
    session.commit()
    login(mia)
    url = f"/spaces/{space.id}"
    before = client.get(url).text
    centre.mark_all_read(session, mia)  # audited, like every change
    after = client.get(url).text
    assert before != after


def test_cached_pages_expire_so_date_dependent_text_is_never_old(
    app, client, session, make_user, login, space_by_code, monkeypatch
):
    pagecache.clear()
    url = f"/spaces/{space_by_code('04011440').id}"
    client.get(url)
    assert count_queries(app, client, url) == 0
    monkeypatch.setattr(pagecache, "PAGE_TTL_SECONDS", 0.0)
    assert count_queries(app, client, url) > 0


def test_a_signed_in_viewer_who_switches_language_gets_the_page_in_that_language(
    app, client, make_user, login, space_by_code
):
    pagecache.clear()
    url = f"/spaces/{space_by_code('04011440').id}"
    login(make_user("mia"))
    assert 'lang="en"' in client.get(url).text
    client.get("/language/de")
    assert 'lang="de"' in client.get(url).text
    client.get("/language/en")
    assert 'lang="en"' in client.get(url).text
