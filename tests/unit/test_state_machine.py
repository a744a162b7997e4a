"""State machines of the aggregates: illegal commands raise and record nothing."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.candidacy import (
    Candidacy,
    CandidacyStateConflict,
    CategoryMismatch,
    InvalidEvaluation,
)
from domain.complaint import Complaint, ComplaintAlreadyDecided
from domain.credential import Credential, CredentialAlreadyRevoked
from domain.declaration import DeclarationWithdrawn
from domain.evaluation_body import BodyStatusConflict
from domain.scheme import Scheme, SchemeStateConflict
from domain.values import Actor
from tests.unit.aggregates import BODY_ACTOR, T0, new_body, new_declaration, new_scheme
from tests.worlds import ADMIN, CATEGORY, INDICATORS, REGULATOR

VALID_UNTIL = T0 + timedelta(days=400)
DURING = T0 + timedelta(days=100)  # within validity
LAPSED = T0 + timedelta(days=500)  # validity over, expiry not yet recorded


def settled(*aggregates: Aggregate) -> None:
    for aggregate in aggregates:
        aggregate.collect_events()


def refused(error: type[Exception], aggregate: Aggregate, call: Callable[[], Any]) -> None:
    """`call` must raise `error` and leave `aggregate` exactly as it was, with nothing pending."""
    settled(aggregate)
    before = deepcopy(vars(aggregate))
    with pytest.raises(error):
        call()
    assert aggregate.pending_events == []
    assert vars(aggregate) == before


# Candidacy ---------------------------------------------------------------------------------
def evaluate(c: Candidacy, at: datetime) -> None:
    c.evaluate(values={"eff": Decimal(130)}, indicators=INDICATORS, actor=BODY_ACTOR, at=at)


def place(c: Candidacy, at: datetime, qualified: bool = True) -> None:
    placing: dict[str, Any] = {"rank": 1, "score": Decimal("0.3"), "breakdown": []}
    c.place(qualified=qualified, publicity_ends_at=at, actor=BODY_ACTOR, at=at, **placing)


COMMANDS: dict[str, Callable[[Candidacy, datetime], None]] = {
    "evaluate": evaluate,
    "exclude": lambda c, at: c.exclude(reason="format", actor=BODY_ACTOR, at=at),
    "place": place,
    "reject": lambda c, at: c.reject(reason="below baseline", actor=BODY_ACTOR, at=at),
    "award": lambda c, at: c.award(valid_until=VALID_UNTIL, actor=BODY_ACTOR, at=at),
    "complaint_filed": lambda c, at: c.complaint_filed(
        complaint_id=uuid4(), actor=REGULATOR, at=at
    ),
    "revoke": lambda c, at: c.revoke(reason="fraud", actor=REGULATOR, at=at),
    "expire": lambda c, at: c.expire(actor=Actor.system(), at=at),
    "supersede": lambda c, at: c.supersede(by_scheme_id=uuid4(), actor=BODY_ACTOR, at=at),
}

# state -> (commands that lead there from "entered", when the next command is tried, legal ones)
# where "a>b" means command a is legal and leads to status b.
STATES: dict[str, tuple[list[str], datetime, str]] = {
    "entered": ([], T0, "evaluate>evaluated exclude>excluded"),
    "evaluated": (
        ["evaluate"],
        T0,
        "evaluate>evaluated exclude>excluded place>publicised reject>not_ranked",
    ),
    "excluded": (["exclude"], T0, "evaluate>evaluated exclude>excluded"),
    "not_ranked": (["evaluate", "reject"], T0, ""),
    "ranked": (["evaluate", "place_below"], T0, ""),
    "publicised": (
        ["evaluate", "place"],
        DURING,
        "award>awarded complaint_filed>publicised revoke>revoked",
    ),
    "awarded": (
        ["evaluate", "place", "award"],
        DURING,
        "complaint_filed>awarded revoke>revoked supersede>superseded",
    ),
    "awarded_lapsed": (["evaluate", "place", "award"], LAPSED, "expire>expired"),
    "revoked": (["evaluate", "place", "revoke"], DURING, ""),
    "expired": (["evaluate", "place", "award", "expire_late"], LAPSED, ""),
    "superseded": (["evaluate", "place", "award", "supersede_now"], DURING, ""),
}
LEGAL = [(s, *move.split(">")) for s, (_, _, legal) in STATES.items() for move in legal.split()]
ILLEGAL = [
    (s, cmd) for s, (_, _, legal) in STATES.items() for cmd in COMMANDS if f"{cmd}>" not in legal
]


def candidacy_in(state: str) -> Candidacy:
    scheme = new_scheme("approved")
    c = Candidacy.enter(scheme=scheme, declaration=new_declaration(), actor=BODY_ACTOR, at=T0)
    steps: dict[str, Callable[[Candidacy, datetime], object]] = {
        **COMMANDS,
        "place_below": lambda c, at: place(c, at, qualified=False),
        "expire_late": lambda c, at: c.expire(actor=Actor.system(), at=LAPSED),
        "supersede_now": lambda c, at: COMMANDS["supersede"](c, DURING),
    }
    for step in STATES[state][0]:
        steps[step](c, T0)
    assert c.status == state.removesuffix("_lapsed")
    settled(c)
    return c


@pytest.mark.parametrize(("state", "command"), ILLEGAL)
def test_illegal_candidacy_command_raises_and_records_nothing(state: str, command: str) -> None:
    c = candidacy_in(state)
    refused(CandidacyStateConflict, c, lambda: COMMANDS[command](c, STATES[state][1]))


@pytest.mark.parametrize(("state", "command", "after"), LEGAL)
def test_legal_candidacy_command_records_one_event(state: str, command: str, after: str) -> None:
    c = candidacy_in(state)
    COMMANDS[command](c, STATES[state][1])
    assert (c.status, len(c.collect_events())) == (after, 1)


@pytest.mark.parametrize("state", list(STATES))
def test_closing_an_unknown_complaint_is_refused(state: str) -> None:
    c = candidacy_in(state)
    close = lambda: c.complaint_closed(  # noqa: E731
        complaint_id=uuid4(), outcome="dismissed", actor=REGULATOR, at=DURING
    )
    refused(CandidacyStateConflict, c, close)


def test_open_complaint_blocks_the_award_and_closing_it_releases_it() -> None:
    c = candidacy_in("publicised")
    complaint_id = uuid4()
    c.complaint_filed(complaint_id=complaint_id, actor=REGULATOR, at=DURING)
    refused(CandidacyStateConflict, c, lambda: COMMANDS["award"](c, DURING))
    c.complaint_closed(complaint_id=complaint_id, outcome="dismissed", actor=REGULATOR, at=DURING)
    COMMANDS["award"](c, DURING)
    assert c.status == "awarded"


@pytest.mark.parametrize(
    ("scheme_status", "withdrawn", "category", "error"),
    [
        ("approved", True, CATEGORY, DeclarationWithdrawn),
        ("approved", False, "C9999", CategoryMismatch),
        ("draft", False, CATEGORY, SchemeStateConflict),
        ("ranked", False, CATEGORY, SchemeStateConflict),
    ],
)
def test_entry_is_refused_and_the_scheme_records_nothing(
    scheme_status: str, withdrawn: bool, category: str, error: type[Exception]
) -> None:
    scheme, declaration = new_scheme(scheme_status), new_declaration(category)
    if withdrawn:
        declaration.withdraw(reason="replaced", actor=ADMIN, at=T0)
    enter = lambda: Candidacy.enter(  # noqa: E731
        scheme=scheme, declaration=declaration, actor=BODY_ACTOR, at=T0
    )
    refused(error, scheme, enter)


def evaluation(values: dict[str, Decimal]) -> Callable[[Candidacy], None]:
    return lambda c: c.evaluate(values=values, indicators=INDICATORS, actor=BODY_ACTOR, at=T0)


@pytest.mark.parametrize(
    ("state", "call"),
    [
        ("entered", lambda c: c.exclude(reason="  ", actor=BODY_ACTOR, at=T0)),
        ("awarded", lambda c: c.revoke(reason="", actor=REGULATOR, at=DURING)),
        ("entered", evaluation({})),
        ("entered", evaluation({"eff": Decimal(1), "zzz": Decimal(1)})),
        ("entered", evaluation({"eff": Decimal("NaN")})),
    ],
    ids=["blank-exclusion", "blank-revocation", "missing-core", "unknown-code", "not-finite"],
)
def test_invalid_candidacy_input_records_nothing(
    state: str, call: Callable[[Candidacy], None]
) -> None:
    c = candidacy_in(state)
    refused(InvalidEvaluation, c, lambda: call(c))


# Scheme ------------------------------------------------------------------------------------
SCHEME_COMMANDS: dict[str, Callable[[Scheme], Any]] = {
    "approve": lambda s: s.review(approved=True, reason="", actor=ADMIN, at=T0),
    "reject": lambda s: s.review(approved=False, reason="weak", actor=ADMIN, at=T0),
    "enter_candidate": lambda s: s.enter_candidate(candidacy_id=uuid4(), actor=BODY_ACTOR, at=T0),
    "publish_ranking": lambda s: s.publish_ranking(
        ranked=1, qualified_ids=[], actor=BODY_ACTOR, at=T0
    ),
    "award": lambda s: s.award(awarded_ids=[], actor=BODY_ACTOR, at=T0 + timedelta(days=30)),
}
SCHEME_LEGAL = {
    "draft": {"approve", "reject"},
    "approved": {"enter_candidate", "publish_ranking"},
    "rejected": set(),
    "ranked": {"award"},
    "awarded": set(),
}


@pytest.mark.parametrize(
    ("status", "command"),
    [(s, c) for s, legal in SCHEME_LEGAL.items() for c in SCHEME_COMMANDS if c not in legal],
)
def test_illegal_scheme_command_raises_and_records_nothing(status: str, command: str) -> None:
    scheme = new_scheme(status)
    refused(SchemeStateConflict, scheme, lambda: SCHEME_COMMANDS[command](scheme))


@pytest.mark.parametrize(
    ("status", "command"), [(s, c) for s, legal in SCHEME_LEGAL.items() for c in sorted(legal)]
)
def test_legal_scheme_command_records_one_event(status: str, command: str) -> None:
    scheme = new_scheme(status)
    SCHEME_COMMANDS[command](scheme)
    assert len(scheme.collect_events()) == 1


def test_scheme_without_candidates_cannot_be_ranked_nor_awarded_in_its_window() -> None:
    scheme = new_scheme("draft")
    SCHEME_COMMANDS["approve"](scheme)
    refused(SchemeStateConflict, scheme, lambda: SCHEME_COMMANDS["publish_ranking"](scheme))
    scheme = new_scheme("ranked")
    early = T0 + timedelta(days=10, seconds=-1)
    award = lambda: scheme.award(awarded_ids=[], actor=BODY_ACTOR, at=early)  # noqa: E731
    refused(SchemeStateConflict, scheme, award)


# Complaint, declaration, body, credential ------------------------------------------------
def complaint_in(status: str) -> Complaint:
    complaint = Complaint.file(
        candidacy_id=uuid4(),
        complainant_kind="media",
        grounds="fraud",
        description="forged test report",
        evidence=[],
        actor=REGULATOR,
        at=T0,
    )
    if status in ("upheld", "dismissed"):
        complaint.decide(upheld=status == "upheld", findings="done", actor=REGULATOR, at=T0)
    assert complaint.status == status
    settled(complaint)
    return complaint


@pytest.mark.parametrize(
    ("status", "command"),
    [(s, "decide") for s in ("upheld", "dismissed")],
)
def test_illegal_complaint_transition_records_nothing(status: str, command: str) -> None:
    complaint = complaint_in(status)
    calls: dict[str, Callable[[], None]] = {
        "decide": lambda: complaint.decide(
            upheld=False, findings="again", actor=REGULATOR, at=DURING
        ),
    }
    refused(ComplaintAlreadyDecided, complaint, calls[command])


@pytest.mark.parametrize("status", ["filed"])
def test_open_complaint_can_be_decided(status: str) -> None:
    complaint = complaint_in(status)
    complaint.decide(upheld=True, findings="confirmed", actor=REGULATOR, at=DURING)
    assert (complaint.status, complaint.revokes, complaint.is_open) == ("upheld", True, False)


def test_withdrawn_declaration_can_be_neither_revised_nor_withdrawn() -> None:
    declaration = new_declaration()
    declaration.withdraw(reason="replaced", actor=ADMIN, at=T0)
    revise = lambda: declaration.revise(  # noqa: E731
        title="New",
        product=declaration.product,
        indicators={"eff": Decimal(150)},
        disclosed_on=date(2024, 12, 2),
        committed=True,
        actor=ADMIN,
        at=DURING,
    )
    refused(DeclarationWithdrawn, declaration, revise)
    withdraw = lambda: declaration.withdraw(reason="again", actor=ADMIN, at=DURING)  # noqa: E731
    refused(DeclarationWithdrawn, declaration, withdraw)
    assert (declaration.status, declaration.withdrawal_reason) == ("withdrawn", "replaced")


def test_body_status_and_credential_revocation_are_not_repeated() -> None:
    body = new_body()
    body.suspend(reason="audit", actor=ADMIN, at=T0)
    refused(BodyStatusConflict, body, lambda: body.suspend(reason="again", actor=ADMIN, at=T0))
    credential = Credential.issue(
        token="lr_x", role="regulator", subject="AMR", label="", expires_at=None, actor=ADMIN, at=T0
    )
    credential.revoke(actor=ADMIN, at=T0)
    refused(CredentialAlreadyRevoked, credential, lambda: credential.revoke(actor=ADMIN, at=T0))
