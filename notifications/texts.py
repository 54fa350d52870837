"""The words of a notification, composed in the reader's language when it is shown or mailed."""

from __future__ import annotations

from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from notifications.domain import Channel, Kind

KIND_LABELS = {
    Kind.CONSULTATION_OPENED: _l("A consultation opens"),
    Kind.CONSULTATION_ENDING_SOON: _l("A consultation ends soon"),
    Kind.CONSULTATION_CLOSED: _l("A consultation has closed"),
    Kind.VERSION_PUBLISHED: _l("A new version is published"),
    Kind.NEW_AMENDMENT: _l("A new amendment on an agreement I follow"),
    Kind.NEW_STATEMENT: _l("A new statement on an agreement I follow"),
    Kind.COMMENT_REPLY: _l("A reply to my comment"),
    Kind.MENTION: _l("Someone mentions me"),
    Kind.AMENDMENT_DECIDED: _l("A decision on my amendment or one I follow"),
}

CHANNEL_LABELS = {
    Channel.OFF: _l("Off"),
    Channel.IN_APP: _l("Only here on Raumrat"),
    Channel.EMAIL: _l("At once by e-mail"),
    Channel.DIGEST: _l("In a daily e-mail"),
}


def _date(value: Any) -> str:
    from datetime import date

    try:
        return format_date(date.fromisoformat(str(value)), format="long")
    except ValueError:
        return str(value)


def describe(kind: str, params: dict[str, Any]) -> str:
    """One sentence saying what happened, e.g. “Version 3 of “Teilhabe im Quartier” is published.”"""
    title = params.get("title", "")
    number = params.get("number")
    if kind == Kind.CONSULTATION_OPENED:
        return _("The consultation on “%(title)s” has opened: you can comment now.", title=title)
    if kind == Kind.CONSULTATION_ENDING_SOON:
        return _(
            "The consultation on “%(title)s” ends on %(date)s.",
            title=title,
            date=_date(params.get("ends_on")),
        )
    if kind == Kind.CONSULTATION_CLOSED:
        return _("The consultation on “%(title)s” has closed.", title=title)
    if kind == Kind.VERSION_PUBLISHED:
        return _("Version %(number)s of “%(title)s” is published.", number=number or "?", title=title)
    if kind == Kind.NEW_AMENDMENT:
        return _("New amendment A %(number)s on “%(title)s”.", number=number or "?", title=title)
    if kind == Kind.NEW_STATEMENT:
        return _("New statement on “%(title)s”.", title=title)
    if kind == Kind.COMMENT_REPLY:
        return _("Someone replied to your comment on “%(title)s”.", title=title)
    if kind == Kind.MENTION:
        return _("Someone mentioned you in a comment on “%(title)s”.", title=title)
    if kind == Kind.AMENDMENT_DECIDED:
        outcome = params.get("outcome")
        values = {"number": number or "?", "title": title}
        if params.get("yours"):
            if outcome == "accepted":
                return _("Your amendment A %(number)s on “%(title)s” was accepted.", **values)
            if outcome == "rejected":
                return _("Your amendment A %(number)s on “%(title)s” was rejected.", **values)
            return _("Your amendment A %(number)s is now part of the text of “%(title)s”.", **values)
        if outcome == "accepted":
            return _("Amendment A %(number)s on “%(title)s” was accepted.", **values)
        if outcome == "rejected":
            return _("Amendment A %(number)s on “%(title)s” was rejected.", **values)
        return _("Amendment A %(number)s is now part of the text of “%(title)s”.", **values)
    return _("Something changed on “%(title)s”.", title=title)
