"""Forms of the moderation queue; each comment's forms carry the comment's id as prefix."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from governance.forms import no_control_characters
from moderation.services.moderation import MAX_REASON


def _reason(label, required: bool = True) -> TextAreaField:
    validators = [
        DataRequired(message=_l("Give a reason: it is shown publicly")) if required else Optional(),
        Length(max=MAX_REASON, message=_l("The reason must be %(max)d characters or fewer", max=MAX_REASON)),
        no_control_characters,
    ]
    return TextAreaField(label, validators=validators)


class HideForm(FlaskForm):
    reason = _reason(_l("Public reason for hiding"))
    next = HiddenField()


class RestoreForm(FlaskForm):
    reason = _reason(_l("Public reason for restoring"), required=False)
    next = HiddenField()


class DismissForm(FlaskForm):
    next = HiddenField()


class BlockForm(FlaskForm):
    reason = _reason(_l("Public reason for blocking"))
    user_id = HiddenField()
    document_id = HiddenField()
    next = HiddenField()


class LiftForm(FlaskForm):
    next = HiddenField()
