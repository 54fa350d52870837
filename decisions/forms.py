"""WTForms for motions, ballots and proxies. Limits match decisions.services; the services check again."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from agreements.document_forms import DocumentForm
from agreements.framework_forms import CheckboxesField
from decisions.domain.methods import METHOD_DESCRIPTIONS, ConsentChoice, Method, Vote
from decisions.services.ballots import MAX_REASON
from decisions.services.motions import KEEP_CURRENT, MAX_TEXT, MAX_TITLE, Kind, MotionInput, OptionInput
from governance.labels import PARTY_LABELS
from governance.parties import Party

LOCAL_TIME = ZoneInfo("Europe/Berlin")

KIND_LABELS = {
    Kind.FREE_QUESTION: _l("A free question"),
    Kind.ADOPT_VERSION: _l("Adopt a version of an agreement"),
    Kind.ACCEPT_AMENDMENT: _l("Accept an amendment"),
    Kind.CHOOSE_ALTERNATIVE: _l("Choose among alternatives"),
}
VOTE_LABELS = {Vote.YES: _l("Yes"), Vote.NO: _l("No"), Vote.ABSTAIN: _l("Abstain")}
CONSENT_LABELS = {
    ConsentChoice.AGREE: _l("I agree"),
    ConsentChoice.STAND_ASIDE: _l("I stand aside"),
    ConsentChoice.OBJECT: _l("I object"),
}
BASE_LABELS = {
    "valid_votes": _l("of the yes and no votes"),
    "electorate": _l("of everyone who may vote"),
}
ROLE_CHOICES = [("member", _l("Members")), ("facilitator", _l("Facilitators"))]
_PERCENT = re.compile(r"^\s*(\d{1,3}(?:[.,]\d+)?)\s*%\s*$")


def share(text: str | None) -> str | None:
    """A share typed as "2/3", "0.5" or "50 %" in the exact form the tally engine reads ("1/2")."""
    text = (text or "").strip()
    if not text:
        return None
    match = _PERCENT.match(text)
    try:
        value = (
            Fraction(match.group(1).replace(",", ".")) / 100 if match else Fraction(text.replace(",", "."))
        )
    except (ValueError, ZeroDivisionError):
        return text  # the service says what is wrong with it
    return str(value)


def _check_share(form: Any, field: Any) -> None:
    value = share(field.data)
    if value is None:
        return
    try:
        number = Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise ValidationError(_l("Enter a share such as 2/3, 0.5 or 50 %")) from None
    if not 0 < number <= 1:
        raise ValidationError(_l("Enter a share greater than 0 and at most 1 (100 %)"))


def to_utc(value: datetime | None) -> datetime | None:
    """A local date and time (Bremen) from a form as naive UTC for the database."""
    if value is None:
        return None
    return value.replace(tzinfo=LOCAL_TIME).astimezone(UTC).replace(tzinfo=None)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(LOCAL_TIME).replace(tzinfo=None)


def choices(pairs: Any) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def method_choices() -> list[SelectChoice]:
    return choices((method.value, gettext(METHOD_DESCRIPTIONS[method].name)) for method in Method)


class MotionForm(DocumentForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Enter a title")), Length(max=MAX_TITLE)]
    )
    text = TextAreaField(_l("What is to be decided"), validators=[Optional(), Length(max=MAX_TEXT)])
    kind = RadioField(_l("Kind of motion"), choices=choices(KIND_LABELS.items()), default=Kind.FREE_QUESTION)
    document_id = SelectField(_l("Agreement"), validate_choice=False, default="")
    amendment_id = SelectField(_l("Amendment"), validate_choice=False, default="")
    method = RadioField(_l("Voting method"), default=Method.SIMPLE_MAJORITY.value)
    options = TextAreaField(_l("Alternatives, one per line"), validators=[Optional(), Length(max=MAX_TEXT)])
    option_amendments = CheckboxesField(_l("Amendments as alternatives"), choices=[])
    keep_current = BooleanField(_l("Offer “keep the current text” as an alternative"))
    threshold = StringField(_l("Required share of yes votes"), validators=[Optional(), _check_share])
    threshold_base = RadioField(
        _l("The share is counted"), choices=choices(BASE_LABELS.items()), default="valid_votes"
    )
    approving_parties = CheckboxesField(
        _l("Parties that must each approve"), choices=choices((p.value, PARTY_LABELS[p.value]) for p in Party)
    )
    quorum_overall = StringField(_l("Quorum of everyone who may vote"), validators=[Optional(), _check_share])
    quorum_per_party = StringField(
        _l("Quorum within each party that may vote"), validators=[Optional(), _check_share]
    )
    eligible_parties = CheckboxesField(
        _l("Parties that may vote"), choices=choices((p.value, PARTY_LABELS[p.value]) for p in Party)
    )
    eligible_roles = CheckboxesField(
        _l("Roles that may vote"), choices=choices(ROLE_CHOICES), default=["member", "facilitator"]
    )
    opens_at = DateTimeLocalField(
        _l("Opens on"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
    )  # fmt: skip
    closes_at = DateTimeLocalField(
        _l("Closes on"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
    )  # fmt: skip
    secret = BooleanField(_l("Secret ballot"))
    interim_results = BooleanField(_l("Show interim results while the vote is open"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.method.choices = method_choices()

    def set_choices(self, documents: list[Any], amendments: list[Any]) -> None:
        self.document_id.choices = choices(
            [("", gettext("No agreement"))] + [(str(document.id), document.title) for document in documents]
        )
        labels = [
            (str(a.id), gettext("A %(number)d: %(title)s", number=a.number, title=_amendment_title(a)))
            for a in amendments
        ]
        self.amendment_id.choices = choices([("", gettext("No amendment")), *labels])
        self.option_amendments.choices = choices(labels)

    def fill_from(self, values: MotionInput) -> None:
        self.title.data = values.title
        self.text.data = values.text
        self.kind.data = values.kind
        self.method.data = values.method
        self.document_id.data = str(values.document_id or "")
        self.amendment_id.data = str(values.amendment_id or "")
        self.options.data = "\n".join(
            o.title for o in values.options if not o.amendment_id and not o.keeps_current_text
        )
        self.option_amendments.data = [str(o.amendment_id) for o in values.options if o.amendment_id]
        self.keep_current.data = any(o.keeps_current_text for o in values.options)
        threshold = values.parameters.get("threshold") or {}
        self.threshold.data = threshold.get("fraction") or ""
        self.threshold_base.data = threshold.get("base") or "valid_votes"
        self.approving_parties.data = list((values.parameters.get("parties") or {}).keys())
        quorum = values.parameters.get("quorum") or {}
        self.quorum_overall.data = quorum.get("overall") or ""
        per_party = list((quorum.get("per_party") or {}).values())
        self.quorum_per_party.data = per_party[0] if per_party else ""
        self.eligible_parties.data = values.eligible_parties
        self.eligible_roles.data = values.eligible_roles
        self.opens_at.data = to_local(values.opens_at)
        self.closes_at.data = to_local(values.closes_at)
        self.secret.data = values.secret
        self.interim_results.data = values.interim_results

    def motion_input(self) -> MotionInput:
        method = self.method.data or Method.SIMPLE_MAJORITY.value
        parameters: dict[str, Any] = {}
        if method == Method.QUALIFIED_MAJORITY:
            parameters["threshold"] = {
                "fraction": share(self.threshold.data),
                "base": self.threshold_base.data,
            }
        if method == Method.EVERY_PARTY:
            threshold = share(self.threshold.data)
            parties = self.approving_parties.data or []
            parameters["parties"] = {
                party: ({"fraction": threshold, "base": self.threshold_base.data} if threshold else None)
                for party in parties
            }
        quorum: dict[str, Any] = {}
        if share(self.quorum_overall.data):
            quorum["overall"] = share(self.quorum_overall.data)
        if share(self.quorum_per_party.data):
            parties = self.eligible_parties.data or [party.value for party in Party]
            quorum["per_party"] = dict.fromkeys(parties, share(self.quorum_per_party.data))
        if quorum:
            parameters["quorum"] = quorum
        options: list[OptionInput] = []
        if method in (Method.RANKED_CHOICE, Method.APPROVAL_VOTING):
            options = [
                OptionInput(line.strip()) for line in (self.options.data or "").splitlines() if line.strip()
            ]
            for value in self.option_amendments.data or []:
                label = {choice.value: choice.label for choice in self.option_amendments.choices}.get(
                    value, ""
                )
                options.append(OptionInput(str(label), amendment_id=int(value)))
            if self.keep_current.data:
                options.append(OptionInput(gettext("Keep the current text"), keeps_current_text=True))
        return MotionInput(
            title=self.title.data or "",
            text=self.text.data or "",
            kind=self.kind.data or Kind.FREE_QUESTION,
            method=method,
            parameters=parameters,
            options=options,
            document_id=_number(self.document_id.data),
            amendment_id=_number(self.amendment_id.data),
            eligible_parties=list(self.eligible_parties.data or []),
            eligible_roles=list(self.eligible_roles.data or []),
            opens_at=to_utc(self.opens_at.data),
            closes_at=to_utc(self.closes_at.data),
            secret=bool(self.secret.data),
            interim_results=bool(self.interim_results.data),
        )


def _amendment_title(amendment: Any) -> str:
    return amendment.proposed_title or amendment.section_key


def _number(value: str | None) -> int | None:
    from agreements.document_forms import whole_number

    return whole_number(value)


# --- ballots -------------------------------------------------------------------------------------------


class BallotForm(DocumentForm):
    """The ballot of one voter; ranked choice and approval add their fields per option."""

    voter_id = HiddenField()
    choice = RadioField(_l("Your vote"), validate_choice=False)
    reason = TextAreaField(_l("Why do you object?"), validators=[Optional(), Length(max=MAX_REASON)])
    receipt = StringField(_l("Your receipt code"), validators=[Optional(), Length(max=60)])


def ballot_form(motion: Any, voter_id: int, *, formdata: Any = None, ballot: Any = None) -> BallotForm:
    """A ballot form with the fields the motion's method needs, prefixed per voter (own and proxy)."""
    method = Method(motion.method)
    form = BallotForm(formdata=formdata, prefix=f"v{voter_id}")
    form.voter_id.data = str(voter_id)
    if method in (Method.CONSENT,):
        form.choice.choices = choices((key.value, label) for key, label in CONSENT_LABELS.items())
    else:
        form.choice.choices = choices((key.value, label) for key, label in VOTE_LABELS.items())
    form.option_fields = []  # type: ignore[attr-defined]
    positions = [("", gettext("not ranked"))] + [(str(n), str(n)) for n in range(1, len(motion.options) + 1)]
    current = ballot.choice if ballot is not None else None
    for option in motion.options:
        name = f"option_{option.key}"
        if method == Method.RANKED_CHOICE:
            value = (
                formdata.get(f"{form._prefix}{name}", "")
                if formdata is not None
                else _rank_of(current, option.key)
            )
            form.option_fields.append((option, name, positions, value))  # type: ignore[attr-defined]
        elif method == Method.APPROVAL_VOTING:
            if formdata is not None:
                checked = formdata.get(f"{form._prefix}{name}") == "y"
            else:
                checked = isinstance(current, list) and option.key in current
            form.option_fields.append((option, name, None, checked))  # type: ignore[attr-defined]
    if formdata is None and ballot is not None and isinstance(current, str):
        form.choice.data = current
        form.reason.data = ballot.reason
    return form


