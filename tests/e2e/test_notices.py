"""The notice board over the API (`GET /v1/notices`), on both stores."""

from __future__ import annotations

from typing import Any

from service.schemas.notices import NoticePage
from tests.e2e.api import Api, assert_problem
from tests.e2e.notice_board import REASON, notice_board
from tests.worlds import REGULATOR


async def notices(api: Api, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await api.read("/v1/notices", **params)).json()
    NoticePage.model_validate(found)
    return found


async def test_the_board_lists_every_kind_newest_first(api: Api) -> None:
    board = await notice_board(api)
    found = await notices(api)
    assert found["total"] == 4
    kinds = [(n["kind"], n["candidacy_id"]) for n in found["items"]]
    assert kinds == [
        ("publicity", board.publicised),
        ("expiry", board.expired),
        ("supersession", board.superseded),
        ("revocation", board.revoked),
    ]
    publicity, expiry, supersession, revocation = found["items"]
    assert publicity["publicity_ends_at"] > publicity["at"]
    assert publicity["scheme_id"] == board.publicity_scheme and publicity["reason"] is None
    assert expiry["at"] == expiry["valid_until"]
    assert supersession["reason"].startswith("superseded by scheme")
    assert revocation["reason"] == REASON
    assert revocation["decided_by"] == {"role": REGULATOR.role, "subject": REGULATOR.subject}
    assert revocation["enterprise"]["name"].startswith("Fridge Maker")


async def test_the_board_filters_by_kind_and_pages(api: Api) -> None:
    board = await notice_board(api)
    revocations = await notices(api, kind="revocation")
    assert revocations["total"] == 1
    assert [n["candidacy_id"] for n in revocations["items"]] == [board.revoked]
    second = await notices(api, limit=2, offset=2)
    assert second["total"] == 4 and second["limit"] == 2 and second["offset"] == 2
    assert [n["kind"] for n in second["items"]] == ["supersession", "revocation"]
    assert (await notices(api, offset=10))["items"] == []


async def test_a_closed_window_leaves_the_board(api: Api) -> None:
    board = await notice_board(api)
    assert (await notices(api, kind="publicity"))["total"] == 1
    api.clock.advance(days=11)  # the window (10 days) has closed; not yet awarded
    assert (await notices(api, kind="publicity"))["total"] == 0
    assert (await notices(api))["items"][0]["candidacy_id"] != board.publicised


async def test_bad_parameters_are_refused_naming_them(api: Api) -> None:
    for params, field in (
        ({"kind": "award"}, "kind"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"colour": "red"}, "colour"),
    ):
        response = await api.client.get("/v1/notices", params=params)
        assert_problem(response, 422, field)
