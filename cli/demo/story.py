"""A realistic demo dataset, written through the application's use cases only.

`load_demo` steps the registry's clock from 600 days before `now` up to `now`:

* four evaluation bodies accredited for five categories, a regulator, the national
  platform's feed and an administrator, each with a credential;
* 41 enterprises (valid unified social credit codes, real region codes) declaring their
  standards; one standard is revised, one withdrawn;
* the national household refrigerator list in two cycles: the previous one awarded about
  500 days ago (valid 730 days) and superseded by the current one about 100 days ago, whose
  ranking has a tie at the cut-off, an exclusion for a format problem, an entry worse than
  the baseline and an entry whose standard was withdrawn after evaluation;
* current national lists for room air conditioners (with an exclusion for an invalid
  normative reference and a dismissed complaint), washing machines and LED lamps (a tie);
* a Tianjin provincial list for property services valid only 200 days, awarded about
  300 days ago and therefore expired by `now`;
* a fraud complaint upheld by the regulator, which revokes a refrigerator title;
* one scheme drafted but not yet reviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.candidacy import Candidacy, Status
from domain.complaint import ComplainantKind, Grounds
from domain.credit_code import make_credit_code
from domain.errors import Conflict
from domain.evaluation_body import BodyKind
from domain.scheme import Level
from domain.values import Actor, Direction, Enterprise, Indicator, IndicatorKind, Product, Role
from registry.application import LeaderRegistry

START_DAYS = 600  # the demo's history begins this many days before `now`
_TICK = timedelta(minutes=7)  # spacing of consecutive commands within one step of the story

CORE, BASIC = IndicatorKind.CORE.value, IndicatorKind.BASIC.value
INNOVATION = IndicatorKind.INNOVATION.value
HIGHER, LOWER = Direction.HIGHER.value, Direction.LOWER.value

REFRIGERATORS, AIR_CONDITIONERS, WASHING_MACHINES = "C3851", "C3852", "C3855"
LED_LAMPS, PROPERTY_SERVICES = "C3872", "K7020"
TIANJIN = "120000"
APPROVAL = "专家评审通过 (approved by the expert review panel)"


class DemoStoreNotEmpty(Conflict):
    """The demo is only ever loaded into an empty event store."""


class _DemoClock:
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


def _indicator(
    code: str, name: str, unit: str, kind: str, direction: str, baseline: str, weight: str
) -> Indicator:
    return Indicator(code, name, unit, kind, direction, Decimal(baseline), Decimal(weight))


# Evaluation bodies ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Body:
    key: str
    name: str
    kind: str
    categories: tuple[str, ...]


BODIES = (
    _Body(
        "cnis",
        "中国标准化研究院 (China National Institute of Standardization)",
        BodyKind.STANDARDISATION_INSTITUTE.value,
        (REFRIGERATORS,),
    ),
    _Body(
        "cheari",
        "中国家用电器研究院 (China Household Electric Appliance Research Institute)",
        BodyKind.TESTING_INSTITUTE.value,
        (AIR_CONDITIONERS, WASHING_MACHINES),
    ),
    _Body(
        "cali",
        "中国照明电器协会 (China Association of Lighting Industry)",
        BodyKind.INDUSTRY_ASSOCIATION.value,
        (LED_LAMPS,),
    ),
    _Body(
        "tjis",
        "天津市标准化研究院 (Tianjin Institute of Standardization)",
        BodyKind.STANDARDISATION_INSTITUTE.value,
        (REFRIGERATORS, PROPERTY_SERVICES),
    ),
)
DEMO_BODY = "cnis"  # the body whose token `serve --demo` prints

# Indicators of the schemes ---------------------------------------------------------------------
FRIDGE_INDICATORS = (
    _indicator("eei", "能效指数 Energy efficiency index", "%", CORE, LOWER, "60", "3"),
    _indicator("noise", "噪声 Noise", "dB(A)", CORE, LOWER, "42", "1"),
    _indicator("fresh", "保鲜技术 Freshness retention", "", INNOVATION, HIGHER, "0", "0"),
)
AC_INDICATORS = (
    _indicator("apf", "全年能源消耗效率 APF", "W·h/(W·h)", CORE, HIGHER, "4.50", "3"),
    _indicator("standby", "待机功率 Standby power", "W", CORE, LOWER, "1.0", "1"),
    _indicator("noise", "室内机噪声 Indoor unit noise", "dB(A)", BASIC, LOWER, "40", "0"),
    _indicator("low_gwp", "低GWP制冷剂 Low-GWP refrigerant", "", INNOVATION, HIGHER, "0", "0"),
)
WASHER_INDICATORS = (
    _indicator(
        "energy", "单位功效耗电量 Energy per unit", "kW·h/(cycle·kg)", CORE, LOWER, "0.150", "2"
    ),
    _indicator("water", "单位功效用水量 Water per unit", "L/(cycle·kg)", CORE, LOWER, "10.0", "1"),
    _indicator("wash_ratio", "洗净比 Washing ratio", "", BASIC, HIGHER, "0.70", "0"),
    _indicator("noise", "洗涤噪声 Washing noise", "dB(A)", BASIC, LOWER, "62", "0"),
)
LED_INDICATORS = (
    _indicator("efficacy", "光效 Luminous efficacy", "lm/W", CORE, HIGHER, "100", "2"),
    _indicator("lifetime", "额定寿命 Rated lifetime", "h", CORE, HIGHER, "15000", "1"),
    _indicator("ra", "显色指数 Colour rendering index", "Ra", BASIC, HIGHER, "80", "0"),
    _indicator("dimming", "智能调光 Smart dimming", "", INNOVATION, HIGHER, "0", "0"),
)
PROPERTY_INDICATORS = (
    _indicator("satisfaction", "业主满意度 Owner satisfaction", "%", CORE, HIGHER, "80", "2"),
    _indicator("repair_response", "报修响应时间 Repair response", "h", CORE, LOWER, "24", "1"),
    _indicator("closure", "投诉处理及时率 Complaint closure rate", "%", BASIC, HIGHER, "95", "0"),
)


# Enterprises and the standards they declare -----------------------------------------------------
@dataclass(frozen=True)
class _Maker:
    key: str  # also the letters of its standard number, e.g. Q/12JL 0001-2024
    name: str
    region: str
    model: str
    values: dict[str, str]


@dataclass(frozen=True)
class _Line:
    """One product or service category and the enterprises that declare standards for it."""

    category: str
    product: str
    title: str
    keys: tuple[str, ...]
    makers: tuple[_Maker, ...]


def _line(
    category: str,
    product: str,
    title: str,
    keys: Sequence[str],
    rows: Sequence[tuple[str, str, str, str, Sequence[str]]],
) -> _Line:
    makers = tuple(
        _Maker(key, name, region, model, dict(zip(keys, values, strict=True)))
        for key, name, region, model, values in rows
    )
    return _Line(category, product, title, tuple(keys), makers)


FRIDGES = _line(
    REFRIGERATORS,
    "家用电冰箱 Household refrigerator",
    "家用电冰箱",
    ("eei", "noise", "fresh"),
    [
        ("JL", "津冷电器(天津)有限公司", TIANJIN, "BCD-510WP", ("42", "37", "1")),
        ("XY", "北京雪原制冷设备有限公司", "110000", "BCD-460W", ("45", "38", "0")),
        ("BC", "上海冰川家电有限公司", "310000", "BCD-552WK", ("40", "39", "1")),
        ("HL", "青岛海澜电器股份有限公司", "370200", "BCD-480WD", ("38", "36", "1")),
        ("HW", "合肥恒温科技有限公司", "340100", "BCD-401", ("50", "38", "0")),
        ("QL", "杭州清凉电器有限公司", "330100", "BCD-320", ("47", "40", "0")),
        ("LX", "深圳冷芯智能电器有限公司", "440300", "BCD-505WG", ("44", "37", "1")),
        ("BJX", "佛山北极星电器有限公司", "440600", "BCD-268", ("52", "39", "0")),
    ],
)
# Newcomers who declare in time for the current refrigerator cycle only.
NEW_FRIDGES = _line(
    REFRIGERATORS,
    FRIDGES.product,
    FRIDGES.title,
    FRIDGES.keys,
    [
        ("SH", "苏州霜华电器有限公司", "320500", "BCD-450WS", ("42", "37", "0")),
        ("BB", "天津渤冰科技有限公司", TIANJIN, "BCD-390W", ("44", "39", "0")),
        ("SC", "重庆山城制冷有限公司", "500000", "BCD-215", ("61", "40", "0")),
    ],
)
AIR_CONDITIONER_MAKERS = _line(
    AIR_CONDITIONERS,
    "房间空气调节器 Room air conditioner",
    "房间空气调节器",
    ("apf", "standby", "noise", "low_gwp"),
    [
        ("NF", "珠海暖风空调设备有限公司", "440400", "KFR-35GW/NF1", ("5.60", "0.40", "38", "1")),
        ("SQ", "佛山顺清空调有限公司", "440600", "KFR-35GW/SQ3", ("5.45", "0.50", "37", "0")),
        ("LH", "青岛蓝海空调股份有限公司", "370200", "KFR-26GW/LH", ("5.30", "0.45", "39", "1")),
        ("AF", "宁波奥风电器有限公司", "330200", "KFR-35GW/AF", ("5.20", "0.60", "38", "0")),
        ("LXK", "天津凉夏空调有限公司", TIANJIN, "KFR-35GW/LX", ("5.05", "0.55", "39", "0")),
        ("JF", "武汉江风电器有限公司", "420100", "KFR-32GW/JF", ("4.95", "0.50", "38", "0")),
        ("QY", "南京清源空调设备有限公司", "320100", "KFR-35GW/QY", ("5.10", "0.50", "38", "0")),
        ("HF", "厦门海风电器有限公司", "350200", "KFR-26GW/HF", ("4.80", "0.70", "36", "0")),
    ],
)
WASHER_MAKERS = _line(
    WASHING_MACHINES,
    "家用洗衣机 Household washing machine",
    "滚筒洗衣机",
    ("energy", "water", "wash_ratio", "noise"),
    [
        ("QYX", "无锡清漪洗衣机有限公司", "320200", "XQG100-QY1", ("0.105", "6.8", "1.03", "48")),
        ("RT", "合肥荣泰电器有限公司", "340100", "XQG90-RT5", ("0.112", "7.2", "1.00", "50")),
        ("HLX", "宁波海浪洗涤设备有限公司", "330200", "XQG100-HL", ("0.118", "7.9", "0.98", "52")),
        ("JLA", "上海洁澜电器有限公司", "310000", "XQG80-JL2", ("0.125", "8.4", "0.95", "49")),
        ("JJ", "天津洁净家电有限公司", TIANJIN, "XQG100-JJ", ("0.130", "8.8", "0.92", "53")),
        ("SY", "杭州水韵电器有限公司", "330100", "XQG90-SY", ("0.135", "9.1", "0.90", "54")),
        ("JJK", "深圳净界科技有限公司", "440300", "XQG80-JJK", ("0.140", "9.5", "0.85", "55")),
    ],
)
LED_MAKERS = _line(
    LED_LAMPS,
    "LED筒灯 LED downlight",
    "LED筒灯",
    ("efficacy", "lifetime", "ra", "dimming"),
    [
        ("GY", "厦门光源照明科技有限公司", "350200", "TD-12W-GY", ("150", "30000", "85", "1")),
        ("MLD", "中山明亮灯饰有限公司", "442000", "MLD-DL10", ("145", "25000", "82", "0")),
        ("CG", "杭州晨光照明电器有限公司", "330100", "CG-DL12", ("140", "25000", "90", "1")),
        ("MH", "上海明辉照明有限公司", "310000", "MH-D9W", ("140", "25000", "83", "0")),
        ("XYG", "深圳星耀光电有限公司", "440300", "XY-DL15", ("135", "30000", "80", "1")),
        ("HD", "佛山华灯照明有限公司", "440600", "HD-TD8", ("130", "20000", "84", "0")),
        ("JLG", "苏州晶亮光电科技有限公司", "320500", "JL-D12", ("125", "25000", "81", "0")),
        ("JH", "北京京华照明有限公司", "110000", "JH-DL7", ("120", "20000", "86", "0")),
        ("JM", "天津津明电光源有限公司", TIANJIN, "JM-TD10", ("115", "15000", "80", "0")),
    ],
)
PROPERTY_FIRMS = _line(
    PROPERTY_SERVICES,
    "住宅物业服务 Residential property services",
    "住宅物业服务规范",
    ("satisfaction", "repair_response", "closure"),
    [
        ("AJ", "天津安居物业服务有限公司", "120103", "住宅小区一级服务", ("96", "4", "100")),
        ("HH", "天津海河物业管理有限公司", "120101", "住宅小区一级服务", ("94", "6", "99")),
        ("BH", "天津滨海宜家物业服务有限公司", "120116", "住宅小区二级服务", ("92", "8", "98")),
        ("NK", "天津南开园区物业管理有限公司", "120104", "住宅小区二级服务", ("90", "12", "97")),
        ("HS", "天津和顺物业服务有限公司", "120102", "住宅小区一级服务", ("88", "2", "96")),
        ("JC", "天津津城物业管理有限公司", "120105", "住宅小区三级服务", ("85", "12", "95")),
    ],
)
FORMAT_PROBLEM = (
    "格式问题：标准文本缺少范围和技术要求章节，不符合 GB/T 1.1-2020 "
    "(format problem: the standard text lacks the scope and requirements clauses)"
)
INVALID_REFERENCE = (
    "规范性引用文件无效：引用已废止的 GB 12021.3-2010，已被 GB 21455-2019 代替 "
    "(invalid normative reference: GB 12021.3-2010 was replaced by GB 21455-2019)"
)


@dataclass
class _Demo:
    """The story's state: who acts, and the ids of what was recorded."""

    registry: LeaderRegistry
    clock: _DemoClock
    admin: Actor
    platform: Actor
    regulator: Actor
    tokens: dict[str, Any]
    bodies: dict[str, Actor] = field(default_factory=dict)
    body_ids: dict[str, str] = field(default_factory=dict)
    makers: dict[str, tuple[_Maker, _Line]] = field(default_factory=dict)
    declarations: dict[str, str] = field(default_factory=dict)
    schemes: dict[str, str] = field(default_factory=dict)
    candidacies: dict[str, dict[str, str]] = field(default_factory=dict)
    serial: int = 0

    # People and organisations ------------------------------------------------------------
    def register_bodies(self) -> None:
        for body in BODIES:
            body_id = self.registry.register_body(
                self.admin, name=body.name, kind=body.kind, categories=list(body.categories)
            )["id"]
            token, actor = _credential(
                self.registry, self.admin, Role.EVALUATION_BODY.value, body_id, body.name
            )
            self.body_ids[body.key] = body_id
            self.bodies[body.key] = actor
            self.tokens["bodies"][body.key] = {"id": body_id, "name": body.name, "token": token}

    # Declarations ---------------------------------------------------------------------------
    def declare(self, line: _Line) -> None:
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
            _Maker(maker.key, maker.name, maker.region, model, revised),
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

    def candidacy(self, candidacy_id: str) -> Candidacy:
        return self.registry.load(Candidacy, candidacy_id, "candidacy")


