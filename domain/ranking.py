"""Deterministic, explainable ranking of evaluated entries of an evaluation scheme."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

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
    indicators: Sequence[Indicator], entries: Sequence[Entry], top_n: int
) -> RankingResult:
    """Rule 5 and the cut-off of rule 6: rank entries by exact score (competition ranking:
    equal scores share a rank), each with its breakdown; the top N ranks, ties included,
    qualify."""
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
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
                qualified=rank <= top_n,
                breakdown=breakdown,
            )
        )
    return RankingResult(placements=tuple(placements), rejections=tuple(rejections))
