"""The leader page over HTTP, on both stores: each status in plain words (both languages),
the title's facts and history, the QR code, the verify panel, errors and caching."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from registry.settings import Settings
from service.pages.qr import qr_svg
from tests.clock import Clock
from tests.e2e.api import Api, serve, signing
from tests.worlds import ENERGY, REGULATOR, World, award_cycle, build_world, complain

EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-CN"}


@dataclass
class Awarded(Api):
    """The service after one award cycle: two leaders, two ranked below the cut-off."""

    world: World
    scheme_id: str
    leaders: list[str]
    below: list[str]

    async def page(self, candidacy_id: str, headers: dict[str, str] = EN) -> httpx.Response:
        await self.settle()
        response = await self.client.get(f"/leaders/{candidacy_id}", headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/html")
        return response


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return signing(settings)  # checkpoints signed on demand: the verify panel has a proof


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Awarded]:
    async with serve(settings, clock) as served:
        world = build_world(served.registry, clock, 4, line=ENERGY)
        scheme_id, candidacies = award_cycle(world, 2025, [40, 45, 50, 55])
        await served.settle()
        yield Awarded.of(
            served,
            world=world,
            scheme_id=scheme_id,
            leaders=candidacies[:2],
            below=candidacies[2:],
        )


def text(page: httpx.Response) -> str:
    """The page's visible words, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page.text).split())


async def test_a_title_in_force_says_until_when_with_its_facts_and_links(api: Awarded) -> None:
    record = (await api.read(f"/v1/candidacies/{api.leaders[0]}")).json()
    until = record["valid_until"][:10]
    page = await api.page(api.leaders[0])
    assert f"In force until {until}" in text(page)
    assert f'href="/enterprises/{record["enterprise"]["credit_code"]}"' in page.text
    assert f'href="/schemes/{api.scheme_id}"' in page.text
    assert f'href="/bodies/{api.world.body_id}"' in page.text
    for fact in ("Fridge Maker 0", "BCD-200", "Q/TJ 0000-2024", "Household refrigerators"):
        assert fact in page.text
    assert "Refrigerators 2025" in page.text and "Tianjin Quality Institute" in page.text
    chinese = await api.page(api.leaders[0], ZH)
    assert f"称号有效，有效期至 {until}" in text(chinese) and '<html lang="zh-CN">' in chinese.text


async def test_the_history_is_a_timeline_with_every_steps_actor(api: Awarded) -> None:
    page = await api.page(api.leaders[0])
    timeline = page.text.split('<ol class="timeline">')[1].split("</ol>")[0]
    steps = re.findall(r"<li>.*?</li>", timeline, flags=re.S)
    assert len(steps) == 4  # entered, evaluated, ranked, awarded
    assert "Awarded the leader title" in steps[-1] and "Entered" in steps[0]
    assert all("by the evaluation body Tianjin Quality Institute" in s for s in steps)
    assert all(re.search(r'<time datetime="\d{4}-\d\d-\d\dT', s) for s in steps)


async def test_under_complaint_says_since_when_and_still_in_force(api: Awarded) -> None:
    api.clock.advance(days=3)
    complain(api.world, api.leaders[0])
    page = text(await api.page(api.leaders[0]))
    assert f"Under complaint since {api.clock.now.date().isoformat()}" in page
    assert "The title stays in force until" in page
    assert "Complaint filed on the grounds: the product does not meet its declared level" in page
    chinese = text(await api.page(api.leaders[0], ZH))
    assert f"自 {api.clock.now.date().isoformat()} 起处于投诉中" in chinese


async def test_an_upheld_complaint_says_revoked_on_by_whom_and_why(api: Awarded) -> None:
    api.clock.advance(days=5)
    complaint = complain(api.world, api.leaders[0], grounds="fraud")
    api.registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="report forged")
    page = text(await api.page(api.leaders[0]))
    day = api.clock.now.date().isoformat()
    assert f"Revoked on {day} by the regulator Tianjin AMR" in page
    assert "Because: complaint upheld (fraud): report forged" in page
    assert "In force" not in page and "Complaint upheld: report forged" in page
    chinese = text(await api.page(api.leaders[0], ZH))
    assert f"已于 {day} 被监管部门 Tianjin AMR撤销" in chinese and "原因：" in chinese


async def test_an_expired_title_never_reads_as_in_force_even_from_the_cache(
    api: Awarded,
) -> None:
    before = text(await api.page(api.leaders[0]))
    assert "In force until" in before
    record = (await api.read(f"/v1/candidacies/{api.leaders[0]}")).json()
    api.clock.advance(days=366)  # past its validity; the sweeper has recorded nothing yet
    after = text(await api.page(api.leaders[0]))
    assert f"Expired on {record['valid_until'][:10]}" in after and "In force" not in after
    assert "已于" in text(await api.page(api.leaders[0], ZH))


async def test_a_superseded_title_links_the_list_that_superseded_it(api: Awarded) -> None:
    api.clock.advance(days=30)
    newer, _ = award_cycle(api.world, 2026, [41, 46, 51, 56])
    page = await api.page(api.leaders[0])
    assert "Superseded on" in text(page) and "In force" not in text(page)
    assert f'<a href="/schemes/{newer}">the next cycle\'s list</a>' in page.text


