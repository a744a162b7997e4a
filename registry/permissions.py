"""Who may do what: one declarative table of role x action, checked in one place."""

from __future__ import annotations

from domain.errors import NotPermitted
from domain.values import Actor, Role

ADMIN, BODY, REGULATOR = Role.ADMIN.value, Role.EVALUATION_BODY.value, Role.REGULATOR.value
ENTERPRISE, PLATFORM = Role.ENTERPRISE.value, Role.PLATFORM.value

# action -> roles allowed to attempt it. Scope (whose declaration, whose scheme) is
# checked by the use case against the record it touches, through `check_subject`.
PERMISSIONS: dict[str, frozenset[str]] = {
    "register_body": frozenset({ADMIN}),
    "suspend_body": frozenset({ADMIN}),
    "issue_credential": frozenset({ADMIN}),
    "revoke_credential": frozenset({ADMIN}),
    "rotate_credential": frozenset({ADMIN}),
    "declare": frozenset({ENTERPRISE, PLATFORM}),
    "revise_declaration": frozenset({ENTERPRISE, PLATFORM}),
    "withdraw_declaration": frozenset({ENTERPRISE, PLATFORM}),
    "draft_scheme": frozenset({BODY}),
    "review_scheme": frozenset({ADMIN}),
    "enter_candidate": frozenset({BODY}),
    "evaluate": frozenset({BODY}),
    "publish_ranking": frozenset({BODY}),
    "award": frozenset({BODY}),
    "file_complaint": frozenset({REGULATOR}),
    "decide_complaint": frozenset({REGULATOR}),
    "revoke_title": frozenset({BODY, REGULATOR}),
}

# The few reads that are not public: served from the read models, checked all the same.
READ_PERMISSIONS: dict[str, frozenset[str]] = {
    "list_credentials": frozenset({ADMIN}),
}

# Roles whose subject must match the record's owner (enterprise: credit code;
# evaluation body: body id). Other roles act for the registry as a whole.
SCOPED_ROLES = frozenset({ENTERPRISE, BODY})


class Forbidden(NotPermitted):
    """The credential's role or subject may not perform this action."""


def check_role(actor: Actor, action: str) -> None:
    """Refuse unless the actor's role may perform the action (a write, or a private read)."""
    allowed = PERMISSIONS[action] if action in PERMISSIONS else READ_PERMISSIONS[action]
    if actor.role not in allowed:
        raise Forbidden(f"role {actor.role!r} may not {action.replace('_', ' ')}")


def check_subject(actor: Actor, owner: str, what: str) -> None:
    """Scoped roles may act only on what they own."""
    if actor.role in SCOPED_ROLES and actor.subject != owner:
        raise Forbidden(f"this credential may not act on {what}")
