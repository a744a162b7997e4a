"""The evaluation side of the data set, written through the application in bulk.

Evaluation bodies, credentials, reviews, rankings, awards, complaints and revocations go
through the use cases (a ranking or an award already saves a whole scheme in one
transaction). Entering and evaluating candidates use the same domain methods as the use
cases, but save a whole scheme's candidates per `registry.save(...)` call, one transaction
instead of two hundred. The lists are worked on from a small thread pool.

Each list (body x category x level x region) runs two cycles: 2024, awarded and then
superseded by 2025. About 4% of the 2025 titles draw a complaint (half of them upheld,
which revokes the title) and 1% are revoked by their body. Further approved schemes
(cycles 2026, 2027...) hold entered but unevaluated candidates: the HTTP benchmark
evaluates those ("fresh" candidacies).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bench.data import PROVINCES, DataSet, Sample, family
from domain.candidacy import Candidacy, Status
from domain.declaration import Declaration
from domain.evaluation_body import BodyKind, EvaluationBody
from domain.scheme import Level, Scheme
from domain.values import Actor, Indicator
from registry.application import LeaderRegistry

ADMIN = Actor("admin", "bench")
REGULATOR_NAME = "国家市场监督管理总局 (State Administration for Market Regulation)"
TOP_N = 20
PER_SCHEME = 200


@dataclass(frozen=True)
class ListSpec:
    body: int
    category: str
    level: str
    region: str


@dataclass
class Body:
    id: str
    name: str
    token: str
    actor: Actor
    categories: set[str] = field(default_factory=set)


@dataclass
class Population:
    bodies: list[Body]
    regulator_token: str
    lists: list[ListSpec]
    ranked_schemes: list[str] = field(default_factory=list)
    candidacies: list[str] = field(default_factory=list)
    active_titles: list[str] = field(default_factory=list)  # awarded, in force, no complaint
    # (candidacy id, index of its body, the values to evaluate it with)
    fresh: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    credit_codes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    big_ranking: str | None = None  # the scheme of bench/big_ranking.py, if populated

    @property
    def categories(self) -> list[str]:
        return sorted({spec.category for spec in self.lists})


def plan_lists(schemes: int, categories: Sequence[str]) -> tuple[int, list[ListSpec]]:
    """(number of bodies, the lists): each list runs two cycles, so schemes/2 lists."""
    count = max(1, schemes // 2)
    used = list(categories)[: min(len(categories), count)]
    bodies = max(2, min(20, count // 12))
    lists: list[ListSpec] = []
    taken: set[ListSpec] = set()
    for n in range(count):
        category, body = used[n % len(used)], n % bodies
        shift = n // len(used)
        for attempt in range(len(PROVINCES) * 2):
            kind = (n + attempt) % 4
            code = PROVINCES[(shift + attempt) % len(PROVINCES)][0]
            if kind == 0:
                spec = ListSpec(body, category, Level.NATIONAL.value, "000000")
            elif kind == 3:
                spec = ListSpec(body, category, Level.MUNICIPAL.value, code[:2] + "0100")
            else:
                spec = ListSpec(body, category, Level.PROVINCIAL.value, code)
            if spec not in taken:
                break
        taken.add(spec)
        lists.append(spec)
    return bodies, lists


def evaluation_values(
    rng: random.Random, indicators: Sequence[Indicator], declared: dict[str, str]
) -> dict[str, Decimal]:
    """What the body measured: the declared values, give or take a little."""
    values = {}
    for i in indicators:
        value = Decimal(declared[i.code]) * Decimal(str(round(rng.uniform(0.97, 1.03), 3)))
        values[i.code] = value.quantize(Decimal("0.01"))
    return values


class Populator:
    def __init__(
        self,
        registry: LeaderRegistry,
        data: DataSet,
        *,
        schemes: int,
        fresh: int,
        seed: int = 7,
        threads: int = 4,
        log: Callable[[str], None] = print,
    ) -> None:
        self.registry = registry
        self.data = data
        self.schemes = schemes
        self.fresh = fresh
        self.seed = seed
        self.threads = threads
        self.log = log
        self.lists: list[ListSpec] = []  # set by run(), read by the worker threads
        self.bodies: list[Body] = []

    # Steps ------------------------------------------------------------------------------
    def run(self) -> Population:
        r = self.registry
        categories = [c for c, kept in self.data.by_category.items() if kept]
        n_bodies, lists = plan_lists(self.schemes, categories)
        bodies = []
        for b in range(n_bodies):
            mine = sorted({s.category for s in lists if s.body == b}) or categories[:1]
            name = f"{PROVINCES[b % len(PROVINCES)][1]}标准化研究院 (bench body {b:02d})"
            body_id = r.register_body(
                ADMIN, name=name, kind=BodyKind.STANDARDISATION_INSTITUTE.value, categories=mine
            )["id"]
            token = r.issue_credential(ADMIN, role="evaluation_body", subject=body_id)["token"]
            bodies.append(Body(body_id, name, token, r.authenticate(token), set(mine)))
        regulator = r.issue_credential(ADMIN, role="regulator", subject=REGULATOR_NAME)["token"]
        pop = Population(bodies, regulator, lists)
        self.lists, self.bodies = lists, bodies
        self.log(f"  {len(bodies)} bodies, {len(lists)} lists x 2 cycles")

        with ThreadPoolExecutor(self.threads) as pool:
            results = list(pool.map(self._run_list, range(len(lists))))
        for ranked, candidacies, titles, codes in results:
            pop.ranked_schemes.extend(ranked)
            pop.candidacies.extend(candidacies)
            pop.active_titles.extend(titles)
            pop.credit_codes.extend(codes)
        self.log(
            f"  {len(pop.candidacies):,} candidacies ranked, {len(pop.active_titles):,} titles"
        )
        self._complaints_and_revocations(pop)
        self._fresh_candidates(pop)
        pop.counts = {
            "bodies": len(bodies),
            "lists": len(lists),
            "schemes_ranked": len(pop.ranked_schemes),
            "candidacies_ranked": len(pop.candidacies),
            "titles_in_force": len(pop.active_titles),
            "fresh_candidacies": len(pop.fresh),
        }
        return pop

    def _draft(self, spec: ListSpec, body: Body, cycle: int) -> str:
        fam = family(spec.category)
        province = dict(PROVINCES).get(spec.region[:2] + "0000", "全国")
        where = "全国" if spec.level == Level.NATIONAL else province
        r = self.registry
        scheme_id = r.draft_scheme(
            body.actor,
            title=f"{where}{fam.title}企业标准“领跑者”评估方案 {cycle} ({spec.category})",
            category=spec.category,
            cycle=cycle,
            level=spec.level,
            region="" if spec.level == Level.NATIONAL else spec.region,
            indicators=fam.indicators,
            top_n=TOP_N,
            publicity_days=0,
            validity_days=730,
        )["id"]
        r.review_scheme(ADMIN, scheme_id, approved=True, reason="专家评审通过")
        return scheme_id

    def _enter(self, body: Body, scheme_id: str, samples: Sequence[Sample]) -> list[Candidacy]:
        """Candidates entered as `enter_candidate` does, one transaction for the scheme."""
        r = self.registry
        scheme = r.load(Scheme, scheme_id, "scheme")
        scheme.check_body(body.actor, r.load(EvaluationBody, scheme.body_id, "evaluation body"))
        now = r.now()
        entered = [
            Candidacy.enter(
                scheme=scheme,
                declaration=r.load(Declaration, s.id, "declaration"),
                actor=body.actor,
                at=now,
            )
            for s in samples
        ]
        r.save(scheme, *entered)
        return entered

    def _candidates(self, index: int, spec: ListSpec) -> list[Sample]:
        pool = self.data.by_category[spec.category]
        start = (index * PER_SCHEME) % max(1, len(pool))
        chosen = (pool[start:] + pool[:start])[:PER_SCHEME]
        return chosen

    def _run_list(self, index: int) -> tuple[list[str], list[str], list[str], list[str]]:
        r = self.registry
        rng = random.Random(self.seed * 1_000_003 + index)
        spec = self.lists[index]
        body = self.bodies[spec.body]
        samples = self._candidates(index, spec)
        indicators = family(spec.category).indicators
        ranked: list[Any] = []
        candidacies: list[Any] = []
        titles: list[Any] = []
        for cycle in (2024, 2025):
            scheme_id = self._draft(spec, body, cycle)
            entered = self._enter(body, scheme_id, samples)
            now = r.now()
            for c, s in zip(entered, samples, strict=True):
                if rng.random() < 0.02:
                    c.exclude(
                        reason="the test report does not cover the declared model",
                        actor=body.actor,
                        at=now,
                    )
                else:
                    values = evaluation_values(rng, indicators, s.indicators)
                    c.evaluate(values=values, indicators=indicators, actor=body.actor, at=now)
            r.save(*entered)
            r.publish_ranking(body.actor, scheme_id)
            r.award(body.actor, scheme_id)
            ranked.append(scheme_id)
            candidacies.extend(str(c.id) for c in entered)
            if cycle == 2025:
                scheme = r.load(Scheme, scheme_id, "scheme")
                titles = [str(c) for c in scheme.qualified_ids]
        return ranked, candidacies, titles, [s.credit_code for s in samples]

    def _complaints_and_revocations(self, pop: Population) -> None:
        r = self.registry
        rng = random.Random(self.seed)
        regulator = r.authenticate(pop.regulator_token)
        titles = list(pop.active_titles)
        rng.shuffle(titles)
        complained = titles[: max(1, len(titles) * 4 // 100)]
        revoked = titles[len(complained) : len(complained) + max(1, len(titles) // 100)]
        upheld = 0
        for n, cid in enumerate(complained):
            grounds = ["nonconformity", "fraud", "other"][n % 3]
            complaint = r.file_complaint(
                regulator,
                candidacy_id=cid,
                complainant_kind=["consumer", "regulator", "media"][n % 3],
                grounds=grounds,
                description="抽查结果与声明值不符 (spot check below the declared value)",
                evidence=[f"12315-{2025}-{n:06d}"],
            )["id"]
            decide_upheld = n % 2 == 0
            upheld += decide_upheld and grounds != "other"
            r.decide_complaint(
                regulator,
                complaint,
                upheld=decide_upheld,
                findings="复检确认 (retest confirmed)"
                if decide_upheld
                else "复检合格 (retest passed)",
            )
        by_body = {b.id: b for b in pop.bodies}
        for cid in revoked:
            candidacy = r.load(Candidacy, cid, "candidacy")
            r.revoke_title(
                by_body[str(candidacy.body_id)].actor, cid, reason="产品停产 (discontinued)"
            )
        gone = set(revoked)
        for cid in complained:
            if r.load(Candidacy, cid, "candidacy").status == Status.REVOKED:
                gone.add(cid)
        pop.active_titles = [t for t in pop.active_titles if t not in gone]
        pop.counts["complaints"] = len(complained)
        pop.counts["revoked"] = len(gone)
        self.log(f"  {len(complained)} complaints ({upheld} revoking), {len(gone)} revoked")

    def _fresh_candidates(self, pop: Population) -> None:
        """Approved schemes of later cycles holding entered, unevaluated candidates."""
        needed = (self.fresh + PER_SCHEME - 1) // PER_SCHEME
        jobs = [
            (k, pop.lists[k % len(pop.lists)], 2026 + k // len(pop.lists)) for k in range(needed)
        ]

        def one(job: tuple[int, ListSpec, int]) -> list[tuple[str, int, dict[str, str]]]:
            k, spec, cycle = job
            rng = random.Random(self.seed + 17 * k)
            body = pop.bodies[spec.body]
            scheme_id = self._draft(spec, body, cycle)
            samples = self._candidates(k + 7, spec)
            entered = self._enter(body, scheme_id, samples)
            indicators = family(spec.category).indicators
            return [
                (
                    str(c.id),
                    spec.body,
                    {
                        k: str(v)
                        for k, v in evaluation_values(rng, indicators, s.indicators).items()
                    },
                )
                for c, s in zip(entered, samples, strict=True)
            ]

        with ThreadPoolExecutor(self.threads) as pool:
            for chunk in pool.map(one, jobs):
                pop.fresh.extend(chunk)
        random.Random(self.seed).shuffle(pop.fresh)
        self.log(f"  {len(pop.fresh):,} fresh candidacies in {needed} open schemes")
