"""One national scheme with a ranking of up to 10,000 entries (bench/discovery.py reads it
page by page), written through the application like the other lists (bench/populate.py).

A body of its own runs it, so no other list's titles are superseded by its award. It takes
every declaration the data set kept of `BIG_CATEGORY` (BIG_KEEP at the default scale, fewer
in small runs: about one in 48 declarations is of that category).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.data import BIG_CATEGORY, DataSet, family
from bench.populate import ADMIN, TOP_N, evaluation_values
from domain.candidacy import Candidacy
from domain.declaration import Declaration
from domain.evaluation_body import BodyKind, EvaluationBody
from domain.scheme import Level, Scheme
from registry.application import LeaderRegistry

CHUNK = 1000  # candidacies saved per transaction
BODY_NAME = "中国标准化研究院 (bench body, national ranking)"


def populate_big_ranking(
    registry: LeaderRegistry,
    data: DataSet,
    *,
    seed: int = 5,
    log: Callable[[str], None] = print,
) -> tuple[str, int]:
    """Draft, enter, evaluate, rank and award the large scheme: (its id, entries ranked)."""
    r = registry
    samples = data.by_category[BIG_CATEGORY]
    fam = family(BIG_CATEGORY)
    body_id = r.register_body(
        ADMIN,
        name=BODY_NAME,
        kind=BodyKind.TESTING_INSTITUTE.value,
        categories=[BIG_CATEGORY],
    )["id"]
    token = r.issue_credential(ADMIN, role="evaluation_body", subject=body_id)["token"]
    actor = r.authenticate(token)
    scheme_id = r.draft_scheme(
        actor,
        title=f"全国{fam.title}企业标准“领跑者”评估方案 2025 (national ranking)",
        category=BIG_CATEGORY,
        cycle=2025,
        level=Level.NATIONAL.value,
        region="",
        indicators=fam.indicators,
        top_n=TOP_N,
        publicity_days=0,
        validity_days=730,
    )["id"]
    r.review_scheme(ADMIN, scheme_id, approved=True, reason="专家评审通过")
    scheme = r.load(Scheme, scheme_id, "scheme")
    scheme.check_body(actor, r.load(EvaluationBody, scheme.body_id, "evaluation body"))
    rng = random.Random(seed)
    for start in range(0, len(samples), CHUNK):
        now = r.now()
        entered = []
        for s in samples[start : start + CHUNK]:
            c = Candidacy.enter(
                scheme=scheme,
                declaration=r.load(Declaration, s.id, "declaration"),
                actor=actor,
                at=now,
            )
            if rng.random() < 0.02:
                c.exclude(reason="the test report does not cover the model", actor=actor, at=now)
            else:
                values = evaluation_values(rng, fam.indicators, s.indicators)
                c.evaluate(values=values, indicators=fam.indicators, actor=actor, at=now)
            entered.append(c)
        r.save(scheme, *entered)
    r.publish_ranking(actor, scheme_id)
    r.award(actor, scheme_id)
    log(f"  a national scheme of {len(samples):,} candidates ranked ({scheme_id})")
    return scheme_id, len(samples)
