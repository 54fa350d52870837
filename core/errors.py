"""Domain-level errors raised by services; views and the API translate them into HTTP answers."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: carries a user-facing message (already translated by the caller or lazy)."""

    status = 400

    def __init__(self, message: str = "", *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    status = 422
