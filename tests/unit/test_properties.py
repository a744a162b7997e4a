"""Property-based tests: ranking invariants, complaint outcomes and replay of random histories.

1. `rank_entries` does not depend on the order of the entries (nor of their values).
2. Improving one indicator of one entry never lowers its rank nor rejects it; worsening
   never raises it.
3. Ranks are competition ranks over the exact scores; the top N ranks qualify.
4. Through the application: an upheld nonconformity/fraud complaint revokes a title in force;
   a dismissed complaint changes no status.
5. A random sequence of commands (refused ones record nothing) is reproduced exactly, version
   by version, by a second application reading the same SQLite event store.
"""

from __future__ import annotations

import shutil
import tempfile
from copy import deepcopy
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from domain.candidacy import Status
from domain.complaint import REVOKING_GROUNDS, Grounds
from domain.errors import DomainError
from domain.ranking import Entry, Placement, RankingResult, rank_entries
from domain.scheme import SchemeStatus
from domain.values import Actor, Direction, Enterprise, Indicator, IndicatorKind, Product
from registry.application import LeaderRegistry
from registry.base import Receipt
from tests.clock import Clock
from tests.worlds import (
    ADMIN,
    CATEGORY,
    OTHER_CATEGORY,
    PLATFORM,
    REGION,
    REGULATOR,
    World,
    award_cycle,
    complain,
    credit_code,
    enter_and_evaluate,
    in_memory_world,
    ranked,
)

D = Decimal
HIGHER, LOWER = Direction.HIGHER.value, Direction.LOWER.value
CORE, BASIC = IndicatorKind.CORE.value, IndicatorKind.BASIC.value
INNOVATION = IndicatorKind.INNOVATION.value

# 1-3. The ranking ===========================================================================
RANKING = settings(max_examples=150, deadline=None)

finite_decimals = st.one_of(
    st.integers(-1000, 1000).map(Decimal),
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-1, max_value=1, places=12, allow_nan=False, allow_infinity=False),
)
baselines = st.one_of(st.sampled_from([D(0), D(1), D(-5), D(100), D("0.5")]), finite_decimals)
positive_weights = st.one_of(
    st.integers(1, 5).map(Decimal),
    st.decimals(min_value=D("0.01"), max_value=10, places=2),
)
non_finite = st.sampled_from([D("NaN"), D("Infinity"), D("-Infinity"), D("sNaN")])
steps = st.one_of(
    st.integers(1, 50).map(Decimal),
    st.decimals(min_value=D("1e-12"), max_value=100, places=12),
)


@st.composite
def schemes(draw: st.DrawFn) -> list[Indicator]:
    """1-4 indicators with unique codes, at least one of them core with a positive weight."""
    count = draw(st.integers(1, 4))
    kinds = draw(st.lists(st.sampled_from([CORE, BASIC, INNOVATION]), min_size=count))[:count]
    kinds[draw(st.integers(0, count - 1))] = CORE
    indicators = []
    for n, kind in enumerate(kinds):
        weight = draw(positive_weights if kind == CORE else st.sampled_from([D(0), D(1)]))
        indicators.append(
            Indicator(
                code=f"i{n}",
                name=f"indicator {n}",
                unit="",
                kind=kind,
                direction=draw(st.sampled_from([HIGHER, LOWER])),
                baseline=draw(baselines),
                weight=weight,
            )
        )
    return indicators


@st.composite
def indicator_values(draw: st.DrawFn, indicator: Indicator) -> Decimal | None:
    """A value near the baseline (ties, boundary), anywhere, missing or not finite."""
    near = st.sampled_from([-2, -1, 0, 0, 1, 2, 5]).map(lambda d: indicator.baseline + d)
    return draw(
        st.one_of(
            near,
            near,
            finite_decimals,
            st.just(None),
            non_finite if draw(st.integers(0, 9)) == 0 else near,
        )
    )


