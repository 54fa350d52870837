"""WTForms for organisations and their members. Limits match governance.services.organisations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from governance.forms import email_field, no_control_characters
from governance.labels import ORGANISATION_KIND_LABELS, ORGANISATION_ROLE_LABELS
from governance.services.organisations import (
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_WEBSITE_LENGTH,
)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def web_address(form: FlaskForm, field: URLField) -> None:
    value = field.data or ""
    if value and not (value.startswith(("http://", "https://")) and len(value) > len("https://")):
        raise ValidationError(_l("Enter a web address that starts with https:// or http://"))


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(message=_l("Enter the name of the organisation")),
            Length(max=MAX_NAME_LENGTH, message=_l("The name must be %(max)d characters or fewer")),
            no_control_characters,
        ],
        filters=[_strip],
    )
    kind = SelectField(
        _l("Kind of organisation"),
        choices=[
            SelectChoice("", _l("Choose a kind")),
            *(SelectChoice(value, label) for value, label in ORGANISATION_KIND_LABELS.items()),
        ],
        # Checked below, so an unknown value gets the same friendly message as an empty one.
        validate_choice=False,
    )
    description = TextAreaField(
        _l("Description"),
        validators=[
            Optional(),
            Length(
                max=MAX_DESCRIPTION_LENGTH,
                message=_l("The description must be %(max)d characters or fewer"),
            ),
        ],
    )
    website = URLField(
        _l("Website"),
        validators=[
            Optional(),
            Length(max=MAX_WEBSITE_LENGTH, message=_l("The web address must be %(max)d characters or fewer")),
            web_address,
        ],
        filters=[_strip],
    )

    def validate_kind(self, field: SelectField) -> None:
        if field.data not in ORGANISATION_KIND_LABELS:
            raise ValidationError(_l("Choose the kind of organisation"))


class AddMemberForm(FlaskForm):
    email = email_field(_l("E-mail address of their account"))
    role = RadioField(
        _l("Role in the organisation"),
        choices=[SelectChoice(value, label) for value, label in ORGANISATION_ROLE_LABELS.items()],
        default="member",
        validators=[InputRequired(message=_l("Choose a role"))],
    )
