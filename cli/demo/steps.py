"""The demo story's steps: its clock, and who acts and what was recorded so far (each step
goes through the application's use cases only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from cli.demo.data import APPROVAL, BODIES, CATEGORIES, Line, Maker
from domain.candidacy import Candidacy
from domain.credit_code import make_credit_code
from domain.scheme import Level
from domain.values import Actor, Enterprise, Indicator, Product, Role
from registry.application import LeaderRegistry

START_DAYS = 600  # the demo's history begins this many days before `now`
_TICK = timedelta(minutes=7)  # spacing of consecutive commands within one step of the story


class DemoClock:
    """The registry's clock during the demo: moved forward by the story, never past `now`."""

    def __init__(self, now: datetime) -> None:
        self.end = now
        self.current = now - timedelta(days=START_DAYS)

    def __call__(self) -> datetime:
        moment = self.current
        self.current = min(self.current + _TICK, self.end)
        return moment

    def days_ago(self, days: float) -> None:
        target = self.end - timedelta(days=days)
        if target < self.current:
            raise RuntimeError(f"the demo story would go back in time ({days} days ago)")
        self.current = target

    def today(self) -> date:
        return self.current.date()


@dataclass
class Demo:
    """The story's state: who acts, and the ids of what was recorded."""

    registry: LeaderRegistry
    clock: DemoClock
    admin: Actor
    platform: Actor
    regulator: Actor
    tokens: dict[str, Any]
    bodies: dict[str, Actor] = field(default_factory=dict)
    body_ids: dict[str, str] = field(default_factory=dict)
    makers: dict[str, tuple[Maker, Line]] = field(default_factory=dict)
    declarations: dict[str, str] = field(default_factory=dict)
    schemes: dict[str, str] = field(default_factory=dict)
    candidacies: dict[str, dict[str, str]] = field(default_factory=dict)
    serial: int = 0

    # The catalogue, people and organisations ---------------------------------------------
    def define_categories(self) -> None:
        for code, name_zh, name_en in CATEGORIES:
            self.registry.define_category(self.admin, code=code, name_zh=name_zh, name_en=name_en)

    def register_bodies(self) -> None:
        for body in BODIES:
            body_id = self.registry.register_body(
                self.admin, name=body.name, kind=body.kind, categories=list(body.categories)
            )["id"]
            token, actor = credential(
                self.registry, self.admin, Role.EVALUATION_BODY.value, body_id, body.name
            )
            self.body_ids[body.key] = body_id
            self.bodies[body.key] = actor
            self.tokens["bodies"][body.key] = {"id": body_id, "name": body.name, "token": token}

    # Declarations ---------------------------------------------------------------------------
    def declare(self, line: Line) -> None:
        for n, maker in enumerate(line.makers):
            self.serial += 1
            code = make_credit_code("91", maker.region, 1_234_567 + 7_919 * self.serial)
            disclosed = self.clock.today() - timedelta(days=12 + 5 * n)
            number = f"Q/{maker.region[:2]}{maker.key} 0001-{disclosed.year}"
            self.makers[maker.key] = (maker, line)
            self.declarations[maker.key] = self.registry.declare(
                self.platform,
                enterprise=Enterprise(code, maker.name, maker.region),
                standard_number=number,
                title=line.title,
                product=Product(line.product, maker.model, line.category),
                indicators={k: Decimal(v) for k, v in maker.values.items()},
                disclosed_on=disclosed,
            )["id"]

    def revise(self, key: str, model: str, **values: str) -> None:
        maker, line = self.makers[key]
        revised = {**maker.values, **values}
        self.registry.revise_declaration(
            self.platform,
            self.declarations[key],
            title=line.title,
            product=Product(line.product, model, line.category),
            indicators={k: Decimal(v) for k, v in revised.items()},
            disclosed_on=self.clock.today() - timedelta(days=3),
        )
        self.makers[key] = (
            Maker(maker.key, maker.name, maker.region, model, revised),
            line,
        )

    # Schemes ------------------------------------------------------------------------------
    def draft(
        self,
        key: str,
        body: str,
        *,
        title: str,
        category: str,
        cycle: int,
        indicators: Sequence[Indicator],
        top_n: int,
        publicity_days: int,
        validity_days: int,
        region: str = "",
    ) -> str:
        level = Level.PROVINCIAL.value if region else Level.NATIONAL.value
        self.schemes[key] = self.registry.draft_scheme(
            self.bodies[body],
            title=title,
            category=category,
            cycle=cycle,
            level=level,
            region=region,
            indicators=indicators,
            top_n=top_n,
            publicity_days=publicity_days,
            validity_days=validity_days,
        )["id"]
        return self.schemes[key]

    def approve(self, key: str) -> None:
        self.registry.review_scheme(self.admin, self.schemes[key], approved=True, reason=APPROVAL)

    def enter(self, key: str, body: str, makers: Sequence[str]) -> None:
        entered = self.candidacies.setdefault(key, {})
        for maker in makers:
            entered[maker] = self.registry.enter_candidate(
                self.bodies[body], self.schemes[key], declaration_id=self.declarations[maker]
            )["id"]

    def evaluate(self, key: str, body: str, exclusions: dict[str, str] | None = None) -> None:
        """Verify every candidate's declared values, or exclude it with the given reason."""
        exclusions = exclusions or {}
        for maker, candidacy_id in self.candidacies[key].items():
            if maker in exclusions:
                self.registry.evaluate(
                    self.bodies[body], candidacy_id, values=None, exclusion_reason=exclusions[maker]
                )
            else:
                values = {k: Decimal(v) for k, v in self.makers[maker][0].values.items()}
                self.registry.evaluate(self.bodies[body], candidacy_id, values=values)

    def rank(self, key: str, body: str) -> None:
        self.registry.publish_ranking(self.bodies[body], self.schemes[key])

    def award(self, key: str, body: str) -> None:
        self.registry.award(self.bodies[body], self.schemes[key])

    def through_award(
        self, key: str, body: str, line: Line, days: tuple[int, int, int, int, int]
    ) -> None:
        """A drafted scheme on to its award: approve, enter all of `line`, evaluate, rank and
        award, each so many `days` ago."""
        steps: tuple[Callable[[], None], ...] = (
            lambda: self.approve(key),
            lambda: self.enter(key, body, [m.key for m in line.makers]),
            lambda: self.evaluate(key, body),
            lambda: self.rank(key, body),
            lambda: self.award(key, body),
        )
        for days_ago, step in zip(days, steps, strict=True):
            self.clock.days_ago(days_ago)
            step()

    def candidacy(self, candidacy_id: str) -> Candidacy:
        return self.registry.load(Candidacy, candidacy_id, "candidacy")