async def test_an_entry_below_the_cut_off_shows_its_stage_not_a_title(api: Awarded) -> None:
    page = text(await api.page(api.below[0]))
    assert "Ranked 3, below the cut-off" in page and "Not a leader" in page
    assert "In force" not in page
    assert "排名第 3，在入围线以外" in text(await api.page(api.below[0], ZH))


async def test_the_leaders_list_links_each_row_to_its_leader_page(api: Awarded) -> None:
    await api.settle()
    listing = await api.client.get("/leaders", headers=EN)
    for candidacy_id in api.leaders:
        assert f'href="/leaders/{candidacy_id}"' in listing.text


async def test_the_qr_code_opens_this_page_as_an_image_and_a_download(api: Awarded) -> None:
    url = f"http://registry.test/leaders/{api.leaders[0]}"
    page = await api.page(api.leaders[0])
    image = f'<img class="qr" src="/leaders/{api.leaders[0]}/qr.svg"'
    assert image in page.text and f'href="{url}"' in page.text
    download = await api.client.get(f"/leaders/{api.leaders[0]}/qr.svg")
    assert download.status_code == 200
    assert download.headers["content-type"] == "image/svg+xml"
    assert download.content == qr_svg(url)  # the code of exactly this page's address
    # Another host (no public URL configured) never gets this host's cached page.
    elsewhere = await api.client.get(
        f"/leaders/{api.leaders[0]}", headers={**EN, "host": "other.test"}
    )
    assert "http://other.test/leaders/" in elsewhere.text and url not in elsewhere.text


async def test_a_configured_public_url_is_what_the_qr_code_encodes(
    settings: Settings, clock: Clock
) -> None:
    public = settings.model_copy(update={"public_url": "https://leaders.example.org/"})
    async with serve(public, clock) as api:
        world = build_world(api.registry, clock, 2, line=ENERGY)
        _, (leader, _) = award_cycle(world, 2025, [40, 45])
        await api.settle()
        url = f"https://leaders.example.org/leaders/{leader}"
        page = await api.client.get(f"/leaders/{leader}")
        assert f'href="{url}"' in page.text
        download = await api.client.get(f"/leaders/{leader}/qr.svg")
        assert download.content == qr_svg(url)


async def test_the_verify_panel_shows_the_inclusion_proof_of_the_status(api: Awarded) -> None:
    unsigned = text(await api.page(api.leaders[0]))
    assert "has not signed a checkpoint of its log yet" in unsigned
    signed = await api.client.post("/v1/audit/checkpoints", headers=api.auth())
    assert signed.status_code == 201, signed.text
    api.clock.advance(minutes=2)  # a pending proof is looked at again within a minute
    page = await api.page(api.leaders[0])
    history = (await api.read(f"/v1/candidacies/{api.leaders[0]}/history")).json()
    awarded = history[-1]
    assert awarded["type"] == "Candidacy.Awarded"
    size = signed.json()["tree_size"]
    proof = (
        await api.read("/v1/audit/proofs/inclusion", position=awarded["position"], tree_size=size)
    ).json()
    assert proof["root_hash"] == signed.json()["root_hash"]
    assert proof["leaf_hash"] in page.text and proof["root_hash"] in page.text
    link = f"/v1/audit/proofs/inclusion?position={awarded['position']}&amp;tree_size={size}"
    assert link in page.text
    assert f"verify_checkpoint.py http://registry.test {awarded['position']}" in page.text
    assert f"/v1/schemes/{api.scheme_id}/signed-list?list=leaders" in page.text


@pytest.mark.parametrize("candidacy_id", ["0b5e4a8e-0000-4000-8000-000000000000", "not-an-id"])
async def test_an_unknown_or_malformed_id_is_a_friendly_404(
    api: Awarded, candidacy_id: str
) -> None:
    page = await api.client.get(f"/leaders/{candidacy_id}", headers=EN)
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "Page not found" in page.text
    chinese = await api.client.get(f"/leaders/{candidacy_id}/qr.svg", headers=ZH)
    assert chinese.status_code == 404 and '<html lang="zh-CN">' in chinese.text


async def test_the_page_has_an_etag_and_comes_from_the_read_cache(api: Awarded) -> None:
    first = await api.page(api.leaders[0])
    store = api.app.state.read_cache
    hits = store.hits
    again = await api.client.get(f"/leaders/{api.leaders[0]}", headers=EN)
    assert again.text == first.text and store.hits == hits + 1
    held = {**EN, "if-none-match": first.headers["etag"]}
    unchanged = await api.client.get(f"/leaders/{api.leaders[0]}", headers=held)
    assert unchanged.status_code == 304
    api.registry.revoke_title(REGULATOR, api.leaders[0], reason="product discontinued")
    changed = await api.page(api.leaders[0])  # a new event: the cached page is not reused
    assert "Because: product discontinued" in text(changed)
    assert changed.headers["etag"] != first.headers["etag"]
