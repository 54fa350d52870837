"""Forms for the forgotten-password flow and the personal settings page.

Field names differ between the settings forms because several of them share one page: the
error summary links to field ids, which must be unique there.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length

from governance.forms import (
    display_name_field,
    email_field,
    new_password_field,
    no_control_characters,
    pseudonym_field,
)
from governance.passwords import MAX_PASSWORD_LENGTH


def current_password_field(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Your current password"),
        validators=[
            DataRequired(message=_l("Enter your current password")),
            Length(max=MAX_PASSWORD_LENGTH, message=_l("The password is too long")),
        ],
    )


def repeat_password_field(other: str) -> PasswordField:
    return PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(message=_l("Repeat the new password")),
            EqualTo(other, message=_l("The two passwords are not the same")),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    password_confirm = repeat_password_field("password")


class NamesForm(FlaskForm):
    display_name = display_name_field()
    pseudonym = pseudonym_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.display_name.validators = [*self.display_name.validators, no_control_characters]
        self.pseudonym.validators = [*self.pseudonym.validators, no_control_characters]


class EmailForm(FlaskForm):
    new_email = email_field(_l("New e-mail address"))
    email_password = current_password_field()


class PasswordForm(FlaskForm):
    current_password = current_password_field()
    new_password = new_password_field(_l("New password"))
    new_password_confirm = repeat_password_field("new_password")


class LanguageForm(FlaskForm):
    locale = RadioField(
        _l("Language of Raumrat and of our e-mails"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
        # Our own message instead of WTForms' generic "Not a valid choice".
        validate_choice=False,
        validators=[
            DataRequired(message=_l("Choose a language")),
            AnyOf(["de", "en"], message=_l("Choose a language from the list")),
        ],
    )


class TokenForm(FlaskForm):
    token_name = StringField(
        _l("Name of the token"),
        validators=[
            DataRequired(message=_l("Enter a name for the token")),
            Length(max=100, message=_l("The name must be 100 characters or fewer")),
            no_control_characters,
        ],
    )


class DeleteAccountForm(FlaskForm):
    password = current_password_field(_l("Your password"))
    confirm = BooleanField(
        _l("I understand that my account will be deleted and cannot be restored"),
        validators=[DataRequired(message=_l("Confirm that you want to delete your account"))],
    )