def credential(
    registry: LeaderRegistry, admin: Actor, role: str, subject: str, label: str
) -> tuple[str, Actor]:
    """Issue a credential; return its token and the actor it authenticates as."""
    issued = registry.issue_credential(admin, role=role, subject=subject, label=label)
    return issued["token"], registry.authenticate(issued["token"])


def cycle_title(cycle: int, what: str, english: str) -> str:
    return f"{cycle}年度{what}企业标准“领跑者”评估方案 ({english} {cycle})"


def cast(registry: LeaderRegistry, clock: DemoClock) -> Demo:
    """The working body sets up the evaluation bodies and everyone's credentials."""
    admin = registry.bootstrap_credential(
        role=Role.ADMIN.value, subject="demo-admin", label="demo administrator"
    )
    admin_actor = registry.authenticate(admin["token"])
    regulator_token, regulator = credential(
        registry,
        admin_actor,
        Role.REGULATOR.value,
        "国家市场监督管理总局 (State Administration for Market Regulation)",
        "complaints desk",
    )
    platform_token, platform = credential(
        registry,
        admin_actor,
        Role.PLATFORM.value,
        "企业标准信息公共服务平台 (national enterprise standard information platform)",
        "declaration feed",
    )
    tokens = {
        "admin": admin["token"],
        "regulator": regulator_token,
        "platform": platform_token,
        "bodies": {},
    }
    demo = Demo(registry, clock, admin_actor, platform, regulator, tokens)
    demo.define_categories()
    demo.register_bodies()
    return demo
