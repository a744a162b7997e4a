"""The kinds of failure the domain can report; each aggregate derives its own names from these."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused a command; nothing was recorded."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """A value is malformed or out of range."""


class NotPermitted(DomainError):
    """The actor may not do this."""


class Conflict(DomainError):
    """The command does not fit the current state (or duplicates an existing record)."""


class NotFound(DomainError):
    """No such record."""
