"""Who may do what: one declarative table of role x action, checked in one place."""

from __future__ import annotations

from domain.errors import NotPermitted
from domain.values import Actor, Role

ADMIN, BODY, REGULATOR = Role.ADMIN.value, Role.EVALUATION_BODY.value, Role.REGULATOR.value
ENTERPRISE, PLATFORM = Role.ENTERPRISE.value, Role.PLATFORM.value
SUBSCRIBER = Role.SUBSCRIBER.value

# action -> roles allowed to attempt it. Scope is checked against the record touched: an
# enterprise's own declarations by `check_subject`, a body's own schemes by the domain
# (`Scheme.check_body`, rule 2).
PERMISSIONS: dict[str, frozenset[str]] = {
    "register_body": frozenset({ADMIN}),
    "suspend_body": frozenset({ADMIN}),
    "reinstate_body": frozenset({ADMIN}),
    "change_body_categories": frozenset({ADMIN}),
    "issue_credential": frozenset({ADMIN}),
    "revoke_credential": frozenset({ADMIN}),
    "rotate_credential": frozenset({ADMIN}),
    "define_category": frozenset({ADMIN}),
    "rename_category": frozenset({ADMIN}),
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
    "investigate_complaint": frozenset({REGULATOR}),
    "answer_complaint": frozenset({ENTERPRISE}),
    "decide_complaint": frozenset({REGULATOR}),
    "dismiss_report": frozenset({REGULATOR}),
    "open_complaint_from_report": frozenset({REGULATOR}),
    "revoke_title": frozenset({BODY, REGULATOR}),
    "erase_report_personal_data": frozenset({ADMIN, REGULATOR}),
    "register_subscription": frozenset({SUBSCRIBER}),
    "manage_subscription": frozenset({SUBSCRIBER}),
}

# Writes anyone may make, without a credential (limited per client address and per target
# instead: `service.report_limits`). They never create a credential.
ANONYMOUS_ACTIONS = frozenset({"file_report"})

# The few actions that record no event: private reads, and signing an audit checkpoint.
READ_PERMISSIONS: dict[str, frozenset[str]] = {
    "list_credentials": frozenset({ADMIN}),
    "sign_checkpoint": frozenset({ADMIN}),
    "read_desk": frozenset({REGULATOR}),
    "read_report_personal_data": frozenset({REGULATOR}),
    "read_subscriptions": frozenset({SUBSCRIBER}),
}

# Roles whose subject must match the record's owner (enterprise: credit code, checked by
# `check_subject`; evaluation body: body id, the domain's rule 2). A regulator is bound by
# region instead (`domain.jurisdiction`, rule 17); an administrator and a platform act for
# the registry as a whole. A subscriber reaches only its own subscriptions, and another's
# does not exist for it ("not found", `registry.cases.subscriptions`), so it is not listed.
SCOPED_ROLES = frozenset({ENTERPRISE, BODY})


class Forbidden(NotPermitted):
    """The credential's role or subject may not perform this action."""


def check_role(actor: Actor, action: str) -> None:
    """Refuse unless the actor's role may perform the action (a write, or a private read)."""
    allowed = PERMISSIONS[action] if action in PERMISSIONS else READ_PERMISSIONS[action]
    if actor.role not in allowed:
        raise Forbidden(f"role {actor.role!r} may not {action.replace('_', ' ')}")


def check_subject(actor: Actor, owner: str, what: str) -> None:
    """Scoped roles may act only on what they own (the use cases call it for enterprises)."""
    if actor.role in SCOPED_ROLES and actor.subject != owner:
        raise Forbidden(f"this credential may not act on {what}")


# What a scoped role's subject must own for each action it may take (documentation and
# the README table; the checks are `check_subject` for enterprises, `Scheme.check_body`).
SCOPES: dict[str, str] = {
    "declare": "enterprise: its own credit code",
    "revise_declaration": "enterprise: its own declarations",
    "withdraw_declaration": "enterprise: its own declarations",
    "draft_scheme": "evaluation body: itself, in a category it is accredited for",
    "enter_candidate": "evaluation body: its own schemes",
    "evaluate": "evaluation body: its own schemes' candidates",
    "publish_ranking": "evaluation body: its own schemes",
    "award": "evaluation body: its own schemes",
    "revoke_title": "evaluation body: its own schemes' titles; regulator: titles on lists "
    "of its region or below",
    "file_complaint": "regulator: titles on lists of its region or below",
    "investigate_complaint": "regulator: complaints about titles on lists of its region or below",
    "answer_complaint": "enterprise: complaints about its own candidacies",
    "decide_complaint": "regulator: complaints about titles on lists of its region or below",
    "dismiss_report": "regulator: reports about titles on lists of its region or below, or "
    "about enterprises registered there",
    "open_complaint_from_report": "regulator: reports about titles on lists of its region or "
    "below, or about enterprises registered there",
    "read_desk": "regulator: complaints and reports within its region",
    "register_subscription": "subscriber: for itself",
    "manage_subscription": "subscriber: its own subscriptions (pause, resume, replay, new "
    "secret, delete)",
    "read_subscriptions": "subscriber: its own subscriptions and their deliveries",
}


def markdown_table() -> str:
    """The permission table as the README shows it (a test keeps the two equal)."""
    rows = ["| Action | Roles | Scope |", "|---|---|---|"]
    for action, roles in {**PERMISSIONS, **READ_PERMISSIONS}.items():
        names = ", ".join(f"`{r}`" for r in sorted(roles))
        rows.append(f"| `{action}` | {names} | {SCOPES.get(action, '')} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
