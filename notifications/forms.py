"""The notification settings form: one choice of channel per kind of notification."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from notifications.domain import Channel, Kind
from notifications.texts import CHANNEL_LABELS, KIND_LABELS


def settings_form(current: dict[Kind, Channel], formdata=None) -> FlaskForm:
    class NotificationSettingsForm(FlaskForm):
        pass

    for kind in Kind:
        setattr(
            NotificationSettingsForm,
            f"kind_{kind.value}",
            SelectField(
                KIND_LABELS[kind],
                choices=[SelectChoice(channel.value, CHANNEL_LABELS[channel]) for channel in Channel],
                default=current[kind].value,
                validators=[InputRequired()],
            ),
        )
    if formdata is None:
        return NotificationSettingsForm(formdata=None)
    return NotificationSettingsForm()
