"""A realistic demo dataset, written through the application's use cases only.

`load_demo` steps the registry's clock from 600 days before `now` up to `now`:

* the five categories in the catalogue, with their Chinese and English names;
* four evaluation bodies accredited for them, a regulator, the national
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

from datetime import datetime, timedelta
from typing import Any

from cli.demo.data import (
    AIR_CONDITIONER_MAKERS,
    CURRENT_SCHEMES,
    FORMAT_PROBLEM,
    FRIDGE_INDICATORS,
    FRIDGES,
    INVALID_REFERENCE,
    LED_MAKERS,
    NEW_FRIDGES,
    PROPERTY_FIRMS,
    PROPERTY_INDICATORS,
    PROPERTY_SERVICES,
    REFRIGERATORS,
    TIANJIN,
    WASHER_MAKERS,
)
from cli.demo.steps import Demo, DemoClock, cast, cycle_title
from cli.demo.summary import summary
from domain.complaint import ComplainantKind, Grounds
from domain.errors import Conflict
from registry.application import LeaderRegistry


class DemoStoreNotEmpty(Conflict):
    """The demo is only ever loaded into an empty event store."""


def _check_empty(registry: LeaderRegistry) -> None:
    if registry.recorder.max_notification_id():
        raise DemoStoreNotEmpty(
            "the event store already holds events; the demo loads only into an empty store"
        )


def load_demo(registry: LeaderRegistry, *, now: datetime) -> dict[str, Any]:
    """Fill an empty store with the demo dataset; return tokens, interesting ids and counts."""
    _check_empty(registry)
    clock = DemoClock(now)
    original = registry.clock
    registry.clock = clock
    try:
        return _story(registry, clock, now)
    finally:
        registry.clock = original


def _story(registry: LeaderRegistry, clock: DemoClock, now: datetime) -> dict[str, Any]:
    """The whole story, oldest first: each list in turn, then the complaints."""
    current = (now - timedelta(days=220)).year  # the cycle whose lists were awarded lately
    demo = cast(registry, clock)  # ~600 days ago
    _previous_refrigerators(demo, current - 1)  # ~590 to ~500 days ago
    _tianjin_property_services(demo)  # ~360 to ~300 days ago
    _current_cycle(demo, current)  # ~260 days ago to ~100 days ago
    dismissed = _dismissed_complaint(demo)
    upheld = _upheld_fraud_complaint(demo)
    _next_tianjin_draft(demo, current + 1)
    # Now: record the expiry of the property-services titles.
    clock.days_ago(0)
    registry.expire_titles(demo.candidacies["property_services_tianjin"].values())
    return summary(demo, now, dismissed=dismissed, upheld=upheld)


def _previous_refrigerators(demo: Demo, previous: int) -> None:
    """The previous refrigerator cycle, awarded ~500 days ago, valid 730 days."""
    clock = demo.clock
    clock.days_ago(590)
    demo.declare(FRIDGES)
    clock.days_ago(570)
    demo.draft(
        "refrigerators_previous",
        "cnis",
        title=cycle_title(previous, "家用电冰箱", "Household refrigerators"),
        category=REFRIGERATORS,
        cycle=previous,
        indicators=FRIDGE_INDICATORS,
        top_n=3,
        publicity_days=10,
        validity_days=730,
    )
    demo.through_award("refrigerators_previous", "cnis", FRIDGES, (565, 560, 545, 515, 500))


def _tianjin_property_services(demo: Demo) -> None:
    """Tianjin's provincial property-services list: valid 200 days from ~300 days ago."""
    clock = demo.clock
    clock.days_ago(360)
    demo.declare(PROPERTY_FIRMS)
    property_cycle = clock.today().year
    clock.days_ago(350)
    demo.draft(
        "property_services_tianjin",
        "tjis",
        title=cycle_title(property_cycle, "天津市住宅物业服务", "Tianjin property services"),
        category=PROPERTY_SERVICES,
        cycle=property_cycle,
        indicators=PROPERTY_INDICATORS,
        top_n=3,
        publicity_days=7,
        validity_days=200,
        region=TIANJIN,
    )
    days = (345, 340, 330, 315, 300)
    demo.through_award("property_services_tianjin", "tjis", PROPERTY_FIRMS, days)


def _current_cycle(demo: Demo, current: int) -> None:
    """The current cycle: new declarations, a revision, four national schemes to their awards."""
    clock = demo.clock
    clock.days_ago(260)
    demo.declare(NEW_FRIDGES)
    clock.days_ago(255)
    demo.declare(AIR_CONDITIONER_MAKERS)
    demo.declare(WASHER_MAKERS)
    demo.declare(LED_MAKERS)
    clock.days_ago(235)
    demo.revise("HL", "BCD-480WD Pro", eei="35", noise="35")
    clock.days_ago(220)
    for key, (
        body,
        category,
        what,
        english,
        indicators,
        top_n,
        publicity,
    ) in CURRENT_SCHEMES.items():
        demo.draft(
            key,
            body,
            title=cycle_title(current, what, english),
            category=category,
            cycle=current,
            indicators=indicators,
            top_n=top_n,
            publicity_days=publicity,
            validity_days=730,
        )
    clock.days_ago(212)
    for key in CURRENT_SCHEMES:
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
    demo.registry.withdraw_declaration(
        demo.platform,
        demo.declarations["BB"],
        reason="企业标准已废止，产品停产 (standard abolished, product discontinued)",
    )
    _current_awards(demo)


def _current_awards(demo: Demo) -> None:
    """Rankings, publicity and awards of the current cycle's four national lists."""
    clock = demo.clock
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


def _dismissed_complaint(demo: Demo) -> str:
    """An objection to an air conditioner leader is dismissed; return the complaint's id."""
    registry, clock = demo.registry, demo.clock
    clock.days_ago(80)
    dismissed: str = registry.file_complaint(
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
    return dismissed


def _upheld_fraud_complaint(demo: Demo) -> str:
    """A fraud complaint against a refrigerator leader is upheld: the title is revoked."""
    registry, clock = demo.registry, demo.clock
    clock.days_ago(60)
    upheld: str = registry.file_complaint(
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
    return upheld


def _next_tianjin_draft(demo: Demo, cycle: int) -> None:
    """Tianjin drafts next cycle's provincial refrigerator scheme; it awaits expert review."""
    demo.clock.days_ago(10)
    demo.draft(
        "draft",
        "tjis",
        title=cycle_title(cycle, "天津市家用电冰箱", "Tianjin household refrigerators"),
        category=REFRIGERATORS,
        cycle=cycle,
        indicators=FRIDGE_INDICATORS,
        top_n=3,
        publicity_days=7,
        validity_days=365,
        region=TIANJIN,
    )