def _rank_of(ranking: Any, key: str) -> str:
    if not isinstance(ranking, list):
        return ""
    for position, item in enumerate(ranking, start=1):
        if item == key or (isinstance(item, list) and key in item):
            return str(position)
    return ""


def choice_from(form: BallotForm, motion: Any, formdata: Any) -> Any:
    """The choice a submitted ballot form holds, in the form the services take."""
    method = Method(motion.method)
    if method == Method.RANKED_CHOICE:
        ranks: dict[int, list[str]] = {}
        for option in motion.options:
            text = (formdata.get(f"{form._prefix}option_{option.key}") or "").strip()
            if text.isdigit() and 0 < int(text) <= len(motion.options):
                ranks.setdefault(int(text), []).append(option.key)
        return [keys[0] if len(keys) == 1 else keys for _rank, keys in sorted(ranks.items())]
    if method == Method.APPROVAL_VOTING:
        return [o.key for o in motion.options if formdata.get(f"{form._prefix}option_{o.key}") == "y"]
    return form.choice.data or ""


class ProxyForm(DocumentForm):
    holder_id = SelectField(_l("Who votes for you"), validate_choice=False)


__all__ = ["KEEP_CURRENT", "BallotForm", "MotionForm", "ProxyForm", "ballot_form", "choice_from"]
