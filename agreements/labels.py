"""Translated names and plain explanations for the vocabulary of agreements and frameworks.

Installed as Jinja globals by the documents blueprint, so every template of the package can use them.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

SECTION_KIND_LABELS = {
    "goal": _l("Goal"),
    "quality_standard": _l("Quality standard"),
    "rule": _l("Rule"),
    "financing": _l("Financing"),
    "review": _l("Review"),
    "text": _l("Text"),
}

STATUS_LABELS = {
    "draft": _l("Draft"),
    "consultation": _l("Consultation"),
    "negotiation": _l("Negotiation"),
    "voting": _l("Voting"),
    "adopted": _l("Adopted"),
    "under_review": _l("Under review"),
    "superseded": _l("Superseded"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
}

STATUS_EXPLANATIONS = {
    "draft": _l("The text is still being written. Only members of the social space can see it."),
    "consultation": _l(
        "Everybody can read the text. During the consultation period people can comment on it."
    ),
    "negotiation": _l(
        "The parties are working on the text together. Only members of the social space see it."
    ),
    "voting": _l("The text is put to the vote. It cannot be changed while the vote runs."),
    "adopted": _l("The agreement was adopted. It applies from the date shown."),
    "under_review": _l("The agreement still applies. The parties are checking whether it works."),
    "superseded": _l("A newer agreement has replaced this one. It no longer applies."),
    "expired": _l("The agreement has ended. It no longer applies."),
    "withdrawn": _l("The agreement was withdrawn before it was adopted."),
}

TRANSITION_LABELS = {
    "open_consultation": _l("Open the consultation"),
    "start_negotiation": _l("Start the negotiation"),
    "put_to_vote": _l("Put to the vote"),
    "adopt": _l("Record the adoption"),
    "return_to_negotiation": _l("Return to negotiation"),
    "start_review": _l("Start the review"),
    "confirm_after_review": _l("Confirm after the review"),
    "supersede": _l("Mark as superseded"),
    "expire": _l("Mark as expired"),
    "withdraw": _l("Withdraw the agreement"),
}

CONSULTATION_AUDIENCE_LABELS = {
    "registered": _l("Everybody with an account"),
    "members": _l("Members of the social space only"),
}

INDICATOR_FIELD_LABELS = {
    "name": _l("Indicator"),
    "unit": _l("Unit"),
    "baseline": _l("Baseline"),
    "target": _l("Target"),
    "data_source": _l("Data source"),
    "responsible_party": _l("Responsible"),
}

BUDGET_FIELD_LABELS = {
    "label": _l("Budget line"),
    "amount_euros": _l("Amount in euros"),
    "funded_by": _l("Funded by"),
}


def install(app: Flask) -> None:
    app.jinja_env.globals.update(
        section_kind_labels=SECTION_KIND_LABELS,
        document_status_labels=STATUS_LABELS,
        document_status_explanations=STATUS_EXPLANATIONS,
        transition_labels=TRANSITION_LABELS,
        consultation_audience_labels=CONSULTATION_AUDIENCE_LABELS,
        indicator_field_labels=INDICATOR_FIELD_LABELS,
        budget_field_labels=BUDGET_FIELD_LABELS,
    )
