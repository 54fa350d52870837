"""WTForms for accounts and spaces. Labels and messages are lazy so they follow the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from governance.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

EMAIL_REQUIRED = _l("Enter your e-mail address")
EMAIL_INVALID = _l("Enter an e-mail address in the right format, like name@example.org")


def email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            DataRequired(message=EMAIL_REQUIRED),
            Length(max=320, message=_l("The e-mail address must be 320 characters or fewer")),
            Email(message=EMAIL_INVALID, check_deliverability=False),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )


def new_password_field(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[
            DataRequired(message=_l("Enter a password")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l("The password must be between %(min)d and %(max)d characters long"),
            ),
        ],
    )


def display_name_field() -> StringField:
    return StringField(
        _l("Your name"),
        validators=[
            DataRequired(message=_l("Enter your name")),
            Length(max=120, message=_l("The name must be 120 characters or fewer")),
        ],
    )


def pseudonym_field() -> StringField:
    return StringField(
        _l("Pseudonym"),
        validators=[
            Optional(),
            Length(min=3, max=60, message=_l("The pseudonym must be between 3 and 60 characters long")),
        ],
    )


class RegistrationForm(FlaskForm):
    display_name = display_name_field()
    pseudonym = pseudonym_field()
    email = email_field()
    password = new_password_field()
    password_confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(message=_l("Repeat the password")),
            EqualTo("password", message=_l("The two passwords are not the same")),
        ],
    )
    accept_terms = BooleanField(
        _l("I have read how Raumrat uses my data"),
        validators=[DataRequired(message=_l("Confirm that you have read how Raumrat uses your data"))],
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password")),
            Length(max=MAX_PASSWORD_LENGTH, message=_l("The password is too long")),
        ],
    )
    remember = BooleanField(_l("Stay signed in on this device"))


def no_control_characters(form: FlaskForm, field: StringField) -> None:
    if field.data and any(ord(char) < 32 and char not in "\r\n\t" for char in field.data):
        raise ValidationError(_l("Remove the invisible control characters from this field"))


class SpaceGroupForm(FlaskForm):
    # no_control_characters: PostgreSQL refuses a NUL even in the query that checks the name is free.
    name = StringField(
        _l("Name of the social space"),
        validators=[
            DataRequired(message=_l("Enter a name for the social space")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
            no_control_characters,
        ],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[
            Optional(),
            Length(max=5000, message=_l("The description must be 5000 characters or fewer")),
            no_control_characters,
        ],
    )
