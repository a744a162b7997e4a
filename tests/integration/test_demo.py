"""The demo dataset: loaded through the use cases, it shows every state a title can reach."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.domain import Aggregate

from cli.demo.data import BODIES, CATEGORIES
from cli.demo.story import DemoStoreNotEmpty, load_demo
from domain import ids
from domain.candidacy import Candidacy, Status
from domain.category import Category
from domain.complaint import Complaint, ComplaintStatus
from domain.declaration import Declaration
from domain.scheme import Scheme, SchemeStatus
from registry.application import LeaderRegistry
from registry.base import utc_now

NOW = datetime(2025, 6, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Callable[[], datetime]:
    """The wall clock: the demo sets its own moments, and the registry keeps this one."""
    return utc_now


@pytest.fixture
def demo(registry: LeaderRegistry) -> dict[str, Any]:
    return load_demo(registry, now=NOW)


def candidacy(registry: LeaderRegistry, candidacy_id: str) -> Candidacy:
    return registry.load(Candidacy, candidacy_id, "candidacy")


def test_every_end_of_a_title_is_there(registry: LeaderRegistry, demo: dict[str, Any]) -> None:
    ids = demo["candidacies"]
    schemes = demo["schemes"]

    revoked = candidacy(registry, ids["revoked"])
    assert revoked.status == Status.REVOKED
    assert revoked.end_reason.startswith("complaint upheld (fraud):")
    assert "false material" in revoked.end_reason

    assert len(ids["expired"]) == 3
    for cid in ids["expired"]:
        expired = candidacy(registry, cid)
        assert expired.status == Status.EXPIRED
        assert str(expired.scheme_id) == schemes["property_services_tianjin"]
        assert expired.level == "provincial" and expired.scheme_region == "120000"
        assert expired.valid_until is not None and expired.valid_until <= NOW
        assert expired.end_reason.startswith("validity ended")

    assert len(ids["superseded"]) == 3
    for cid in ids["superseded"]:
        superseded = candidacy(registry, cid)
        assert superseded.status == Status.SUPERSEDED
        assert str(superseded.scheme_id) == schemes["refrigerators_previous"]
        assert schemes["refrigerators_current"] in superseded.end_reason

    current_schemes = {
        schemes[k] for k in ("refrigerators_current", "air_conditioners", "washing_machines")
    } | {schemes["led_lamps"]}
    assert len(ids["awarded"]) == demo["counts"]["active_leaders"] == 15
    for cid in ids["awarded"]:
        leader = candidacy(registry, cid)
        assert leader.is_active_leader(NOW)
        assert str(leader.scheme_id) in current_schemes


def test_rankings_show_ties_exclusions_and_baselines(
    registry: LeaderRegistry, demo: dict[str, Any]
) -> None:
    ids = demo["candidacies"]
    tied = [candidacy(registry, cid) for cid in ids["tied"]]
    assert [c.rank for c in tied] == [3, 3], "a tie at the cut-off (top 3)"
    assert {c.status for c in tied} == {Status.AWARDED, Status.REVOKED}

    fridges = registry.load(Scheme, demo["schemes"]["refrigerators_current"], "scheme")
    assert fridges.top_n == 3 and len(fridges.qualified_ids) == 4
    assert fridges.status == SchemeStatus.AWARDED

    excluded = candidacy(registry, ids["excluded_format"])
    assert excluded.status == Status.EXCLUDED and excluded.exclusion_reason.startswith("格式问题")
    reference = candidacy(registry, ids["excluded_reference"])
    assert "invalid normative reference" in reference.exclusion_reason
    withdrawn = candidacy(registry, ids["excluded_withdrawn"])
    assert withdrawn.status == Status.EXCLUDED
    assert withdrawn.exclusion_reason == "the declared standard was withdrawn"
    worse = candidacy(registry, ids["not_ranked"])
    assert worse.status == Status.NOT_RANKED and "worse than baseline" in worse.exclusion_reason


def test_complaints_declarations_and_drafts(registry: LeaderRegistry, demo: dict[str, Any]) -> None:
    dismissed = registry.load(Complaint, demo["complaints"]["dismissed"], "complaint")
    assert dismissed.status == ComplaintStatus.DISMISSED and dismissed.findings
    target = candidacy(registry, demo["candidacies"]["complained_dismissed"])
    assert target.id == dismissed.candidacy_id
    assert target.status == Status.AWARDED and not target.open_complaints

    upheld = registry.load(Complaint, demo["complaints"]["upheld"], "complaint")
    assert upheld.status == ComplaintStatus.UPHELD and upheld.grounds == "fraud"
    assert str(upheld.candidacy_id) == demo["candidacies"]["revoked"]

    withdrawn = registry.load(Declaration, demo["declarations"]["withdrawn"], "declaration")
    assert withdrawn.withdrawn and withdrawn.withdrawal_reason
    revised = registry.load(Declaration, demo["declarations"]["revised"], "declaration")
    assert revised.revision == 2 and not revised.withdrawn

    draft = registry.load(Scheme, demo["schemes"]["draft"], "scheme")
    assert draft.status == SchemeStatus.DRAFT and draft.region == "120000"
    assert demo["counts"]["enterprises"] >= 36


def test_every_category_of_the_demo_is_catalogued_with_two_names(
    registry: LeaderRegistry, demo: dict[str, Any]
) -> None:
    used = {body.categories for body in BODIES}
    codes = {code for categories in used for code in categories}
    assert {code for code, _, _ in CATEGORIES} == codes
    assert demo["counts"]["categories"] == len(codes) == 5
    for code, name_zh, name_en in CATEGORIES:
        category = registry.load(Category, ids.category_id(code), "category")
        assert (category.code, category.name_zh, category.name_en) == (code, name_zh, name_en)


def test_history_runs_forward_and_ends_now(registry: LeaderRegistry, demo: dict[str, Any]) -> None:
    notifications = registry.recorder.select_notifications(0, 100_000)
    assert len(notifications) == demo["counts"]["events"]
    events = [registry.mapper.to_domain_event(n) for n in notifications]
    assert all(isinstance(e, Aggregate.Event) for e in events)
    times = [e.timestamp for e in events if isinstance(e, Aggregate.Event)]
    assert times == sorted(times)
    assert times[0] >= NOW - timedelta(days=600)
    assert times[-1] <= NOW
    # The registry keeps its own clock once the demo is loaded.
    assert abs(registry.now() - utc_now()) < timedelta(minutes=1)


def test_tokens_authenticate(registry: LeaderRegistry, demo: dict[str, Any]) -> None:
    tokens = demo["tokens"]
    assert registry.authenticate(tokens["admin"]).role == "admin"
    assert registry.authenticate(tokens["regulator"]).role == "regulator"
    assert registry.authenticate(tokens["platform"]).role == "platform"
    for key, body in tokens["bodies"].items():
        actor = registry.authenticate(body["token"])
        assert actor.role == "evaluation_body"
        assert actor.subject == body["id"] == demo["bodies"][key]


def test_loading_twice_fails(registry: LeaderRegistry, demo: dict[str, Any]) -> None:
    events = registry.recorder.max_notification_id()
    with pytest.raises(DemoStoreNotEmpty, match="already holds events"):
        load_demo(registry, now=NOW)
    assert registry.recorder.max_notification_id() == events
