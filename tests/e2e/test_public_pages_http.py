"""The enterprise, evaluation body, notices, decided complaints and audit pages over HTTP,
on both stores: their content in both languages, paging, and friendly 404 and 400 pages."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from domain.values import Actor, Product, Role
from registry.settings import Settings
from service.pages import notices as notices_page
from tests.e2e.api import Api, signing
from tests.e2e.notice_board import REASON, notice_board
from tests.worlds import (
    ADMIN,
    CATEGORY,
    ENERGY,
    PLATFORM,
    REGULATOR,
    award_cycle,
    build_world,
    complain,
    credit_code,
)

EN = {"accept-language": "en"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return signing(settings)  # the audit page shows a signed checkpoint


def is_page(response: httpx.Response, status: int = 200) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


async def test_the_notices_page_shows_each_kind_in_both_languages(api: Api) -> None:
    board = await notice_board(api)
    english = is_page(await api.client.get("/notices", headers=EN))
    assert "4 notices" in english and REASON in english
    for text in ("Publicity", "Revocation", "Expiry", "Supersession", "Objections may be filed"):
        assert text in english
    assert f'href="/leaders/{board.revoked}"' in english
    assert f'href="/schemes/{board.publicity_scheme}"' in english
    chinese = is_page(await api.client.get("/notices"))
    assert '<html lang="zh-CN">' in chinese and "撤销" in chinese and REASON in chinese
    only = is_page(await api.client.get("/notices", params={"kind": "revocation"}, headers=EN))
    assert "1 notice" in only and REASON in only and "Objections may be filed" not in only


async def test_the_notices_page_pages_with_shareable_links(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await notice_board(api)
    monkeypatch.setattr(notices_page, "PAGE_SIZE", 3)
    first = is_page(await api.client.get("/notices", headers=EN))
    assert 'href="/notices?page=2"' in first and first.count('class="notice ') == 3
    second = is_page(await api.client.get("/notices", params={"page": "2"}, headers=EN))
    assert second.count('class="notice ') == 1 and REASON in second
    assert 'href="/notices"' in second and "Page 2 of 2" in second


async def test_the_notices_page_refuses_bad_filters_naming_them(api: Api) -> None:
    for params, field in (({"kind": "award"}, "kind"), ({"page": "0"}, "page")):
        bad = is_page(await api.client.get("/notices", params=params, headers=EN), 400)
        assert f"“{field}”" in bad


async def test_an_enterprise_page_shows_its_titles_declarations_and_history(api: Api) -> None:
    board = await notice_board(api)
    code = credit_code(1)  # the revoked title's enterprise
    english = is_page(await api.client.get(f"/enterprises/{code}", headers=EN))
    assert "Fridge Maker 1" in english and code in english
    assert f'href="/leaders/{board.revoked}"' in english  # a title before
    assert "Revoked" in english and "Q/TJ 0001-2024" in english
    assert "Title revoked" in english and REASON in english  # the history, with the reason
    history = section(english, "history")
    assert f'href="/bodies/{board.world.body_id}"' in history  # who entered it, linked
    assert "a regulator (Tianjin AMR)" in history
    chinese = is_page(await api.client.get(f"/enterprises/{code}"))
    assert "历史" in chinese and "已撤销" in chinese


async def test_an_enterprise_page_shows_versions_and_withdrawals(api: Api) -> None:
    world = build_world(api.registry, api.clock, 2, line=ENERGY)
    revised, withdrawn = world.declarations
    api.registry.revise_declaration(
        PLATFORM,
        revised,
        title="Household refrigerators, revised",
        product=Product("Refrigerator", "BCD-200", CATEGORY),
        indicators=world.line.declared(0),
        disclosed_on=date(2025, 1, 2),
    )
    await api.settle()
    code = credit_code(0)
    english = is_page(await api.client.get(f"/enterprises/{code}", headers=EN))
    declarations = section(english, "declarations")
    assert "Household refrigerators, revised" in declarations
    assert "<td>2</td>" in declarations and "Active" in declarations
    assert "Standard revised" in section(english, "history")
    other = credit_code(1)
    api.registry.withdraw_declaration(PLATFORM, withdrawn, reason="model discontinued")
    await api.settle()
    page = is_page(await api.client.get(f"/enterprises/{other}", headers=EN))
    assert "Withdrawn" in section(page, "declarations")
    history = section(page, "history")
    assert "Standard withdrawn" in history and "model discontinued" in history
    assert "已撤回" in is_page(await api.client.get(f"/enterprises/{other}"))


async def test_an_enterprise_history_pages_from_a_position(api: Api) -> None:
    board = await notice_board(api)
    code = credit_code(0)
    events = (await api.read(f"/v1/enterprises/{code}/history")).json()
    last = events[-1]["position"]
    later = is_page(await api.client.get(f"/enterprises/{code}", params={"after": last}))
    assert "#" + str(last) not in later and board.world.body_id
    bad = is_page(
        await api.client.get(f"/enterprises/{code}", params={"after": "x"}, headers=EN), 400
    )
    assert "“after”" in bad


async def test_unknown_or_malformed_enterprises_and_bodies_are_friendly_404s(api: Api) -> None:
    for path in (
        f"/enterprises/{credit_code(99)}",
        "/enterprises/not-a-code",
        "/bodies/00000000-0000-0000-0000-000000000000",
        "/bodies/" + "x" * 300,
    ):
        missing = is_page(await api.client.get(path, headers=EN), 404)
        assert "Page not found" in missing
    chinese = is_page(await api.client.get("/bodies/nobody"), 404)
    assert "页面不存在" in chinese


async def test_a_body_page_shows_its_accreditation_and_schemes(api: Api) -> None:
    board = await notice_board(api)
    world = board.world
    english = is_page(await api.client.get(f"/bodies/{world.body_id}", headers=EN))
    assert "Tianjin Quality Institute" in english and "Testing institute" in english
    assert "Registered" in english and "C3851" in english
    for scheme in [*world.schemes, board.publicity_scheme]:
        assert f'href="/schemes/{scheme}"' in english
    chinese = is_page(await api.client.get(f"/bodies/{world.body_id}"))
    assert "检测机构" in chinese
    bad = await api.client.get(f"/bodies/{world.body_id}", params={"page": "x"}, headers=EN)
    assert "“page”" in is_page(bad, 400)


async def test_a_suspended_body_says_since_when(api: Api) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    api.clock.advance(days=3)
    api.registry.suspend_body(ADMIN, world.body_id, reason="accreditation lapsed")
    await api.settle()
    english = is_page(await api.client.get(f"/bodies/{world.body_id}", headers=EN))
    assert "Suspended" in english and f"since {api.clock().date().isoformat()}" in english
    assert "This body has no schemes." in english and "may not evaluate" in english


async def test_the_complaints_page_shows_decided_complaints_only(api: Api) -> None:
    world = build_world(api.registry, api.clock, 3, line=ENERGY)
    _, titles = award_cycle(world, 2025, [40, 45, 50], top_n=3)
    upheld, dismissed, open_ = (complain(world, t) for t in titles)
    api.registry.decide_complaint(REGULATOR, upheld, upheld=True, findings="retest failed")
    api.registry.decide_complaint(REGULATOR, dismissed, upheld=False, findings="as declared")
    await api.settle()
    english = is_page(await api.client.get("/complaints", headers=EN))
    assert "2 decided complaints" in english
    assert "retest failed" in english and "as declared" in english
    assert "Upheld" in english and "Dismissed" in english
    assert f'href="/leaders/{titles[2]}"' not in english  # the open one
    assert "test-report-17" not in english  # evidence is not public
    only = is_page(await api.client.get("/complaints", params={"outcome": "upheld"}, headers=EN))
    assert "1 decided complaint" in only and "as declared" not in only
    chinese = is_page(await api.client.get("/complaints"))
    assert "成立" in chinese
    bad = await api.client.get("/complaints", params={"outcome": "open"}, headers=EN)
    assert "“outcome”" in is_page(bad, 400)
    assert open_


async def test_the_audit_page_shows_the_checkpoint_keys_and_how_to_verify(api: Api) -> None:
    unsigned = is_page(await api.client.get("/audit", headers=EN))
    assert "No checkpoint has been signed yet." in unsigned
    signed = await api.post("/v1/audit/checkpoints", {}, api.admin)
    assert signed.status_code == 201, signed.text
    checkpoint = signed.json()
    english = is_page(await api.client.get("/audit", headers=EN))
    assert checkpoint["root_hash"] in english and str(checkpoint["tree_size"]) in english
    keys = (await api.read("/v1/audit/keys")).json()
    assert keys[0]["vkey"] in english
    assert "leader-registry verify --export" in english and "verify_checkpoint.py" in english
    chinese = is_page(await api.client.get("/audit"))
    assert "如何验证" in chinese


async def test_the_navigation_and_search_link_the_new_pages(api: Api) -> None:
    board = await notice_board(api)
    home = is_page(await api.client.get("/", headers=EN))
    for path in ("/notices", "/complaints", "/audit"):
        assert f'href="{path}"' in home
    found = is_page(await api.client.get("/search", params={"q": "Fridge Maker"}, headers=EN))
    assert f'href="/enterprises/{credit_code(0)}"' in found
    bodies = is_page(await api.client.get("/search", params={"q": "Tianjin"}, headers=EN))
    assert f'href="/bodies/{board.world.body_id}"' in bodies
    schemes = is_page(await api.client.get("/search", params={"q": "Refrigerators"}, headers=EN))
    assert f'href="/schemes/{board.publicity_scheme}"' in schemes


def section(page: str, heading: str) -> str:
    """The part of a page from the heading with this id to the next section."""
    return page.split(f'id="{heading}"', 1)[1].split("</section>", 1)[0]


async def test_pages_change_when_a_window_closes_or_a_title_ends_by_the_clock(api: Api) -> None:
    board = await notice_board(api)
    notices = is_page(await api.client.get("/notices", headers=EN))
    assert "Objections may be filed" in notices and "4 notices" in notices
    api.clock.advance(days=11)  # no event: the window closed by the clock alone
    notices = is_page(await api.client.get("/notices", headers=EN))
    assert "Objections may be filed" not in notices and "3 notices" in notices
    _, titles = award_cycle(board.world, 2027, [40], top_n=1, validity_days=5)
    await api.settle()
    code = credit_code(0)
    held = is_page(await api.client.get(f"/enterprises/{code}", headers=EN))
    assert f'href="/leaders/{titles[0]}"' in section(held, "titles-now")
    api.clock.advance(days=6)  # no event: the title's validity ended by the clock alone
    ended = is_page(await api.client.get(f"/enterprises/{code}", headers=EN))
    assert "This enterprise holds no title now." in section(ended, "titles-now")
    assert f'href="/leaders/{titles[0]}"' in section(ended, "titles-before")
    assert "4 notices" in is_page(await api.client.get("/notices", headers=EN))


async def test_the_complaints_and_leader_pages_show_the_investigation_and_statement(
    api: Api,
) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    _, titles = award_cycle(world, 2025, [40], top_n=1)
    complaint = complain(world, titles[0])
    owner = Actor(Role.ENTERPRISE.value, credit_code(0))
    api.registry.investigate_complaint(REGULATOR, complaint)
    api.registry.answer_complaint(owner, complaint, statement="Our CNAS retest: 41 kWh.")
    api.registry.decide_complaint(REGULATOR, complaint, upheld=False, findings="as declared")
    await api.settle()
    english = is_page(await api.client.get("/complaints", headers=EN))
    assert (
        "enterprise's statement" in english.replace("&#39;", "'")
        and "Our CNAS retest: 41 kWh." in english
    )
    chinese = is_page(await api.client.get("/complaints"))
    assert "企业说明" in chinese and "Our CNAS retest: 41 kWh." in chinese
    leader = is_page(await api.client.get(f"/leaders/{titles[0]}", headers=EN))
    assert "A regulator began investigating the complaint" in leader
    assert "The enterprise answered the complaint: Our CNAS retest: 41 kWh." in leader
    leader_zh = is_page(await api.client.get(f"/leaders/{titles[0]}"))
    assert "监管部门已开始调查该投诉" in leader_zh and "企业就投诉作出说明" in leader_zh