@st.composite
def rankings(draw: st.DrawFn, min_entries: int = 0) -> tuple[list[Indicator], list[Entry], int]:
    """A scheme, unique-keyed entries for it and a top N."""
    indicators = draw(schemes())
    keys = draw(
        st.lists(
            st.text("abcxyz", min_size=1, max_size=3),
            min_size=min_entries,
            max_size=8,
            unique=True,
        )
    )
    entries = []
    for key in keys:
        values: dict[str, Decimal] = {}
        for indicator in indicators:
            value = draw(indicator_values(indicator))
            if value is not None:
                values[indicator.code] = value
        if draw(st.booleans()):
            values["unknown"] = draw(finite_decimals)  # codes outside the scheme are ignored
        entries.append(Entry(key=key, values=values))
    # Clone the first entry's values into others now and then: equal scores must share a rank.
    for n in draw(st.lists(st.integers(1, max(1, len(entries) - 1)), max_size=3)):
        if n < len(entries):
            entries[n] = Entry(key=entries[n].key, values=dict(entries[0].values))
    return indicators, entries, draw(st.integers(1, 4))


def exact_score(indicators: list[Indicator], entry: Entry) -> Fraction:
    """The weighted mean relative improvement over the core indicators, computed afresh."""
    weighted = total = Fraction(0)
    for indicator in indicators:
        if indicator.kind != CORE:
            continue
        value, baseline = Fraction(entry.values[indicator.code]), Fraction(indicator.baseline)
        gain = value - baseline if indicator.direction == HIGHER else baseline - value
        improvement = gain if baseline == 0 else gain / abs(baseline)
        weighted += Fraction(indicator.weight) * improvement
        total += Fraction(indicator.weight)
    return weighted / total


def rankable(indicators: list[Indicator], entry: Entry) -> bool:
    """Independent oracle: every core value present, every checked value finite and no worse."""
    for indicator in indicators:
        if indicator.kind == INNOVATION:
            continue
        value = entry.values.get(indicator.code)
        if value is None:
            if indicator.kind == CORE:
                return False
            continue
        if not value.is_finite():
            return False
        worse = (
            value < indicator.baseline
            if indicator.direction == HIGHER
            else (value > indicator.baseline)
        )
        if worse:
            return False
    return True


def placement(result: RankingResult, key: str) -> Placement | None:
    return next((p for p in result.placements if p.key == key), None)


def with_value(entries: list[Entry], key: str, code: str, value: Decimal) -> list[Entry]:
    return [
        Entry(key=e.key, values={**e.values, code: value}) if e.key == key else e for e in entries
    ]


@RANKING
@given(data=st.data())
def test_ranking_does_not_depend_on_the_order_of_entries(data: st.DataObject) -> None:
    indicators, entries, top_n = data.draw(rankings())
    expected = rank_entries(indicators, entries, top_n)
    shuffled = data.draw(st.permutations(entries))
    reordered = []
    for entry in shuffled:  # the order of each entry's values must not matter either
        items = data.draw(st.permutations(list(entry.values.items())))
        reordered.append(Entry(key=entry.key, values=dict(items)))
    result = rank_entries(indicators, reordered, top_n)
    assert result == expected
    assert repr(result) == repr(expected)  # the same Decimal exponents too


