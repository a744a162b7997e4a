"""Random valid commands at the limits, through the application, keep every projection going.

Hypothesis draws texts of random characters up to their longest, decimals of up to the
most digits, moments anywhere in the range with any offset, and up to the most indicators
and evidence items (`domain.limits`); each example runs a whole lifecycle through
`LeaderRegistry` on the store, then the projections catch up and must all be at the head
of the log, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from domain import limits
from domain.credit_code import make_credit_code
from domain.declaration import china_date
from domain.regions import divisions
from domain.values import Actor, Enterprise, Indicator, Product
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.extremes import head_positions, tracked

ADMIN = Actor("admin", "ops")
SERIAL = itertools.count()
# Anything but what `domain.limits` refuses; separators would let a text be blank.
LETTERS = st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zs", "Zl", "Zp"))
ANY = st.characters(exclude_categories=("Cc", "Cf", "Cs"))


def texts(maximum: int, alphabet: st.SearchStrategy[str] = LETTERS) -> st.SearchStrategy[str]:
    """Texts of 1 to `maximum` characters, often of exactly `maximum`: a few random
    characters repeated to the length (a whole text of random ones is more than an example
    may draw)."""
    sizes = st.one_of(st.just(maximum), st.integers(1, maximum))
    seeds = st.text(alphabet, min_size=1, max_size=8)
    return st.tuples(sizes, seeds).map(lambda p: (p[1] * p[0])[: p[0]])


@st.composite
def decimals(draw: st.DrawFn) -> Decimal:
    """A decimal of up to MAX_DIGITS digits written out in full, often of exactly that many."""
    total = draw(st.one_of(st.just(limits.MAX_DIGITS), st.integers(1, limits.MAX_DIGITS)))
    places = draw(st.integers(0, total - 1))
    digits = str(draw(st.integers(10 ** (total - 1), 10**total - 1)))
    sign = draw(st.sampled_from(["", "-"]))
    whole = digits[: total - places]
    value = Decimal(f"{sign}{whole}.{digits[total - places :]}" if places else sign + whole)
    assert limits.decimal_problem(value) is None
    return value


def unique(text: str, maximum: int) -> str:
    """`text` with a serial number at its end, still at most `maximum` characters."""
    tag = f"#{next(SERIAL)}"
    return text[: maximum - len(tag)] + tag


@dataclass(frozen=True)
class Drawn:
    """What one example draws: the values of one lifecycle (not a `World` of fixtures)."""

    name: str
    label: str
    unit: str
    text: str
    codes: list[str]
    declared: list[Decimal]
    baselines: list[Decimal]
    weights: list[Decimal]
    values: list[Decimal]
    evidence: list[str]
    cycle: int
    top_n: int | None
    top_share: Decimal | None  # the quota as a share instead (then top_n is None)
    region: str  # the enterprise's: any division of the table
    level: str  # the list's level, and its region of that level
    list_region: str
    publicity_days: int
    validity_days: int
    expires_in: float  # the share of the time left until the latest moment
    offset_minutes: int  # the expiry's UTC offset
    disclosed_days: int  # how long before today the standard was disclosed
    upheld: bool
    grounds: str


DIVISIONS = sorted(divisions())  # every real region code (rule 19)
PROVINCES = [code for code in DIVISIONS if code.endswith("0000")]
CITIES = [code for code in DIVISIONS if code.endswith("00") and not code.endswith("0000")]


def quota(draw: st.DrawFn) -> tuple[int | None, Decimal | None]:
    """A top N, or a top share with up to the allowed places, each up to its limit."""
    if draw(st.booleans()):
        return draw(st.integers(1, limits.MAX_TOP_N)), None
    hundredths = draw(st.integers(1, limits.MAX_TOP_SHARE * 10**limits.TOP_SHARE_PLACES))
    return None, Decimal(hundredths).scaleb(-limits.TOP_SHARE_PLACES).normalize()


def list_level(draw: st.DrawFn) -> tuple[str, str]:
    """A list's level and a real region of that level."""
    level = draw(st.sampled_from(["national", "provincial", "municipal"]))
    regions = {"national": [""], "provincial": PROVINCES, "municipal": CITIES}[level]
    return level, draw(st.sampled_from(regions))


