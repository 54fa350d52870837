"""Forms for joining a space, invitations, member management and appointing facilitators.

Choice fields check their values with our own friendly messages (``validate_choice=False`` plus
``AnyOf``), so a tampered or outdated value is re-shown as a clear 422 instead of WTForms' wording.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from governance.forms import email_field, no_control_characters
from governance.labels import PARTY_MEMBER_LABELS, SPACE_ROLE_LABELS
from governance.parties import Party, SpaceRole, party_required
from governance.services.memberships import MAX_MESSAGE_LENGTH

PARTY_VALUES = [party.value for party in Party]
CHOOSE_PARTY = _l("Choose the party you speak for")
UNKNOWN_PARTY = _l("Choose one of the parties in the list")
UNKNOWN_ORGANISATION = _l("Choose one of the organisations in the list")
UNKNOWN_ROLE = _l("Choose one of the roles in the list")

# Plain explanations shown under each party's radio button.
PARTY_HINTS = {
    "beneficiary": _l("You receive support yourself, or could: for example help for people with "
                      "disabilities, care, youth welfare or social services."),
    "advocacy_group": _l("You speak for an association or self-help group of people who receive support."),
    "carrier": _l("You work for a public body that is responsible for support and pays for it, "
                  "for example the Amt für Soziale Dienste."),
    "provider": _l("You work for an organisation that provides support, for example a welfare association "
                   "or a social service."),
    "civil_society": _l("You are active as a volunteer, in a neighbourhood initiative or a club."),
    "administration": _l("You work for the administration of the Land or the city."),
}  # fmt: skip

ROLE_HINTS = {
    "member": _l("Speaks for a party, takes part in discussions and votes."),
    "observer": _l("Follows the social space without a party and without a vote."),
    "facilitator": _l("Runs the social space: decides on requests, invites and manages members."),
}


def _values(choices: list[SelectChoice]) -> list[str]:
    return [choice.value for choice in choices]


def _party_choices() -> list[SelectChoice]:
    return [SelectChoice(value, PARTY_MEMBER_LABELS[value]) for value in PARTY_VALUES]


def organisation_choices(organisations, none_label=None) -> list[SelectChoice]:
    return [
        SelectChoice("", none_label or _l("None – I speak only for myself")),
        *(SelectChoice(str(o.id), o.name) for o in organisations),
    ]


def _optional_id(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


class OrganisationChoiceMixin:
    """The organisation select's values are ids as text; ``organisation_id`` gives the chosen one."""

    organisation: SelectField

    def set_organisations(self, organisations, none_label=None) -> None:
        choices = organisation_choices(organisations, none_label)
        self.organisation.choices = choices
        self.organisation.validators = [Optional(), AnyOf(_values(choices), message=UNKNOWN_ORGANISATION)]

    @property
    def organisation_id(self) -> int | None:
        return _optional_id(self.organisation.data)


class JoinForm(OrganisationChoiceMixin, FlaskForm):
    party = RadioField(
        _l("Which party do you speak for in this social space?"),
        choices=_party_choices(),
        validate_choice=False,
        validators=[DataRequired(message=CHOOSE_PARTY), AnyOf(PARTY_VALUES, message=UNKNOWN_PARTY)],
    )
    organisation = SelectField(_l("Organisation you speak for"), validate_choice=False)
    message = TextAreaField(
        _l("Message to the facilitation"),
        validators=[
            Optional(),
            Length(max=MAX_MESSAGE_LENGTH, message=_l("The message must be %(max)d characters or fewer")),
            no_control_characters,
        ],
    )


class ApproveForm(FlaskForm):
    party = SelectField(
        _l("Party"),
        choices=_party_choices(),
        validate_choice=False,
        validators=[DataRequired(message=CHOOSE_PARTY), AnyOf(PARTY_VALUES, message=UNKNOWN_PARTY)],
    )


class _PartyForRoleMixin:
    """Members must name a party; observers and facilitators may leave it empty."""

    role: RadioField
    party: SelectField

    def validate_party(self, field: SelectField) -> None:
        if field.data in PARTY_VALUES:
            return
        if field.data:
            raise ValidationError(UNKNOWN_PARTY)
        if self.role.data in SpaceRole._value2member_map_ and party_required(SpaceRole(self.role.data)):
            raise ValidationError(_l("Members speak for a party: choose one"))


def _optional_party_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("No party")), *_party_choices()]


def _role_choices(*, with_facilitator: bool) -> list[SelectChoice]:
    roles = [SpaceRole.MEMBER, SpaceRole.OBSERVER] + ([SpaceRole.FACILITATOR] if with_facilitator else [])
    return [SelectChoice(role.value, SPACE_ROLE_LABELS[role.value]) for role in roles]


class _RoleChoiceMixin:
    role: RadioField

    def set_roles(self, *, with_facilitator: bool) -> None:
        choices = _role_choices(with_facilitator=with_facilitator)
        self.role.choices = choices
        self.role.validators = [
            DataRequired(message=_l("Choose a role")),
            AnyOf(_values(choices), message=UNKNOWN_ROLE),
        ]


class InvitationForm(_PartyForRoleMixin, _RoleChoiceMixin, OrganisationChoiceMixin, FlaskForm):
    email = email_field(_l("E-mail address of the person you invite"))
    role = RadioField(_l("Role"), default="member", validate_choice=False)
    party = SelectField(_l("Party"), choices=_optional_party_choices(), validate_choice=False)
    organisation = SelectField(_l("Organisation"), validate_choice=False)


class MemberForm(_PartyForRoleMixin, _RoleChoiceMixin, OrganisationChoiceMixin, FlaskForm):
    role = RadioField(_l("Role"), validate_choice=False)
    party = SelectField(_l("Party"), choices=_optional_party_choices(), validate_choice=False)
    organisation = SelectField(_l("Organisation"), validate_choice=False)


class AppointFacilitatorForm(FlaskForm):
    space = SelectField(
        _l("Social space"),
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose a social space"))],
    )
    email = email_field(_l("E-mail address of the new facilitator"))

    def set_spaces(self, spaces, level_labels) -> None:
        choices = [
            SelectChoice(str(space.id), f"{space.name} – {level_labels[space.level]}") for space in spaces
        ]
        self.space.choices = [SelectChoice("", _l("Choose a social space")), *choices]
        self.space.validators = [
            DataRequired(message=_l("Choose a social space")),
            AnyOf(_values(choices), message=_l("Choose a social space from the list")),
        ]

    @property
    def space_id(self) -> int | None:
        return _optional_id(self.space.data)
