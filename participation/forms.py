"""WTForms of participation. Limits match participation.services.access; the services check again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from participation.services.access import MAX_COMMENT, MAX_REASON, MAX_STATEMENT


def _too_long(maximum: int) -> str:
    return _l("This is too long: at most %(max)d characters", max=maximum)


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(_l("Write your comment")),
            Length(max=MAX_COMMENT, message=_too_long(MAX_COMMENT)),
        ],
    )
    as_pseudonym = BooleanField(_l("Post under my pseudonym (without my party and organisation)"))
    next = HiddenField()


class EditCommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(_l("Write your comment")),
            Length(max=MAX_COMMENT, message=_too_long(MAX_COMMENT)),
        ],
    )
    revision = IntegerField(validators=[DataRequired()])


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("Why should the moderators look at this comment?"),
        validators=[DataRequired(_l("Give a reason")), Length(max=MAX_REASON, message=_too_long(MAX_REASON))],
    )


class StatementForm(FlaskForm):
    organisation_id = SelectField(_l("On behalf of"), coerce=int, validate_choice=True)
    body = TextAreaField(
        _l("Statement"),
        validators=[
            DataRequired(_l("Write the statement")),
            Length(max=MAX_STATEMENT, message=_too_long(MAX_STATEMENT)),
        ],
    )
    amendment_id = HiddenField()
