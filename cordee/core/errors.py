"""Domain errors: raised by services and selectors, turned into 4xx by the API and the views."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that cannot be honoured as asked. ``status`` is the HTTP status to answer."""

    status = 400
    code = "invalid"

    def __init__(self, message: Any, *, field_errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field_errors = field_errors or {}

    @property
    def explained(self) -> str:
        """The message and what each field's errors add: for places that show one line."""
        details = [m for ms in self.field_errors.values() for m in ms if m != self.message]
        return " ".join([self.message, *details])


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Gone(DomainError):
    """Something that existed and no longer can be used (an expired or used invitation link)."""

    status = 410
    code = "gone"
