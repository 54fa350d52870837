"""WTForms for agreements and frameworks: new agreement, draft heading and sections, parties,
publishing and status changes. Limits match agreements.services; the services check them again."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from agreements.labels import CONSULTATION_AUDIENCE_LABELS, SECTION_KIND_LABELS
from agreements.models import DocumentParty, DraftSection
from agreements.services.drafts import MAX_ROWS, MAX_TEXT, MAX_TITLE
from agreements.services.lifecycle import MAX_NOTE
from agreements.services.snapshots import BUDGET_FIELDS, INDICATOR_FIELDS, SectionContent
from agreements.services.versions import MAX_SUMMARY
from governance.labels import PARTY_LABELS

MAX_CELL = 300
MAX_EUROS = 999_999_999_999
# Empty rows offered below the filled ones, so people add rows without JavaScript.
BLANK_ROWS = 2
DATE_HINT = _l("Enter a real date, for example 2027-01-31")

_AMOUNT = re.compile(r"^[0-9]{1,3}(?:[.,' ][0-9]{3})+$|^[0-9]+$")
_WHOLE_NUMBER = re.compile(r"^[0-9]{1,10}$")
# Largest value of an integer column on every supported database.
MAX_ID = 2**31 - 1


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def whole_number(value: str | None) -> int | None:
    """A positive id or revision from a form or query; None for anything a database could not compare."""
    text = (value or "").strip()
    if not _WHOLE_NUMBER.match(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_euros(text: str) -> int | None:
    """Whole euros as people write them: 12000, 12.000, 12,000, 12 000 (with or without €)."""
    cleaned = text.replace("€", "").replace("EUR", "").strip()
    digits = re.sub(r"[^0-9]", "", cleaned)
    # More digits are too much anyway, and int() refuses more than 4300.
    if not _AMOUNT.match(cleaned) or len(digits) > len(str(MAX_EUROS)):
        return None
    amount = int(digits)
    return amount if amount <= MAX_EUROS else None


def _title_field(label: Any) -> StringField:
    return StringField(
        label,
        validators=[
            DataRequired(message=_l("Enter a title")),
            Length(max=MAX_TITLE, message=_l("The title must be %(max)d characters or fewer")),
        ],
        filters=[_strip],
    )


def _long_text(label: Any) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=MAX_TEXT, message=_l("The text must be %(max)d characters or fewer")),
        ],
        default="",
    )


def _cell(label: Any) -> StringField:
    # No Optional(): it would stop the row checks (validate_name, …) on an empty cell.
    return StringField(
        label,
        validators=[Length(max=MAX_CELL, message=_l("This must be %(max)d characters or fewer"))],
        filters=[_strip],
    )


def _date(label: Any) -> DateField:
    return DateField(label, validators=[Optional()], format="%Y-%m-%d", invalid_value_message=DATE_HINT)


def _text_fields(form: Form) -> Iterator[Field]:
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                yield from _text_fields(entry.form)
        elif isinstance(field, FormField):
            yield from _text_fields(field.form)
        else:
            yield field


class DocumentForm(FlaskForm):
    """Refuses text no database can store (NUL), in every field and row, with a message beside it."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in _text_fields(self):
            if isinstance(field.data, str) and "\x00" in field.data:
                field.errors = [
                    *field.errors,
                    _l("This text contains characters that cannot be stored, such as NUL."),
                ]
                valid = False
        return valid


# --- a new agreement ---------------------------------------------------------------------------------


class NewAgreementForm(DocumentForm):
    title = _title_field(_l("Title of the agreement"))
    preamble = _long_text(_l("Preamble"))
    framework_version_id = SelectField(_l("Framework to adopt"), validate_choice=False, default="")

    def set_framework_versions(self, versions: Iterable[Any]) -> None:
        self.framework_version_id.choices = [
            SelectChoice("", _l("No framework")),
            *(
                SelectChoice(
                    str(version.id),
                    # gettext, not _l: a lazy string counts as safe HTML, so the title would not be escaped.
                    gettext(
                        "%(title)s, version %(number)d", title=version.document.title, number=version.number
                    ),
                )
                for version in versions
            ),
        ]

    def chosen_framework_version(self) -> int | None:
        return whole_number(self.framework_version_id.data)

    def validate_framework_version_id(self, field: SelectField) -> None:
        if field.data and field.data not in {choice[0] for choice in field.iter_choices()}:
            raise ValidationError(_l("Choose a framework version from the list"))


