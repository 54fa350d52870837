"""WTForms for amendments: choosing what to propose, the proposal itself and decisions. Limits match
amendments.domain.proposals; the services check them again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from agreements.document_forms import DocumentForm
from agreements.labels import SECTION_KIND_LABELS
from amendments.domain.proposals import MAX_RATIONALE, MAX_TEXT, MAX_TITLE
from amendments.labels import KIND_LABELS

MAX_NOTE = 5_000


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ChooseForm(DocumentForm):
    """Step 1 (a GET form): what kind of amendment, and which section it concerns."""

    class Meta:
        csrf = False

    kind = RadioField(
        _l("What do you want to propose?"),
        choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()],
        validators=[InputRequired(message=_l("Choose what you want to propose"))],
    )
    section = SelectField(_l("Which section?"), choices=[], validate_choice=False)

    def set_sections(self, sections: Sequence[Any]) -> None:
        self.section.choices = [("", _l("At the start (for a new section)"))] + [
            (section.key, section.title) for section in sections
        ]


class ProposeForm(DocumentForm):
    """Step 2: the new text (or the removal) with its rationale."""

    kind = HiddenField()
    section = HiddenField()
    base_version = HiddenField()
    section_kind = SelectField(
        _l("Kind of section"),
        choices=[SelectChoice(value, label) for value, label in SECTION_KIND_LABELS.items()],
        validate_choice=False,
    )
    title = StringField(
        _l("Title of the section"),
        validators=[
            Optional(),
            Length(max=MAX_TITLE, message=_l("The title must be %(max)d characters or fewer")),
        ],
        filters=[_strip],
    )
    body = TextAreaField(
        _l("Text of the section"),
        validators=[
            Optional(),
            Length(max=MAX_TEXT, message=_l("The text must be %(max)d characters or fewer")),
        ],
        default="",
    )
    rationale = TextAreaField(
        _l("Rationale"),
        validators=[
            DataRequired(message=_l("Say why you propose this")),
            Length(max=MAX_RATIONALE, message=_l("The rationale must be %(max)d characters or fewer")),
        ],
    )


class DecisionForm(DocumentForm):
    note = TextAreaField(
        _l("Reason (shown with the decision)"),
        validators=[
            Optional(),
            Length(max=MAX_NOTE, message=_l("The reason must be %(max)d characters or fewer")),
        ],
        default="",
    )