@RANKING
@given(data=st.data())
def test_improving_an_indicator_never_lowers_the_rank(data: st.DataObject) -> None:
    indicators, entries, top_n = data.draw(rankings(min_entries=1))
    target = data.draw(st.sampled_from(entries))
    movable = [
        i
        for i in indicators
        if i.kind != INNOVATION and i.code in target.values and target.values[i.code].is_finite()
    ]
    assume(movable)
    indicator = data.draw(st.sampled_from(movable))
    value, step = target.values[indicator.code], data.draw(steps)
    sign = 1 if indicator.direction == HIGHER else -1
    better, worse = value + sign * step, value - sign * step
    assert better.is_finite() and worse.is_finite()
    assume(better != value)

    before = rank_entries(indicators, entries, top_n)
    improved = rank_entries(
        indicators, with_value(entries, target.key, indicator.code, better), top_n
    )
    worsened = rank_entries(
        indicators, with_value(entries, target.key, indicator.code, worse), top_n
    )
    old, up, down = (placement(r, target.key) for r in (before, improved, worsened))
    if old is not None:
        assert up is not None, "improving a placed entry rejected it"
        assert up.rank <= old.rank
        assert up.qualified or not old.qualified
    if down is not None:
        assert old is not None, "worsening a rejected entry placed it"
        assert down.rank >= old.rank
        assert old.qualified or not down.qualified
    # The others can only be pushed down by an improvement, and up by a worsening.
    for other in before.placements:
        if other.key == target.key:
            continue
        after_up, after_down = placement(improved, other.key), placement(worsened, other.key)
        assert after_up is not None and after_down is not None
        assert after_up.rank >= other.rank >= after_down.rank


@RANKING
@given(rankings())
def test_ranks_are_competition_ranks_over_exact_scores(
    ranking: tuple[list[Indicator], list[Entry], int],
) -> None:
    indicators, entries, top_n = ranking
    result = rank_entries(indicators, entries, top_n)
    by_key = {e.key: e for e in entries}

    placed = [p.key for p in result.placements]
    rejected = [r.key for r in result.rejections]
    assert sorted(placed + rejected) == sorted(by_key)
    assert rejected == sorted(rejected)
    assert all(r.reason for r in result.rejections)
    assert set(placed) == {k for k, e in by_key.items() if rankable(indicators, e)}

    exact = {p.key: exact_score(indicators, by_key[p.key]) for p in result.placements}
    order = [(-exact[p.key], p.key) for p in result.placements]
    assert order == sorted(order), "placements are by score descending, ties by key"
    scores = [p.score for p in result.placements]
    assert scores == sorted(scores, reverse=True)
    core = [i.code for i in indicators if i.kind == CORE]
    for p in result.placements:
        assert p.rank == 1 + sum(s > exact[p.key] for s in exact.values())
        assert p.qualified == (p.rank <= top_n)
        assert p.score == D(round(exact[p.key] * 10**9)).scaleb(-9)  # half to even
        assert p.score.as_tuple().exponent == -9
        assert [b.code for b in p.breakdown] == core
    if result.placements:
        assert result.placements[0].rank == 1
        assert any(p.qualified for p in result.placements)


# 4. Complaints through the application =======================================================
COMPLAINTS = settings(max_examples=40, deadline=None)


def status(world: World, candidacy_id: str) -> str:
    return str(world.get(candidacy_id).status)


@COMPLAINTS
@given(
    awarded=st.booleans(),
    grounds=st.sampled_from([g.value for g in Grounds]),
    upheld=st.booleans(),
    days_before_decision=st.sampled_from([0, 1, 100]),
)
def test_decided_complaints_revoke_titles_in_force_or_change_nothing(
    awarded: bool, grounds: str, upheld: bool, days_before_decision: int
) -> None:
    world = in_memory_world()
    if awarded:
        _, c = award_cycle(world, 2024, [130, 120, 110])
    else:
        c = ranked(world, world.scheme_id, [130, 120, 110])
    target = c[0]
    assert status(world, target) == ("awarded" if awarded else "publicised")
    complaint = complain(world, target, grounds=grounds)
    world.clock.advance(days=days_before_decision)
    before = status(world, target)
    world.registry.decide_complaint(REGULATOR, complaint, upheld=upheld, findings="inspected")
    after = world.get(target)
    assert after.open_complaints == []
    if upheld and (grounds in REVOKING_GROUNDS or before == Status.PUBLICISED):
        assert after.status == Status.REVOKED
        assert after.end_reason == f"complaint upheld ({grounds}): inspected"
    else:
        assert after.status == before
    assert [status(world, other) for other in c[1:]] == [before, "ranked"]


