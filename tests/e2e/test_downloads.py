"""Bulk downloads over HTTP, on both stores: leaders and a ranking as CSV and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from starlette.requests import ClientDisconnect
from starlette.types import Message

from domain.values import Enterprise, Product
from registry.settings import Settings
from service import columns
from service.downloads import flatten
from tests.clock import Clock
from tests.e2e.api import PROBLEM, Api, serve
from tests.worlds import ENERGY, PLATFORM, REGULATOR, World, award_cycle, build_world, credit_code

CHINESE = "天津甲空调有限公司"
FORMULA = '=HYPERLINK("http://example.test/x","点击")'
QUOTED = 'Fridge, "Cold" & Co.'
NAMES = [CHINESE, FORMULA, QUOTED, "Fridge Maker 3"]
BOM = b"\xef\xbb\xbf"


@dataclass
class Downloads(Api):
    """The service after one award cycle of enterprises with awkward names."""

    world: World
    scheme_id: str = ""
    titles: tuple[str, ...] = ()

    async def get(self, path: str, accept: str | None = None, **params: Any) -> httpx.Response:
        headers = {"Accept": accept} if accept else {}
        return await self.client.get(path, params=params, headers=headers)


def declare(world: World, n: int, name: str) -> str:
    return world.registry.declare(
        PLATFORM,
        enterprise=Enterprise(credit_code(n), name, "120000"),
        standard_number=f"Q/TJ {n:04d}-2024",
        title="家用电冰箱",
        product=Product("电冰箱", f"BCD-{200 + n}", "C3851"),
        indicators=ENERGY.declared(n),
        disclosed_on=date(2024, 12, 1),
    )["id"]


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Downloads]:
    async with serve(settings, clock) as served:
        world = build_world(served.registry, clock, 0, line=ENERGY)
        world.declarations = [declare(world, n, name) for n, name in enumerate(NAMES)]
        scheme_id, titles = award_cycle(world, 2024, [40, 45, 45, 50])
        api = Downloads.of(served, world=world, scheme_id=scheme_id, titles=tuple(titles))
        await api.settle()
        yield api


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM)
    text = response.content[len(BOM) :].decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # RFC 4180 line ends
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_lines(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/jsonl"
    assert response.text.endswith("\n")
    return [json.loads(line) for line in response.text.splitlines()]


def position(response: httpx.Response) -> int:
    return int(response.headers["registry-position"])


async def test_leaders_as_csv_open_in_a_spreadsheet_with_chinese_and_no_formulas(
    api: Downloads,
) -> None:
    page = (await api.get("/v1/leaders")).json()
    response = await api.get("/v1/leaders", format="csv")
    rows = read_csv(response)
    assert len(rows) == page["total"] == 3
    assert response.headers["content-disposition"] == 'attachment; filename="leaders.csv"'
    assert position(response) == api.head()
    assert response.headers["cache-control"] == "no-store"
    assert list(rows[0]) == list(columns.TITLE)
    assert list(rows[0]) == list(flatten(page["items"][0], frozenset()))
    by_code = {row["enterprise.credit_code"]: row for row in rows}
    for item in page["items"]:
        row = by_code[item["enterprise"]["credit_code"]]
        name = item["enterprise"]["name"]
        # The formula is shown as text; every other name reads back as it is.
        assert row["enterprise.name"] == ("'" + name if name == FORMULA else name)
        assert row["product.name"] == "电冰箱"
        assert row["rank"] == str(item["rank"]) and row["candidacy_id"] == item["candidacy_id"]
    assert {r["enterprise.name"] for r in rows} >= {CHINESE, "'" + FORMULA}


async def test_leaders_as_json_lines_are_the_pages_items(api: Downloads) -> None:
    page = (await api.get("/v1/leaders")).json()
    response = await api.get("/v1/leaders", format="jsonl")
    assert response.headers["content-disposition"] == 'attachment; filename="leaders.jsonl"'
    assert read_lines(response) == page["items"]
    assert position(response) == api.head()


async def test_filters_and_as_of_apply_to_downloads(api: Downloads) -> None:
    first = api.titles[0]
    awarded_at = (await api.read(f"/v1/candidacies/{first}")).json()["awarded_at"]
    api.clock.advance(days=1)
    api.registry.revoke_title(REGULATOR, first, reason="the product failed a check")
    await api.settle()
    now = read_lines(await api.get("/v1/leaders", format="jsonl"))
    then = read_lines(await api.get("/v1/leaders", format="jsonl", as_of=awarded_at))
    assert first not in {i["candidacy_id"] for i in now} and len(now) == 2
    assert first in {i["candidacy_id"] for i in then} and len(then) == 3
    assert {i["status"] for i in then} == {"awarded"}
    page = (await api.get("/v1/leaders", as_of=awarded_at)).json()
    assert then == page["items"]
    code = credit_code(1)
    mine = read_csv(await api.get("/v1/leaders", format="csv", credit_code=code))
    assert [r["enterprise.credit_code"] for r in mine] == [code]
    # No rows: the header alone.
    empty = await api.get("/v1/leaders", format="csv", category="C3971")
    assert read_csv(empty) == []
    header = empty.content[len(BOM) :].decode().strip()
    assert header == ",".join(columns.TITLE)
    assert (await api.get("/v1/leaders", format="jsonl", cycle=2030)).content == b""


async def test_a_ranking_downloads_every_entry_of_a_section(api: Downloads) -> None:
    path = f"/v1/schemes/{api.scheme_id}/ranking"
    for section in ("ranked", "not_ranked"):
        page = (await api.get(path, section=section, limit=200)).json()
        body = await api.get(path, format="jsonl", section=section)
        lines = read_lines(body) if page["total"] else []
        assert len(lines) == page["total"] and (lines or body.content == b"")
        assert lines == page["items"]  # the whole section, exactly its pages' items
    ranked = read_lines(await api.get(path, format="jsonl"))  # `ranked` by default
    assert [e["rank"] for e in ranked] == [1, 2, 2, 4]
    assert {e["reason"] for e in ranked} == {None}
    response = await api.get(path, format="csv")
    rows = read_csv(response)
    assert list(rows[0]) == list(columns.RANKING_ENTRY)
    name = f'attachment; filename="ranking-{api.scheme_id}-ranked.csv"'
    assert response.headers["content-disposition"] == name
    assert json.loads(rows[0]["breakdown"]) == ranked[0]["breakdown"]
    assert {r["qualified"] for r in rows} <= {"true", "false"}
    missing = await api.get("/v1/schemes/nope/ranking", format="csv")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("text/csv", "text/csv; charset=utf-8"),
        ("application/jsonl", "application/jsonl"),
        ("application/x-ndjson", "application/jsonl"),
        ("text/csv;q=0.5, application/json", "application/json"),
        ("application/json;q=0.2, text/csv", "text/csv; charset=utf-8"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),
        ("*/*", "application/json"),
    ],
)
async def test_accept_chooses_the_format_when_format_is_absent(
    api: Downloads, accept: str, kind: str
) -> None:
    await api.get("/v1/leaders")  # a cached JSON page must not answer a download
    response = await api.get("/v1/leaders", accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == kind
    assert "accept" in response.headers["vary"].lower()
    # `format` wins over Accept.
    explicit = await api.get("/v1/leaders", accept, format="json")
    assert explicit.headers["content-type"] == "application/json"


async def test_bad_format_and_paging_a_download_are_refused_naming_them(api: Downloads) -> None:
    for params, name in (
        ({"format": "xlsx"}, "format"),
        ({"format": "CSV"}, "format"),
        ({"format": "csv", "limit": 10}, "limit"),
        ({"format": "jsonl", "offset": 0}, "offset"),
    ):
        response = await api.get("/v1/leaders", **params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        assert name in response.json()["detail"]
    paged = await api.get(f"/v1/schemes/{api.scheme_id}/ranking", "text/csv", limit=1)
    assert paged.status_code == 422


async def test_json_pages_say_their_position_too(api: Downloads) -> None:
    first = await api.get("/v1/leaders")
    again = await api.get("/v1/leaders")  # from the response cache
    assert position(first) == position(again) == api.head()


async def test_a_client_gone_mid_download_gives_the_connection_back(api: Downloads) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/leaders",
        "raw_path": b"/v1/leaders",
        "root_path": "",
        "query_string": b"format=csv",
        "headers": [(b"host", b"registry.test")],
        "client": ("127.0.0.1", 50000),
        "server": ("registry.test", 80),
        "state": {},
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            raise OSError("the client went away")

    with pytest.raises(ClientDisconnect):
        await api.app(scope, receive, send)
    pool = api.read_side.engine.pool
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    # And the next download reads as usual.
    assert len(read_csv(await api.get("/v1/leaders", format="csv"))) == 3
