"""Translated names of the amendment vocabulary, installed as Jinja globals by the blueprint."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "open": _l("Open"),
    "voting": _l("Put to the vote"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "merged": _l("Merged into the draft"),
}

STATUS_EXPLANATIONS = {
    "open": _l("The facilitators have not decided on this amendment yet."),
    "voting": _l("The members vote on this amendment."),
    "accepted": _l("The amendment was accepted. Its text still has to be merged into the working draft."),
    "rejected": _l("The amendment was rejected. The text stays as it was."),
    "withdrawn": _l("The author withdrew the amendment."),
    "merged": _l("The amendment was accepted and its text is in the working draft."),
}

KIND_LABELS = {
    "change": _l("Change of a section"),
    "add": _l("New section"),
    "remove": _l("Removal of a section"),
}


def install(app: Flask) -> None:
    app.jinja_env.globals.update(
        amendment_status_labels=STATUS_LABELS,
        amendment_status_explanations=STATUS_EXPLANATIONS,
        amendment_kind_labels=KIND_LABELS,
    )