def _title_ended_before_the_decision(world: World, how: str) -> tuple[str, str]:
    """An awarded title with an open fraud complaint, ended by `how` before the decision."""
    _, c = award_cycle(world, 2024, [130], validity_days=30)
    complaint = complain(world, c[0], grounds="fraud")
    if how == "lapsed":
        world.clock.advance(days=31)
    elif how == "expired":
        world.clock.advance(days=31)
        world.registry.expire_titles(c)
    else:  # superseded by the next cycle's list
        enter_and_evaluate(world, world.scheme_id, [125], declarations=[world.declarations[1]])
        world.registry.publish_ranking(world.body, world.scheme_id)
        world.clock.advance(days=10)
        world.registry.award(world.body, world.scheme_id)
    assert status(world, c[0]) == {"lapsed": "awarded"}.get(how, how)
    return c[0], complaint


@pytest.mark.parametrize("how", ["lapsed", "expired", "superseded"])
def test_upheld_fraud_complaint_revokes_even_after_the_title_ended(how: str) -> None:
    world = in_memory_world()
    target, complaint = _title_ended_before_the_decision(world, how)
    world.registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="forged report")
    assert status(world, target) == "revoked"


# 5. Replaying random command sequences ========================================================
STATE_INDICATORS = [
    Indicator("eff", "Efficiency", "%", CORE, HIGHER, D(100), D(1)),
    Indicator("power", "Power", "W", CORE, LOWER, D(50), D(2)),
    Indicator("noise", "Noise", "dB(A)", BASIC, LOWER, D(40), D(0)),
]
EVALUATIONS = st.fixed_dictionaries(
    {
        "eff": st.sampled_from([D(110), D(120), D(130), D(130), D(100), D(90), None]),
        "power": st.sampled_from([D(40), D(45), D(50), D(40), D(60)]),
        "noise": st.sampled_from([None, None, D(35), D(45)]),
    }
)
TERMINAL = {Status.NOT_RANKED, Status.RANKED, Status.REVOKED, Status.EXPIRED, Status.SUPERSEDED}
ENDED = {Status.EXPIRED, Status.SUPERSEDED}


def state(aggregate: Aggregate) -> dict[str, Any]:
    """An aggregate's state: every attribute but its pending events."""
    return deepcopy({k: v for k, v in vars(aggregate).items() if k != "_pending_events"})


