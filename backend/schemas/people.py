"""Argument schemas of the enterprise, user and certificate commands (docs/commands.md)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from ..rules.industries import INDUSTRY_KEYS
from ..rules.people_rules import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_PATTERN
from ..rules.regions import is_code, level_of
from ..rules.roles import EMPLOYMENT_TYPES, ENTERPRISE_FLAGS, ENTERPRISE_ROLES
from ..rules.uscc import is_valid_uscc
from .hazard_commands import ArgsSchema, text

GRADES = (1, 2, 3)


def _uscc(value: str) -> None:
    if not is_valid_uscc(value):
        raise ValidationError("not a valid unified social credit code (GB 32100 check character)")


def _not_empty(schema: ArgsSchema, data: dict) -> None:
    if not data:
        raise ValidationError(f"give at least one of: {', '.join(sorted(schema.fields))}")


def _name(required: bool) -> fields.String:
    return fields.String(required=required, validate=validate.Length(min=1, max=200))


def _flags(**extra) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(ENTERPRISE_FLAGS)), **extra)


def _industry(**extra) -> fields.String:
    # A new enterprise names its industry: it decides which article of 令第10号 its checklist holds. Stored
    # None only for enterprises registered before issue 9 that migration 0018 could not place.
    return fields.String(validate=validate.OneOf(INDUSTRY_KEYS), **extra)


def _grade(**extra) -> fields.Integer:
    return fields.Integer(allow_none=True, validate=validate.OneOf(GRADES), **extra)


def _address(**extra) -> fields.String:
    return fields.String(validate=validate.Length(max=300), **extra)


def _county(value: str) -> None:
    if not is_code(value) or level_of(value) != "county":
        raise ValidationError("must be a known county-level GB/T 2260 code")


class EnterpriseRegisterArgs(ArgsSchema):
    """Bureau: a new enterprise keyed by its unique, checksummed USCC, in a county of the bureau's region."""

    uscc = fields.String(required=True, validate=_uscc)
    region_code = fields.String(required=True, validate=_county)
    name = _name(required=True)
    industry = _industry(required=True)
    flags = _flags(load_default=list)
    standardisation_grade = _grade(load_default=None)
    address = _address(load_default="")


class EnterpriseUpdateArgs(ArgsSchema):
    """Bureau: the given profile fields replaced; counts as a ledger update."""

    uscc = fields.String(validate=_uscc)
    name = _name(required=False)
    industry = _industry()
    flags = _flags()
    standardisation_grade = _grade()
    address = _address()

    @validates_schema
    def something_given(self, data, **kwargs):
        """Refuse an update that changes nothing."""
        _not_empty(self, data)


class ConfirmLedgerArgs(ArgsSchema):
    """Officer/principal or bureau: the enterprise ledger (台账) confirmed up to date today."""

    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


def _password() -> fields.String:
    return fields.String(
        required=True, validate=validate.Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH)
    )


class _PersonDetails(ArgsSchema):
    job = fields.String(allow_none=True, validate=validate.Length(max=64))
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    hired_on = fields.Date(allow_none=True)


class UserCreateArgs(_PersonDetails):
    """Officer/principal (own enterprise) or bureau (any, enterprise_id required): a new active user."""

    username = fields.String(
        required=True, validate=validate.Regexp(USERNAME_PATTERN, error="3-64 characters of a-z 0-9 . _ -")
    )
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(required=True, validate=validate.OneOf(ENTERPRISE_ROLES))
    employment_type = fields.String(required=True, validate=validate.OneOf(EMPLOYMENT_TYPES))
    password = _password()
    enterprise_id = fields.UUID(load_default=None, allow_none=True)


class UserUpdateArgs(_PersonDetails):
    """Officer/principal or bureau: the given fields replaced; nobody changes their own role."""

    display_name = fields.String(validate=validate.Length(min=1, max=100))
    role = fields.String(validate=validate.OneOf(ENTERPRISE_ROLES))
    employment_type = fields.String(validate=validate.OneOf(EMPLOYMENT_TYPES))

    @validates_schema
    def something_given(self, data, **kwargs):
        """Refuse an update that changes nothing."""
        _not_empty(self, data)


class ResetPasswordArgs(ArgsSchema):
    """Officer/principal or bureau: a new password; the person's sign-ins end."""

    password = _password()


class DeactivateArgs(ArgsSchema):
    """Officer/principal or bureau, not on oneself: `active` false, sign-ins end, records stay."""

    reason = text(2000)


class ReactivateArgs(ArgsSchema):
    """Officer/principal or bureau: `active` true again."""


class CertificateRecordArgs(ArgsSchema):
    """Officer/principal: a special-operation certificate (expiry +6 years, review +3 by default)."""

    user_id = fields.UUID(required=True)
    operation = text(100)
    number = text(64)
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(load_default=None, allow_none=True)
    review_due_on = fields.Date(load_default=None, allow_none=True)
    # Art.21: the issuing authority extended reviews to every 6 years (10+ years in the trade, no violation).
    reviews_extended = fields.Boolean(load_default=False)

    @validates_schema
    def dates_after_issue(self, data, **kwargs):
        """Refuse an expiry or review date not after the issue date."""
        _after_issue(data, ("expires_on", "review_due_on"))


class CertificateReviewArgs(ArgsSchema):
    """Officer/principal: reviewed (复审); the next review is 3 years on (6 if extended); not when revoked."""

    reviewed_on = fields.Date(required=True)
    # Given at a review: the authority's decision on 6-yearly reviews (Art.21) from now on; absent: unchanged.
    reviews_extended = fields.Boolean()


class CertificateRenewArgs(ArgsSchema):
    """Officer/principal: a new issue date, number and expiry (+6 years by default); not when revoked."""

    issued_on = fields.Date(required=True)
    number = text(64)
    expires_on = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def dates_after_issue(self, data, **kwargs):
        """Refuse an expiry not after the issue date."""
        _after_issue(data, ("expires_on",))


class CertificateRevokeArgs(ArgsSchema):
    """Officer/principal: the certificate revoked (吊销/撤销)."""

    reason = text(2000)


def _after_issue(data: dict, names: tuple[str, ...]) -> None:
    issued = data.get("issued_on")
    late = {
        name: ["must be after issued_on"]
        for name in names
        if issued and data.get(name) and data[name] <= issued
    }
    if late:
        raise ValidationError(late)