# --- the draft: heading, sections, parties, publishing -------------------------------------------


class HeadingForm(DocumentForm):
    title = _title_field(_l("Title"))
    preamble = _long_text(_l("Preamble"))
    base_revision = HiddenField()


class IndicatorRow(Form):
    """One indicator of a quality standard (a sub-form: the section's form carries the CSRF token)."""

    name = _cell(_l("Indicator"))
    unit = _cell(_l("Unit"))
    baseline = _cell(_l("Baseline"))
    target = _cell(_l("Target"))
    data_source = _cell(_l("Data source"))
    responsible_party = _cell(_l("Responsible party"))

    def values(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in INDICATOR_FIELDS}

    def validate_name(self, field: StringField) -> None:
        if not field.data and any(self[name].data for name in INDICATOR_FIELDS):
            raise ValidationError(_l("Give the indicator a name, or empty the whole row"))


class BudgetRow(Form):
    label = _cell(_l("Budget line"))
    amount_euros = _cell(_l("Amount in euros"))
    funded_by = _cell(_l("Funded by"))

    def is_blank(self) -> bool:
        return not any(self[name].data for name in BUDGET_FIELDS)

    def validate_label(self, field: StringField) -> None:
        if not field.data and not self.is_blank():
            raise ValidationError(_l("Name the budget line, or empty the whole row"))

    def validate_amount_euros(self, field: StringField) -> None:
        if self.is_blank():
            return
        if not field.data or parse_euros(field.data) is None:
            raise ValidationError(_l("Enter the amount in whole euros, for example 12000"))


class SectionForm(DocumentForm):
    kind = SelectField(
        _l("Kind of section"),
        choices=[SelectChoice(value, label) for value, label in SECTION_KIND_LABELS.items()],
        validators=[InputRequired(message=_l("Choose the kind of section from the list"))],
        # Checked below, so an unknown value gets a friendly message.
        validate_choice=False,
        default="text",
    )
    title = _title_field(_l("Title of the section"))
    body = _long_text(_l("Text"))
    plain_language = _long_text(_l("Plain-language text (Leichte Sprache)"))
    indicators = FieldList(FormField(IndicatorRow), _l("Indicators"), max_entries=MAX_ROWS)
    budget_lines = FieldList(FormField(BudgetRow), _l("Budget lines"), max_entries=MAX_ROWS)
    review_date = _date(_l("Review date"))

    def validate_kind(self, field: SelectField) -> None:
        if field.data not in SECTION_KIND_LABELS:
            raise ValidationError(_l("Choose the kind of section from the list"))

    def add_blank_rows(self) -> None:
        for rows in (self.indicators, self.budget_lines):
            for _ in range(BLANK_ROWS):
                if len(rows) < MAX_ROWS:
                    rows.append_entry()

    def content(self) -> SectionContent:
        indicators = [entry.form.values() for entry in self.indicators if any(entry.form.values().values())]
        budget_lines = [
            {
                "label": entry.form.label.data or "",
                "amount_euros": parse_euros(entry.form.amount_euros.data or "") or 0,
                "funded_by": entry.form.funded_by.data or "",
            }
            for entry in self.budget_lines
            if not entry.form.is_blank()
        ]
        return SectionContent(
            kind=self.kind.data or "",
            title=self.title.data or "",
            body=self.body.data or "",
            plain_language=self.plain_language.data or "",
            indicators=indicators,
            budget_lines=budget_lines,
            review_date=self.review_date.data,
        )


def section_data(content: SectionContent) -> dict[str, Any]:
    return {
        "kind": content.kind,
        "title": content.title,
        "body": content.body,
        "plain_language": content.plain_language,
        "indicators": [dict(row) for row in content.indicators],
        "budget_lines": [dict(row) for row in content.budget_lines],
        "review_date": content.review_date,
    }