@st.composite
def drawn(draw: st.DrawFn) -> Drawn:
    count = draw(st.one_of(st.just(limits.MAX_INDICATORS), st.integers(1, limits.MAX_INDICATORS)))
    codes = [f"i{n:0>31}" for n in range(count)]
    (top_n, top_share), (level, list_region) = quota(draw), list_level(draw)
    return Drawn(
        name=draw(texts(limits.MAX_NAME)),
        label=draw(texts(limits.MAX_LABEL)),
        unit=draw(texts(limits.MAX_UNIT)),
        text=draw(texts(limits.MAX_TEXT, ANY).filter(str.strip)),
        codes=codes,
        declared=[draw(decimals()) for _ in codes],
        baselines=[draw(decimals()) for _ in codes],
        weights=[abs(draw(decimals())) or Decimal(1) for _ in codes],
        values=[draw(decimals()) for _ in codes],
        evidence=draw(st.lists(texts(limits.MAX_NAME), max_size=limits.MAX_EVIDENCE)),
        cycle=draw(st.integers(limits.MIN_CYCLE, limits.MAX_CYCLE)),
        top_n=top_n,
        top_share=top_share,
        region=draw(st.sampled_from(DIVISIONS)),
        level=level,
        list_region=list_region,
        publicity_days=draw(st.integers(0, limits.MAX_PUBLICITY_DAYS)),
        validity_days=draw(st.integers(1, limits.MAX_VALIDITY_DAYS)),
        expires_in=draw(st.floats(0, 1)),
        offset_minutes=draw(st.integers(-14 * 60, 14 * 60)),
        disclosed_days=draw(st.integers(0, 60_000)),
        upheld=draw(st.booleans()),
        grounds=draw(st.sampled_from(["nonconformity", "fraud", "other"])),
    )


def expiry(clock: Clock, share: float, minutes: int) -> datetime:
    """A moment `share` of the way from now to the latest one, in the given offset."""
    now = clock()
    span = limits.LATEST_MOMENT - now
    at = now + timedelta(seconds=1) + (span - timedelta(seconds=1)) * share
    return at.astimezone(timezone(timedelta(minutes=minutes)))


def run_lifecycle(r: LeaderRegistry, clock: Clock, w: Drawn) -> None:
    """One body, credential, declaration, scheme, title, complaint and withdrawal."""
    category = f"C{next(SERIAL):0>31}"
    expires_at = expiry(clock, w.expires_in, w.offset_minutes)
    body_id = r.register_body(
        ADMIN, name=unique(w.name, limits.MAX_NAME), kind="testing_institute", categories=[category]
    )["id"]
    issued = r.issue_credential(
        ADMIN, role="evaluation_body", subject=body_id, label=w.label, expires_at=expires_at
    )
    body = r.authenticate(issued["token"])
    regulator = r.authenticate(
        r.issue_credential(
            ADMIN,
            role="regulator",
            subject=w.name,
            label=w.label,
            expires_at=expires_at,
            region="000000",  # national: the scheme is a national list (rule 17)
        )["token"]
    )
    platform = Actor("platform", w.name)
    credit_code = make_credit_code("91", "120000", next(SERIAL))
    today = china_date(clock())
    declaration_id = r.declare(
        platform,
        enterprise=Enterprise(credit_code, w.name, w.region),
        standard_number=unique(w.name, limits.MAX_NAME),
        title=w.name,
        product=Product(w.name, w.label, category),
        indicators=dict(zip(w.codes, w.declared, strict=True)),
        disclosed_on=max(limits.EARLIEST_DISCLOSURE, today - timedelta(days=w.disclosed_days)),
    )["id"]
    indicators = [
        Indicator(code, w.name, w.unit, "core", "higher_is_better", baseline, weight)
        for code, baseline, weight in zip(w.codes, w.baselines, w.weights, strict=True)
    ]
    scheme_id = r.draft_scheme(
        body,
        title=w.name,
        category=category,
        cycle=w.cycle,
        level=w.level,
        region=w.list_region,
        indicators=indicators,
        top_n=w.top_n,
        top_share=w.top_share,
        publicity_days=w.publicity_days,
        validity_days=w.validity_days,
    )["id"]
    r.review_scheme(ADMIN, scheme_id, approved=True, reason=w.text)
    candidacy_id = r.enter_candidate(body, scheme_id, declaration_id=declaration_id)["id"]
    # Never worse than the baseline, so that the candidate is ranked and can hold a title.
    values = {c: max(v, b) for c, v, b in zip(w.codes, w.values, w.baselines, strict=True)}
    r.evaluate(body, candidacy_id, values=values)
    r.publish_ranking(body, scheme_id)
    clock.advance(days=w.publicity_days)
    r.award(body, scheme_id)
    complaint_id = r.file_complaint(
        regulator,
        candidacy_id=candidacy_id,
        complainant_kind="consumer",
        grounds=w.grounds,
        description=w.text,
        evidence=w.evidence,
    )["id"]
    r.investigate_complaint(regulator, complaint_id)
    r.answer_complaint(Actor("enterprise", credit_code), complaint_id, statement=w.text)
    r.decide_complaint(regulator, complaint_id, upheld=w.upheld, findings=w.text)
    r.withdraw_declaration(platform, declaration_id, reason=w.text)
    r.revoke_credential(ADMIN, issued["id"])


@settings(
    max_examples=15,
    deadline=None,
    # Without shrinking: a failure is reported as drawn (shrinking examples this big is slow).
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.large_base_example,
        HealthCheck.data_too_large,
    ],
)
@given(drawn=drawn())
def test_random_valid_commands_at_the_limits_are_all_projected(
    store: Settings, registry: LeaderRegistry, clock: Clock, engine: Engine, drawn: Drawn
) -> None:
    run_lifecycle(registry, clock, drawn)
    Follower(registry, engine, all_projections()).catch_up()
    assert tracked(store) == head_positions(registry)
