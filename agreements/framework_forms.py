"""WTForms for the frameworks' administration pages. Limits match agreements.services.drafts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from agreements.document_forms import DocumentForm
from agreements.domain.compliance import Requirements
from agreements.domain.sections import SectionKind
from agreements.labels import SECTION_KIND_LABELS
from agreements.services.drafts import MAX_TEXT, MAX_TITLE
from governance.labels import PARTY_LABELS
from governance.parties import Party

MAX_REVIEW_MONTHS = 120
# A free-text section is never a requirement: it says nothing about what an agreement settles.
REQUIRABLE_KINDS = [kind for kind in SectionKind if kind != SectionKind.TEXT]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes (rendered by the forms.choices macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: FlaskForm) -> None:
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(_l("Choose from the options shown"))


class NewFrameworkForm(DocumentForm):  # refuses NUL, which PostgreSQL cannot store
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Enter a title")),
            Length(max=MAX_TITLE, message=_l("The title must be %(max)d characters or fewer")),
        ],
        filters=[_strip],
    )
    preamble = TextAreaField(
        _l("Preamble"),
        validators=[Length(max=MAX_TEXT, message=_l("The preamble must be %(max)d characters or fewer"))],
    )


def review_months(form: FlaskForm, field: StringField) -> None:
    value = (field.data or "").strip()
    # isdecimal, not isdigit: int() refuses superscripts such as '²', and more than 4300 digits.
    if value and not (value.isdecimal() and len(value) <= 3 and 1 <= int(value) <= MAX_REVIEW_MONTHS):
        raise ValidationError(
            _l("Enter a whole number of months from 1 to %(max)d, or leave it empty", max=MAX_REVIEW_MONTHS)
        )


class RequirementsForm(FlaskForm):
    section_kinds = CheckboxesField(
        _l("Sections an agreement must contain"),
        choices=[SelectChoice(kind.value, SECTION_KIND_LABELS[kind.value]) for kind in REQUIRABLE_KINDS],
    )
    indicators_need_target = BooleanField(_l("Every quality standard needs an indicator with a target"))
    required_parties = CheckboxesField(
        _l("Parties that must be among the signatories"),
        choices=[SelectChoice(party.value, PARTY_LABELS[party.value]) for party in Party],
    )
    max_review_interval_months = StringField(
        _l("Longest time until the first review, in months"), validators=[review_months], filters=[_strip]
    )

    @classmethod
    def of(cls, requirements: Requirements) -> RequirementsForm:
        data = requirements.to_dict()
        months = data["max_review_interval_months"]
        return cls(
            formdata=None,
            data={
                "section_kinds": data["required_section_kinds"],
                "indicators_need_target": data["indicators_need_target"],
                "required_parties": data["required_parties"],
                "max_review_interval_months": "" if months is None else str(months),
            },
        )

    def requirements(self) -> Requirements:
        months = self.max_review_interval_months.data
        return Requirements(
            required_section_kinds=frozenset(SectionKind(value) for value in self.section_kinds.data or []),
            indicators_need_target=bool(self.indicators_need_target.data),
            required_parties=frozenset(self.required_parties.data or []),
            max_review_interval_months=int(months) if months else None,
        )