class EditSectionForm(SectionForm):
    """Carries the revision and the text the editor loaded, so a stale save can be merged."""

    base_revision = HiddenField()
    base_title = HiddenField()
    base_body = HiddenField()
    base_plain_language = HiddenField()

    @classmethod
    def for_section(cls, section: DraftSection) -> EditSectionForm:
        content = SectionContent.of(section)
        form = cls(formdata=None, prefix=section_prefix(section.key), data=section_data(content))
        form.set_base(section.revision, content)
        form.add_blank_rows()
        return form

    def set_base(self, revision: int, content: SectionContent) -> None:
        self.base_revision.data = str(revision)
        self.base_title.data = content.title
        self.base_body.data = content.body
        self.base_plain_language.data = content.plain_language

    def revision(self) -> int | None:
        return whole_number(self.base_revision.data)

    def base_content(self) -> SectionContent:
        # Only the texts are merged; the other fields of the base do not matter for that.
        return SectionContent(
            kind=self.kind.data or "",
            title=self.base_title.data or "",
            body=self.base_body.data or "",
            plain_language=self.base_plain_language.data or "",
        )


def section_prefix(key: str) -> str:
    return f"section-{key}"


class AddSectionForm(SectionForm):
    after = SelectField(_l("Where"), validate_choice=False, default="")

    def set_positions(self, sections: Iterable[DraftSection]) -> None:
        self.after.choices = [
            SelectChoice("", _l("At the end")),
            # gettext, not _l: a lazy string counts as safe HTML, so the title would not be escaped.
            *(SelectChoice(s.key, gettext("After “%(title)s”", title=s.title)) for s in sections),
        ]

    def after_key(self) -> str | None:
        return self.after.data or None


class PartyRow(Form):
    organisation_id = SelectField(_l("Organisation"), validate_choice=False, default="")
    party = SelectField(
        _l("Speaks for"),
        choices=[
            SelectChoice("", _l("Choose a party")),
            *(SelectChoice(v, lbl) for v, lbl in PARTY_LABELS.items()),
        ],
        validate_choice=False,
        default="",
    )

    def validate_organisation_id(self, field: SelectField) -> None:
        if field.data and field.data not in {choice[0] for choice in field.iter_choices()}:
            raise ValidationError(_l("Choose an organisation from the list"))

    def validate_party(self, field: SelectField) -> None:
        if self.organisation_id.data and field.data not in PARTY_LABELS:
            raise ValidationError(_l("Choose the party the organisation speaks for"))


class PartiesForm(DocumentForm):
    parties = FieldList(FormField(PartyRow), _l("Parties"), max_entries=MAX_ROWS)

    @classmethod
    def for_parties(cls, parties: list[DocumentParty]) -> PartiesForm:
        data = [{"organisation_id": str(p.organisation_id), "party": p.party} for p in parties]
        form = cls(formdata=None, prefix="parties", data={"parties": data})
        for _ in range(BLANK_ROWS + 1):
            form.parties.append_entry()
        return form

    def set_organisations(self, organisations: Iterable[Any]) -> None:
        choices = [
            SelectChoice("", _l("No organisation")),
            *(SelectChoice(str(o.id), o.name) for o in organisations),
        ]
        for entry in self.parties:
            entry.form.organisation_id.choices = choices

    def chosen(self) -> list[tuple[int, str]]:
        chosen = [
            (whole_number(entry.form.organisation_id.data), entry.form.party.data) for entry in self.parties
        ]
        return [(organisation_id, party) for organisation_id, party in chosen if organisation_id is not None]


class PublishForm(DocumentForm):
    change_summary = TextAreaField(
        _l("What changed in this version?"),
        validators=[
            DataRequired(message=_l("Say in a few words what changed")),
            Length(max=MAX_SUMMARY, message=_l("The summary must be %(max)d characters or fewer")),
        ],
    )


# --- status changes ------------------------------------------------------------------------------


class TransitionForm(DocumentForm):
    """Fields of every transition; each transition's form shows the ones it needs."""

    note = TextAreaField(
        _l("Note for the timeline"),
        validators=[
            Optional(),
            Length(max=MAX_NOTE, message=_l("The note must be %(max)d characters or fewer")),
        ],
        default="",
    )
    consultation_starts_on = _date(_l("Consultation starts on"))
    consultation_ends_on = _date(_l("Consultation ends on"))
    consultation_audience = RadioField(
        _l("Who may comment"),
        choices=[SelectChoice(value, label) for value, label in CONSULTATION_AUDIENCE_LABELS.items()],
        default="registered",
        validate_choice=False,
    )
    in_force_from = _date(_l("In force from"))

    def validate_consultation_audience(self, field: RadioField) -> None:
        if field.data not in CONSULTATION_AUDIENCE_LABELS:
            raise ValidationError(_l("Choose who may comment"))
