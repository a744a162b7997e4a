"""Deterministic, explainable ranking of evaluated entries of an evaluation scheme."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from domain import limits
from domain.errors import InvalidInput
from domain.values import Direction, Indicator, IndicatorKind

_DISPLAY_PLACES = 9


@dataclass(frozen=True)
class Entry:
    """One evaluated entry: its key and verified values by indicator code."""

    key: str
    values: Mapping[str, Decimal]


@dataclass(frozen=True)
class IndicatorScore:
    """How one core indicator contributed to an entry's score."""

    code: str
    value: Decimal
    baseline: Decimal
    weight: Decimal
    improvement: Decimal  # display only, 9 decimal places


@dataclass(frozen=True)
class Placement:
    """A ranked entry with its rank, display score and per-indicator breakdown."""

    key: str
    rank: int
    score: Decimal  # display only, 9 decimal places
    qualified: bool
    breakdown: tuple[IndicatorScore, ...]


@dataclass(frozen=True)
class Rejection:
    """An entry that was not ranked, with the reason."""

    key: str
    reason: str


@dataclass(frozen=True)
class Quota:
    """How many lead: the top N ranks, or the top share (a percentage) of the ranked entries.
    Exactly one of them."""

    top_n: int | None = None
    top_share: Decimal | None = None

    def __post_init__(self) -> None:
        if self.top_n is None and self.top_share is None:
            raise InvalidInput("give top_n or top_share", field="top_n")
        if self.top_n is not None and self.top_share is not None:
            raise InvalidInput("give top_n or top_share, not both", field="top_share")
        if self.top_n is not None and not 1 <= self.top_n <= limits.MAX_TOP_N:
            raise InvalidInput(f"top_n must be 1 to {limits.MAX_TOP_N}", field="top_n")
        share = self.top_share
        if share is not None and not (
            share.is_finite()
            and 0 < share <= limits.MAX_TOP_SHARE
            and -int(share.as_tuple().exponent) <= limits.TOP_SHARE_PLACES
        ):
            raise InvalidInput(
                f"top_share must be a percentage above 0 and at most {limits.MAX_TOP_SHARE}, "
                f"with at most {limits.TOP_SHARE_PLACES} decimal places",
                field="top_share",
            )

    def cut_off(self, ranked: int) -> int:
        """Rule 6's cut-off rank among `ranked` entries: the top N, or the share of them
        rounded up (exactly: any part of an entry counts as a place, so a share of a non-empty
        ranking always names at least one). Ranks up to it qualify, ties included."""
        if self.top_n is not None:
            return self.top_n
        assert self.top_share is not None  # __post_init__: exactly one is given
        places = Fraction(self.top_share) * ranked / 100
        return -(-places.numerator // places.denominator)  # the ceiling, exactly


@dataclass(frozen=True)
class RankingResult:
    """Placements in rank order (ties by key) and rejections by key."""

    placements: tuple[Placement, ...]
    rejections: tuple[Rejection, ...]


def _display(value: Fraction) -> Decimal:
    """Round an exact fraction to 9 decimal places, half to even, without a context."""
    scaled = round(value * 10**_DISPLAY_PLACES)  # Fraction rounds half to even
    digits = tuple(int(d) for d in str(abs(scaled)))
    return Decimal((1 if scaled < 0 else 0, digits, -_DISPLAY_PLACES))


def _is_worse(value: Fraction, baseline: Fraction, direction: str) -> bool:
    """True when value is less strict than baseline in the given direction."""
    return value < baseline if direction == Direction.HIGHER else value > baseline


def _improvement(value: Fraction, baseline: Fraction, direction: str) -> Fraction:
    """Relative improvement over the baseline; absolute difference when baseline is 0."""
    gain = value - baseline if direction == Direction.HIGHER else baseline - value
    return gain if baseline == 0 else gain / abs(baseline)


class InvalidIndicators(InvalidInput, ValueError):
    """A scheme's indicators cannot rank: the one check of them (a scheme's, and a ranking's)."""


def check_indicators(indicators: Sequence[Indicator]) -> list[Indicator]:
    """Rule 13: unique codes, known kinds and directions, finite baselines and weights,
    no negative weight, at least one core indicator, each with a positive weight. Returns the
    core indicators in scheme order."""

    def refuse(message: str) -> InvalidIndicators:
        return InvalidIndicators(message, field="indicators")

    codes = [indicator.code for indicator in indicators]
    if len(set(codes)) != len(codes):
        raise refuse("indicator codes must be unique")
    for i in indicators:
        if i.kind not in set(IndicatorKind):
            raise refuse(f"indicator {i.code!r}: unknown kind {i.kind!r}")
        if i.direction not in set(Direction):
            raise refuse(f"indicator {i.code!r}: unknown direction {i.direction!r}")
        if not (i.baseline.is_finite() and i.weight.is_finite()):
            raise refuse(f"indicator {i.code!r}: baseline and weight must be finite")
        if i.weight < 0:
            raise refuse(f"indicator {i.code!r}: negative weight")
    core = [i for i in indicators if i.kind == IndicatorKind.CORE]
    if not core:
        raise refuse("a scheme needs at least one core indicator (it has no core indicator)")
    for i in core:
        if i.weight <= 0:
            raise refuse(f"core indicator {i.code!r} needs a positive weight")
    return core


def entry_problems(indicators: Sequence[Indicator], entry: Entry) -> list[str]:
    """Rule 4: reasons why an entry cannot be ranked, in scheme order (empty when rankable):
    a missing core indicator, a value that is not finite or less strict than its baseline."""
    problems: list[str] = []
    for indicator in indicators:
        if indicator.kind == IndicatorKind.INNOVATION:
            continue
        value = entry.values.get(indicator.code)
        if value is None:
            if indicator.kind == IndicatorKind.CORE:
                problems.append(f"missing core indicator {indicator.code!r}")
            continue
        if not value.is_finite():
            problems.append(f"indicator {indicator.code!r} value {value} is not a finite number")
        elif _is_worse(Fraction(value), Fraction(indicator.baseline), indicator.direction):
            problems.append(
                f"indicator {indicator.code!r} value {value} is worse than baseline "
                f"{indicator.baseline} ({indicator.direction})"
            )
    return problems


def _score(core: Sequence[Indicator], entry: Entry) -> tuple[Fraction, tuple[IndicatorScore, ...]]:
    """Exact weighted mean improvement over the core indicators, with its breakdown."""
    weighted = Fraction(0)
    total_weight = Fraction(0)
    breakdown: list[IndicatorScore] = []
    for indicator in core:
        value = entry.values[indicator.code]
        improvement = _improvement(
            Fraction(value), Fraction(indicator.baseline), indicator.direction
        )
        weight = Fraction(indicator.weight)
        weighted += weight * improvement
        total_weight += weight
        breakdown.append(
            IndicatorScore(
                code=indicator.code,
                value=value,
                baseline=indicator.baseline,
                weight=indicator.weight,
                improvement=_display(improvement),
            )
        )
    return weighted / total_weight, tuple(breakdown)


def rank_entries(
    indicators: Sequence[Indicator], entries: Sequence[Entry], quota: Quota | int
) -> RankingResult:
    """Rule 5 and the cut-off of rule 6: rank entries by exact score (competition ranking:
    equal scores share a rank), each with its breakdown; the ranks up to the quota's cut-off
    (`Quota.cut_off`; an int is a top N), ties included, qualify."""
    if isinstance(quota, int):
        if quota < 1:
            raise ValueError("top_n must be at least 1")
        quota = Quota(top_n=quota)
    core = check_indicators(indicators)
    keys = [entry.key for entry in entries]
    if len(set(keys)) != len(keys):
        raise ValueError("entry keys must be unique")
    scored: list[tuple[Fraction, str, tuple[IndicatorScore, ...]]] = []
    rejections: list[Rejection] = []
    for entry in sorted(entries, key=lambda e: e.key):
        problems = entry_problems(indicators, entry)
        if problems:
            rejections.append(Rejection(key=entry.key, reason="; ".join(problems)))
            continue
        score, breakdown = _score(core, entry)
        scored.append((score, entry.key, breakdown))
    scored.sort(key=lambda item: (-item[0], item[1]))
    top = quota.cut_off(len(scored))
    placements: list[Placement] = []
    previous: Fraction | None = None
    rank = 0
    for position, (score, key, breakdown) in enumerate(scored, start=1):
        if score != previous:
            rank, previous = position, score
        placements.append(
            Placement(
                key=key,
                rank=rank,
                score=_display(score),
                qualified=rank <= top,
                breakdown=breakdown,
            )
        )
    return RankingResult(placements=tuple(placements), rejections=tuple(rejections))