def _credential(
    registry: LeaderRegistry, admin: Actor, role: str, subject: str, label: str
) -> tuple[str, Actor]:
    """Issue a credential; return its token and the actor it authenticates as."""
    issued = registry.issue_credential(admin, role=role, subject=subject, label=label)
    return issued["token"], registry.authenticate(issued["token"])


def _cycle_title(cycle: int, what: str, english: str) -> str:
    return f"{cycle}年度{what}企业标准“领跑者”评估方案 ({english} {cycle})"


def _check_empty(registry: LeaderRegistry) -> None:
    if registry.recorder.max_notification_id():
        raise DemoStoreNotEmpty(
            "the event store already holds events; the demo loads only into an empty store"
        )


def load_demo(registry: LeaderRegistry, *, now: datetime) -> dict[str, Any]:
    """Fill an empty store with the demo dataset; return tokens, interesting ids and counts."""
    _check_empty(registry)
    clock = _DemoClock(now)
    original = registry.clock
    registry.clock = clock
    try:
        return _story(registry, clock, now)
    finally:
        registry.clock = original


def _story(registry: LeaderRegistry, clock: _DemoClock, now: datetime) -> dict[str, Any]:
    current = (now - timedelta(days=220)).year  # the cycle whose lists were awarded lately
    previous = current - 1

    # ~600 days ago: the working body sets up bodies and credentials.
    admin = registry.bootstrap_credential(
        role=Role.ADMIN.value, subject="demo-admin", label="demo administrator"
    )
    admin_actor = registry.authenticate(admin["token"])
    regulator_token, regulator = _credential(
        registry,
        admin_actor,
        Role.REGULATOR.value,
        "国家市场监督管理总局 (State Administration for Market Regulation)",
        "complaints desk",
    )
    platform_token, platform = _credential(
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
    demo = _Demo(registry, clock, admin_actor, platform, regulator, tokens)
    demo.register_bodies()

    # The previous refrigerator cycle, awarded ~500 days ago, valid 730 days.
    clock.days_ago(590)
    demo.declare(FRIDGES)
    clock.days_ago(570)
    demo.draft(
        "refrigerators_previous",
        "cnis",
        title=_cycle_title(previous, "家用电冰箱", "Household refrigerators"),
        category=REFRIGERATORS,
        cycle=previous,
        indicators=FRIDGE_INDICATORS,
        top_n=3,
        publicity_days=10,
        validity_days=730,
    )
    clock.days_ago(565)
    demo.approve("refrigerators_previous")
    clock.days_ago(560)
    demo.enter("refrigerators_previous", "cnis", [m.key for m in FRIDGES.makers])
    clock.days_ago(545)
    demo.evaluate("refrigerators_previous", "cnis")
    clock.days_ago(515)
    demo.rank("refrigerators_previous", "cnis")
    clock.days_ago(500)
    demo.award("refrigerators_previous", "cnis")

    # Tianjin's provincial property-services list: valid 200 days from ~300 days ago.
    clock.days_ago(360)
    demo.declare(PROPERTY_FIRMS)
    property_cycle = clock.today().year
    clock.days_ago(350)
    demo.draft(
        "property_services_tianjin",
        "tjis",
        title=_cycle_title(property_cycle, "天津市住宅物业服务", "Tianjin property services"),
        category=PROPERTY_SERVICES,
        cycle=property_cycle,
        indicators=PROPERTY_INDICATORS,
        top_n=3,
        publicity_days=7,
        validity_days=200,
        region=TIANJIN,
    )
    clock.days_ago(345)
    demo.approve("property_services_tianjin")
    clock.days_ago(340)
    demo.enter("property_services_tianjin", "tjis", [m.key for m in PROPERTY_FIRMS.makers])
    clock.days_ago(330)
    demo.evaluate("property_services_tianjin", "tjis")
    clock.days_ago(315)
    demo.rank("property_services_tianjin", "tjis")
    clock.days_ago(300)
    demo.award("property_services_tianjin", "tjis")

    # The current cycle: new declarations, a revision, four national schemes.
    clock.days_ago(260)
    demo.declare(NEW_FRIDGES)
    clock.days_ago(255)
    demo.declare(AIR_CONDITIONER_MAKERS)
    demo.declare(WASHER_MAKERS)
    demo.declare(LED_MAKERS)
    clock.days_ago(235)
    demo.revise("HL", "BCD-480WD Pro", eei="35", noise="35")
    clock.days_ago(220)
    current_schemes = {
        "refrigerators_current": ("cnis", REFRIGERATORS, "家用电冰箱", "Household refrigerators"),
        "air_conditioners": ("cheari", AIR_CONDITIONERS, "房间空气调节器", "Room air conditioners"),
        "washing_machines": ("cheari", WASHING_MACHINES, "家用洗衣机", "Washing machines"),
        "led_lamps": ("cali", LED_LAMPS, "LED筒灯", "LED downlights"),
    }
    settings = {
        "refrigerators_current": (FRIDGE_INDICATORS, 3, 10),
        "air_conditioners": (AC_INDICATORS, 4, 7),
        "washing_machines": (WASHER_INDICATORS, 3, 10),
        "led_lamps": (LED_INDICATORS, 5, 7),
    }
    for key, (body, category, what, english) in current_schemes.items():
        indicators, top_n, publicity_days = settings[key]
        demo.draft(
            key,
            body,
            title=_cycle_title(current, what, english),
            category=category,
            cycle=current,
            indicators=indicators,
            top_n=top_n,
            publicity_days=publicity_days,
            validity_days=730,
        )
    clock.days_ago(212)
    for key in current_schemes:
        demo.approve(key)
    clock.days_ago(205)
    fridge_keys = [m.key for m in (*FRIDGES.makers, *NEW_FRIDGES.makers)]
    demo.enter("refrigerators_current", "cnis", fridge_keys)
    demo.enter("air_conditioners", "cheari", [m.key for m in AIR_CONDITIONER_MAKERS.makers])
    demo.enter("washing_machines", "cheari", [m.key for m in WASHER_MAKERS.makers])
    demo.enter("led_lamps", "cali", [m.key for m in LED_MAKERS.makers])
    clock.days_ago(190)
    demo.evaluate("refrigerators_current", "cnis", {"QL": FORMAT_PROBLEM})
    demo.evaluate("air_conditioners", "cheari", {"QY": INVALID_REFERENCE})
    clock.days_ago(185)
    demo.evaluate("washing_machines", "cheari")
    demo.evaluate("led_lamps", "cali")

    # After its evaluation, a refrigerator maker withdraws its standard.
    clock.days_ago(170)
    registry.withdraw_declaration(
        demo.platform,
        demo.declarations["BB"],
        reason="企业标准已废止，产品停产 (standard abolished, product discontinued)",
    )

    # Rankings, publicity, awards; an objection to an air conditioner leader is dismissed.
    clock.days_ago(140)
    demo.rank("washing_machines", "cheari")
    clock.days_ago(135)
    demo.rank("led_lamps", "cali")
    clock.days_ago(130)
    demo.rank("air_conditioners", "cheari")
    clock.days_ago(125)
    demo.award("washing_machines", "cheari")
    clock.days_ago(120)
    demo.award("led_lamps", "cali")
    clock.days_ago(115)
    demo.award("air_conditioners", "cheari")
    demo.rank("refrigerators_current", "cnis")
    clock.days_ago(100)
    demo.award("refrigerators_current", "cnis")  # supersedes the previous cycle's titles

    clock.days_ago(80)
    dismissed = registry.file_complaint(
        demo.regulator,
        candidacy_id=demo.candidacies["air_conditioners"]["SQ"],
        complainant_kind=ComplainantKind.CONSUMER.value,
        grounds=Grounds.NONCONFORMITY.value,
        description="消费者反映室内机噪声高于声明值 (consumer reports indoor noise above the "
        "declared level)",
        evidence=["12315 投诉单 TS-2024-0815", "现场录音 recording-01"],
    )["id"]
    clock.days_ago(65)
    registry.decide_complaint(
        demo.regulator,
        dismissed,
        upheld=False,
        findings="抽样复测室内机噪声 37 dB(A)，符合声明值 (retest: 37 dB(A), within the "
        "declared level)",
    )

    # A fraud complaint against a refrigerator leader is upheld: the title is revoked.
    clock.days_ago(60)
    upheld = registry.file_complaint(
        demo.regulator,
        candidacy_id=demo.candidacies["refrigerators_current"]["SH"],
        complainant_kind=ComplainantKind.REGULATOR.value,
        grounds=Grounds.FRAUD.value,
        description="能效检测报告涉嫌伪造 (the energy efficiency test report is suspected forged)",
        evidence=["检验报告 No. WT-2023-11872", "检测机构核查函 laboratory letter"],
    )["id"]
    clock.days_ago(30)
    registry.decide_complaint(
        demo.regulator,
        upheld,
        upheld=True,
        findings="出具报告的实验室确认该报告编号不存在，认定提供虚假材料 (the issuing "
        "laboratory confirmed the report does not exist: false material)",
    )

    # Tianjin drafts next cycle's provincial refrigerator scheme; it awaits expert review.
    clock.days_ago(10)
    demo.draft(
        "draft",
        "tjis",
        title=_cycle_title(current + 1, "天津市家用电冰箱", "Tianjin household refrigerators"),
        category=REFRIGERATORS,
        cycle=current + 1,
        indicators=FRIDGE_INDICATORS,
        top_n=3,
        publicity_days=7,
        validity_days=365,
        region=TIANJIN,
    )

    # Now: record the expiry of the property-services titles.
    clock.days_ago(0)
    registry.expire_titles(demo.candidacies["property_services_tianjin"].values())
    return _summary(demo, now, dismissed=dismissed, upheld=upheld)


def _summary(demo: _Demo, now: datetime, *, dismissed: str, upheld: str) -> dict[str, Any]:
    by_status: dict[str, list[str]] = {}
    for entered in demo.candidacies.values():
        for candidacy_id in entered.values():
            by_status.setdefault(demo.candidacy(candidacy_id).status, []).append(candidacy_id)
    fridges = demo.candidacies["refrigerators_current"]
    tied = [fridges["JL"], fridges["SH"]]
    return {
        "now": now.isoformat(),
        "tokens": demo.tokens,
        "bodies": demo.body_ids,
        "schemes": demo.schemes,
        "candidacies": {
            "awarded": by_status.get(Status.AWARDED, []),
            "superseded": by_status.get(Status.SUPERSEDED, []),
            "expired": by_status.get(Status.EXPIRED, []),
            "revoked": fridges["SH"],
            "tied": tied,
            "excluded_format": fridges["QL"],
            "excluded_reference": demo.candidacies["air_conditioners"]["QY"],
            "excluded_withdrawn": fridges["BB"],
            "not_ranked": fridges["SC"],
            "complained_dismissed": demo.candidacies["air_conditioners"]["SQ"],
        },
        "complaints": {"dismissed": dismissed, "upheld": upheld},
        "declarations": {"revised": demo.declarations["HL"], "withdrawn": demo.declarations["BB"]},
        "counts": {
            "bodies": len(demo.body_ids),
            "enterprises": len(demo.declarations),
            "declarations": len(demo.declarations),
            "schemes": len(demo.schemes),
            "candidacies": sum(len(c) for c in demo.candidacies.values()),
            "complaints": 2,
            "active_leaders": len(by_status.get(Status.AWARDED, [])),
            "events": demo.registry.recorder.max_notification_id() or 0,
        },
    }