class RecordingRegistry(LeaderRegistry):
    """The registry, remembering the state of every aggregate it saves, by version."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.saved: dict[UUID, dict[int, dict[str, Any]]] = {}
        super().__init__(*args, **kwargs)

    def commit(self, result: Aggregate, *others: Aggregate | None, **extra: Any) -> Receipt:
        receipt = super().commit(result, *others, **extra)
        for aggregate in (result, *others):
            if aggregate is None:
                continue
            versions = self.saved.setdefault(aggregate.id, {})
            snapshot = state(aggregate)
            if aggregate.version in versions:  # saved again with nothing new: unchanged
                assert versions[aggregate.version] == snapshot
            versions[aggregate.version] = snapshot
        return receipt


def differences(replayed: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
    """Attributes whose replayed value differs from the live one: name -> (replayed, live)."""
    names = replayed.keys() | live.keys()
    return {n: (replayed.get(n), live.get(n)) for n in names if replayed.get(n) != live.get(n)}


def sqlite_env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


class RegistryHistory(RuleBasedStateMachine):
    """Random commands against one registry on SQLite; a second reader must agree."""

    declarations = Bundle("declarations")
    schemes = Bundle("schemes")
    candidacies = Bundle("candidacies")

    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="registry-props-"))
        self.clock = Clock()
        self.app = RecordingRegistry(env=sqlite_env(self.directory / "events.db"), clock=self.clock)
        self.body, self.body_id = self._register_body("Tianjin Quality Institute")
        self.intruder, _ = self._register_body("Hebei Testing Centre")
        self.declared: list[str] = []
        self.entered: list[str] = []
        self.drafted: list[str] = []
        self.filed: dict[str, tuple[str, str]] = {}  # complaint -> candidacy, grounds

    def _register_body(self, name: str) -> tuple[Actor, str]:
        body_id = self.app.register_body(
            ADMIN, name=name, kind="testing_institute", categories=[CATEGORY]
        )["id"]
        token = self.app.issue_credential(ADMIN, role="evaluation_body", subject=body_id)["token"]
        return self.app.authenticate(token), body_id

    def position(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def attempt(self, command: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a command; a refusal (DomainError) must record nothing."""
        before = self.position()
        try:
            return command(*args, **kwargs)
        except DomainError:
            assert self.position() == before, f"{command.__name__} refused but recorded events"
            return None

    def created(self, receipt: Receipt | None) -> Any:
        return multiple() if receipt is None else receipt["id"]

    def get(self, aggregate_id: str) -> Any:
        return self.app.repository.get(UUID(aggregate_id))

    def latest(self, aggregate_id: str) -> dict[str, Any]:
        """The last saved state of an aggregate (replay agrees: checked at teardown)."""
        versions = self.app.saved[UUID(aggregate_id)]
        return versions[max(versions)]

    # Declarations --------------------------------------------------------------------------
    def _declare(
        self, enterprise: int, number: int, actor: Actor, category: str, eff: Decimal, future: bool
    ) -> Receipt | None:
        code = credit_code(enterprise)
        receipt: Receipt | None = self.attempt(
            self.app.declare,
            actor,
            enterprise=Enterprise(code, f"Maker {enterprise}", REGION),
            standard_number=f"Q/TJ {number:04d}-2024",
            title="Household refrigerators",
            product=Product("Refrigerator", f"BCD-{enterprise}{number}", category),
            indicators={"eff": eff},
            disclosed_on=self.clock().date() + timedelta(days=1 if future else -30),
        )
        if receipt is not None:
            self.declared.append(receipt["id"])
        return receipt

    @initialize(target=declarations, count=st.integers(1, 3))
    def first_declarations(self, count: int) -> Any:
        receipts = [self._declare(n, 0, PLATFORM, CATEGORY, D(120), False) for n in range(count)]
        return multiple(*(r["id"] for r in receipts if r is not None))

    @rule(
        target=declarations,
        enterprise=st.integers(0, 3),
        number=st.integers(0, 1),
        as_platform=st.integers(0, 4).map(lambda n: n != 0),
        category=st.sampled_from([CATEGORY, CATEGORY, CATEGORY, OTHER_CATEGORY]),
        eff=st.sampled_from([D(90), D(120), D(120), D("NaN")]),
        future=st.integers(0, 9).map(lambda n: n == 0),
    )
    def declare(
        self,
        enterprise: int,
        number: int,
        as_platform: bool,
        category: str,
        eff: Decimal,
        future: bool,
    ) -> Any:
        actor = PLATFORM if as_platform else Actor("enterprise", credit_code(enterprise % 2))
        return self.created(self._declare(enterprise, number, actor, category, eff, future))

    @rule(
        declaration=declarations,
        withdraw=st.integers(0, 3).map(lambda n: n == 0),
        category=st.sampled_from([CATEGORY, CATEGORY, OTHER_CATEGORY]),
        eff=st.sampled_from([D(110), D(130)]),
        committed=st.integers(0, 9).map(lambda n: n != 0),
    )
    def revise_or_withdraw(
        self, declaration: str, withdraw: bool, category: str, eff: Decimal, committed: bool
    ) -> None:
        if withdraw:
            self.attempt(
                self.app.withdraw_declaration, PLATFORM, declaration, reason="discontinued"
            )
            return
        self.attempt(
            self.app.revise_declaration,
            PLATFORM,
            declaration,
            title="Household refrigerators (rev.)",
            product=Product("Refrigerator", "BCD-R", category),
            indicators={"eff": eff},
            disclosed_on=self.clock().date(),
            committed=committed,
        )

    # Schemes ---------------------------------------------------------------------------------
    def _draft(
        self, cycle: int, category: str, top_n: int, publicity_days: int, validity_days: int
    ) -> Receipt | None:
        receipt: Receipt | None = self.attempt(
            self.app.draft_scheme,
            self.body,
            title=f"Refrigerators {cycle}",
            category=category,
            cycle=cycle,
            level="national",
            region="",
            indicators=STATE_INDICATORS,
            top_n=top_n,
            publicity_days=publicity_days,
            validity_days=validity_days,
        )
        if receipt is not None:
            self.drafted.append(receipt["id"])
        return receipt

    @initialize(
        target=schemes,
        cycle=st.integers(2024, 2026),
        top_n=st.integers(1, 2),
        publicity_days=st.sampled_from([0, 10]),
        validity_days=st.sampled_from([30, 400]),
    )
    def first_scheme(self, cycle: int, top_n: int, publicity_days: int, validity_days: int) -> Any:
        receipt = self._draft(cycle, CATEGORY, top_n, publicity_days, validity_days)
        assert receipt is not None
        self.app.review_scheme(ADMIN, receipt["id"], approved=True, reason="")
        return receipt["id"]

    @rule(
        target=schemes,
        category=st.sampled_from([CATEGORY, CATEGORY, CATEGORY, OTHER_CATEGORY]),
        review=st.sampled_from(["approve", "approve", "approve", "reject", "leave"]),
        cycle=st.integers(2024, 2026),
        top_n=st.integers(1, 2),
        publicity_days=st.sampled_from([0, 10]),
        validity_days=st.sampled_from([30, 400]),
    )
    def draft_and_review(
        self,
        cycle: int,
        category: str,
        review: str,
        top_n: int,
        publicity_days: int,
        validity_days: int,
    ) -> Any:
        receipt = self._draft(cycle, category, top_n, publicity_days, validity_days)
        if receipt is not None and review != "leave":
            approved = review == "approve"
            reason = "" if approved else "indicators incomplete"
            self.attempt(
                self.app.review_scheme, ADMIN, receipt["id"], approved=approved, reason=reason
            )
        return self.created(receipt)

    @rule(target=candidacies, scheme=schemes, declaration=declarations)
    def enter_candidate(self, scheme: str, declaration: str) -> Any:
        receipt = self.attempt(
            self.app.enter_candidate, self.body, scheme, declaration_id=declaration
        )
        if receipt is not None:
            self.entered.append(receipt["id"])
        return self.created(receipt)

    def _enter_all(self, scheme: str) -> list[str]:
        """Enter every declaration not yet entered (the usual way a scheme fills up)."""
        ids = []
        for declaration in self.declared:
            receipt = self.attempt(
                self.app.enter_candidate, self.body, scheme, declaration_id=declaration
            )
            if receipt is not None:
                self.entered.append(receipt["id"])
                ids.append(receipt["id"])
        return ids

    def _evaluate(self, candidacy: str, values: dict[str, Decimal | None], exclude: bool) -> None:
        self.attempt(
            self.app.evaluate,
            self.body,
            candidacy,
            values=None if exclude else {k: v for k, v in values.items() if v is not None},
            exclusion_reason="invalid normative references" if exclude else None,
        )

    @rule(
        candidacy=candidacies, values=EVALUATIONS, exclude=st.integers(0, 5).map(lambda n: n == 0)
    )
    def evaluate(self, candidacy: str, values: dict[str, Decimal | None], exclude: bool) -> None:
        self._evaluate(candidacy, values, exclude)

    def _evaluate_all(self, scheme: str, data: st.DataObject) -> None:
        """Evaluate (or now and then exclude) every candidate of the scheme."""
        for candidacy in self.get(scheme).candidacy_ids:
            values = data.draw(EVALUATIONS)
            self._evaluate(str(candidacy), values, data.draw(st.integers(0, 9)) == 0)

    def open_schemes(self) -> list[str]:
        """Schemes of this body not yet awarded nor rejected."""
        closed = (SchemeStatus.AWARDED, SchemeStatus.REJECTED)
        return [s for s in self.drafted if self.latest(s)["status"] not in closed]

    @rule(target=candidacies, times=st.integers(1, 6), data=st.data())
    def progress(self, times: int, data: st.DataObject) -> Any:
        """Take an open scheme some steps along its usual path (so deep states are reached)."""
        schemes = self.open_schemes()
        if not schemes:
            return multiple()
        scheme, entered = data.draw(st.sampled_from(schemes)), []
        for _ in range(times):
            current = self.get(scheme)
            if current.status == SchemeStatus.DRAFT:
                self.attempt(self.app.review_scheme, ADMIN, scheme, approved=True, reason="")
            elif current.status == SchemeStatus.APPROVED and (
                not current.candidacy_ids or data.draw(st.integers(0, 3)) == 0
            ):
                entered += self._enter_all(scheme)
            elif current.status == SchemeStatus.APPROVED:
                statuses = {self.get(str(c)).status for c in current.candidacy_ids}
                if Status.ENTERED in statuses or data.draw(st.integers(0, 3)) == 0:
                    self._evaluate_all(scheme, data)
                else:
                    self.attempt(self.app.publish_ranking, self.body, scheme)
            elif current.status == SchemeStatus.RANKED:
                if current.publicity_ends_at > self.clock() and data.draw(st.integers(0, 3)):
                    self.clock.now = current.publicity_ends_at
                self.attempt(self.app.award, self.body, scheme)
        return multiple(*entered)

    @rule(scheme=schemes)
    def publish_ranking(self, scheme: str) -> None:
        self.attempt(self.app.publish_ranking, self.body, scheme)

    @rule(days=st.sampled_from([1, 10, 10, 31, 400]))
    def advance_clock(self, days: int) -> None:
        self.clock.advance(days=days)

    @rule(scheme=schemes)
    def award(self, scheme: str) -> None:
        self.attempt(self.app.award, self.body, scheme)

    @rule(scheme=schemes, candidacy=candidacies, action=st.sampled_from(["enter", "rank", "award"]))
    def intrude(self, scheme: str, candidacy: str, action: str) -> None:
        """Another body may not act on this body's scheme: always refused."""
        before = self.position()
        with pytest.raises(DomainError):
            if action == "enter":
                declaration = str(self.get(candidacy).declaration_id)
                self.app.enter_candidate(self.intruder, scheme, declaration_id=declaration)
            elif action == "rank":
                self.app.publish_ranking(self.intruder, scheme)
            else:
                self.app.award(self.intruder, scheme)
        assert self.position() == before

    # Complaints, revocation, expiry -------------------------------------------------------------
    def titles(self) -> list[str]:
        """The candidacies now publicised or awarded."""
        holding = (Status.PUBLICISED, Status.AWARDED)
        return [c for c in self.entered if self.latest(c)["status"] in holding]

    @rule(data=st.data(), grounds=st.sampled_from([g.value for g in Grounds]))
    def complain_about_a_title(self, data: st.DataObject, grounds: str) -> None:
        titles = self.titles()
        if titles:
            self.file_complaint(data.draw(st.sampled_from(titles)), grounds)

    @rule(candidacy=candidacies, grounds=st.sampled_from([g.value for g in Grounds]))
    def file_complaint(self, candidacy: str, grounds: str) -> None:
        at_filing = self.get(candidacy).status
        receipt = self.attempt(
            self.app.file_complaint,
            REGULATOR,
            candidacy_id=candidacy,
            complainant_kind="consumer",
            grounds=grounds,
            description="retest shows a lower efficiency",
            evidence=["report-1"],
        )
        if receipt is not None:
            assert at_filing in (Status.PUBLICISED, Status.AWARDED)
            self.filed[receipt["id"]] = (candidacy, grounds)
            assert UUID(receipt["id"]) in self.get(candidacy).open_complaints

    @precondition(lambda self: self.filed)
    @rule(
        data=st.data(),
        upheld=st.booleans(),
        findings=st.sampled_from(["retest failed", "retest failed", " "]),
    )
    def decide_complaint(self, data: st.DataObject, upheld: bool, findings: str) -> None:
        complaint = data.draw(st.sampled_from(list(self.filed)))  # in filing order
        candidacy, grounds = self.filed[complaint]
        before = self.get(candidacy)
        # Any upheld objection during publicity ends the candidacy; an upheld finding of
        # nonconformity or fraud revokes a title even after it lapsed, expired or was superseded.
        ended = (Status.AWARDED, Status.EXPIRED, Status.SUPERSEDED)
        revokes = upheld and (
            before.status == Status.PUBLICISED
            or (grounds in REVOKING_GROUNDS and before.status in ended)
        )
        receipt = self.attempt(
            self.app.decide_complaint, REGULATOR, complaint, upheld=upheld, findings=findings
        )
        if receipt is None:
            return
        after = self.get(candidacy)
        assert UUID(complaint) not in after.open_complaints
        if revokes:
            assert after.status == Status.REVOKED, (before.status, grounds)
            assert after.end_reason.startswith(f"complaint upheld ({grounds})")
        else:  # dismissed, or "other" against an awarded title
            assert after.status == before.status
            assert after.end_reason == before.end_reason

    @rule(
        candidacy=candidacies,
        as_body=st.booleans(),
        reason=st.sampled_from(["failed surveillance", ""]),
    )
    def revoke(self, candidacy: str, as_body: bool, reason: str) -> None:
        actor = self.body if as_body else REGULATOR
        self.attempt(self.app.revoke_title, actor, candidacy, reason=reason)

    @precondition(lambda self: self.entered)
    @rule(data=st.data())
    def expire_sweep(self, data: st.DataObject) -> None:
        chosen = data.draw(st.lists(st.sampled_from(self.entered), unique=True))
        expected = sum(
            1
            for i in chosen
            if (c := self.get(i)).status == Status.AWARDED and not c.is_active_leader(self.clock())
        )
        assert self.attempt(self.app.expire_titles, chosen) == expected

    # Invariants -----------------------------------------------------------------------------
    @invariant()
    def statuses_never_leave_a_terminal_state(self) -> None:
        for versions in self.app.saved.values():
            seen = [v["status"] for _, v in sorted(versions.items()) if "scheme_id" in v]
            for earlier, later in pairwise(seen):
                # An ended title is still revoked when a nonconformity or fraud finding
                # about it is upheld (rule 8); nothing else leaves a terminal state.
                ended_then_revoked = earlier in ENDED and later == Status.REVOKED
                assert earlier not in TERMINAL or later == earlier or ended_then_revoked, seen

    def teardown(self) -> None:
        try:
            self._check_replay()
        finally:
            self.app.close()
            shutil.rmtree(self.directory, ignore_errors=True)

    def _check_replay(self) -> None:
        """A second application on the same file rebuilds every saved version exactly."""
        reader = LeaderRegistry(env=sqlite_env(self.directory / "events.db"), clock=self.clock)
        try:
            for aggregate_id, versions in self.app.saved.items():
                stored = list(reader.repository.event_store.get(aggregate_id))
                assert len(stored) == max(versions)
                for version, expected in versions.items():
                    replayed = state(reader.repository.get(aggregate_id, version=version))
                    assert not differences(replayed, expected), (
                        aggregate_id,
                        version,
                        differences(replayed, expected),
                    )
            logged = reader.recorder.select_notifications(start=1, limit=10**6)
            assert {n.originator_id for n in logged} == set(self.app.saved)
            assert len(logged) == sum(
                len(list(reader.repository.event_store.get(i))) for i in self.app.saved
            )
        finally:
            reader.close()


TestRegistryHistory = RegistryHistory.TestCase
TestRegistryHistory.settings = settings(
    max_examples=50,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
