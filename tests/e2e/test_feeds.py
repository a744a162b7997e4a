"""The Atom feeds of notices (`/feeds/...`) over HTTP, on both stores: valid Atom, archive
pages a reader walks back to the first notice, unchanged by later events, and per category,
enterprise and scheme."""

from __future__ import annotations

import uuid

import pytest

from registry.settings import Settings
from tests.e2e.api import Api
from tests.e2e.atom_feed import expected, fetch, walk
from tests.e2e.notice_board import Board, notice_board
from tests.worlds import (
    CATEGORY,
    ENERGY,
    OTHER_CATEGORY,
    World,
    award_cycle,
    build_world,
    credit_code,
    declare,
    draft,
    register_body,
)

PAGE = 3  # notices a page: the board's ten make three full pages and one more
KINDS = ["publicity", "award"]  # of a title awarded, in order


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"feed_page_size": PAGE})


async def board_with_expiry(api: Api) -> Board:
    """The notice board's world, its expired title's expiry recorded by the sweep."""
    board = await notice_board(api)
    assert api.registry.expire_titles([board.expired]) == 1
    await api.settle()
    return board


async def test_walking_back_sees_every_notice_once_in_order(api: Api) -> None:
    await board_with_expiry(api)
    notices, archives = await walk(api, "/feeds/notices.atom")
    log = expected(api.registry)
    assert len(log) == 10 and len(archives) == 3
    assert notices == log
    assert {kind for kind, _ in log} == {
        "publicity",
        "award",
        "revocation",
        "expiry",
        "supersession",
    }
    assert all(len(page.entries) == PAGE for page in archives)
    current = await fetch(api, "/feeds/notices.atom")
    assert [e[:2] for e in current.entries] == log[::-1][:PAGE]  # the newest, newest first


async def test_archive_pages_never_change_and_are_cacheable(api: Api) -> None:
    board = await board_with_expiry(api)
    _, archives = await walk(api, "/feeds/notices.atom")
    first = archives[-1].links["self"]
    response = await api.read(first)
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    etag = response.headers["etag"]
    again = await api.client.get(first, headers={"If-None-Match": etag})
    assert again.status_code == 304
    # The newest archive's next page is not full yet: its next-archive leads to the current.
    following = await api.client.get(archives[0].links["next-archive"])
    assert following.status_code == 302 and following.headers["location"] == "/feeds/notices.atom"

    # Two more titles (a publicity and an award each) fill the next page, and more.
    award_cycle(board.world, 2027, [40, 45], top_n=2)
    await api.settle()
    notices, later = await walk(api, "/feeds/notices.atom")
    assert notices == expected(api.registry) and len(notices) == 14
    assert len(later) == 4
    for page in archives:
        assert (await api.read(page.links["self"])).content == page.body
    following = await api.client.get(archives[0].links["next-archive"])
    assert following.headers["location"] == later[0].links["self"]
    current = await api.read("/feeds/notices.atom")
    assert current.headers["cache-control"] == "public, max-age=60"


async def test_feeds_of_a_category_an_enterprise_and_a_scheme(api: Api) -> None:
    board = await board_with_expiry(api)
    washers, body_id = register_body(api.registry, "Washer Institute", [OTHER_CATEGORY])
    other = World(api.registry, api.clock, washers, ENERGY, body_id=body_id)
    other.declarations = [declare(other, 50, category=OTHER_CATEGORY)]
    scheme, _ = award_cycle(other, 2026, [40], top_n=1, category=OTHER_CATEGORY)
    await api.settle()
    everything, _ = await walk(api, "/feeds/notices.atom")
    assert everything == expected(api.registry) and len(everything) == 12

    ours, _ = await walk(api, f"/feeds/categories/{CATEGORY}.atom")
    assert ours == expected(api.registry, category=CATEGORY) and len(ours) == 10
    theirs, _ = await walk(api, f"/feeds/categories/{OTHER_CATEGORY}.atom")
    assert theirs == expected(api.registry, category=OTHER_CATEGORY) and len(theirs) == 2

    code = credit_code(0)
    enterprise, _ = await walk(api, f"/feeds/enterprises/{code}.atom")
    assert enterprise == expected(api.registry, credit_code=code) and enterprise

    for scheme_id, kinds in ((board.publicity_scheme, ["publicity"]), (scheme, KINDS)):
        in_scheme, _ = await walk(api, f"/feeds/schemes/{scheme_id}.atom")
        assert in_scheme == expected(api.registry, scheme_id=scheme_id)
        assert [kind for kind, _ in in_scheme] == kinds


async def test_a_record_without_notices_has_an_empty_feed(api: Api) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    scheme = draft(world, 2026)
    await api.settle()
    doc = await fetch(api, f"/feeds/enterprises/{credit_code(0)}.atom")
    assert doc.entries == [] and "prev-archive" not in doc.links
    assert (await fetch(api, f"/feeds/schemes/{scheme}.atom")).entries == []


async def test_unknown_feeds_and_positions_are_not_found(api: Api) -> None:
    await board_with_expiry(api)
    _, archives = await walk(api, "/feeds/notices.atom")
    first = archives[-1].links["self"]
    position = int(first.rsplit("/", 1)[1].removesuffix(".atom"))
    missing = [
        "/feeds/categories/NOPE.atom",
        f"/feeds/categories/{'C' * 40}.atom",
        f"/feeds/enterprises/{credit_code(99)}.atom",
        "/feeds/enterprises/not-a-code.atom",
        f"/feeds/schemes/{uuid.uuid4()}.atom",
        "/feeds/schemes/not-a-uuid.atom",
        "/feeds/things/x.atom",
        f"/feeds/notices/archive/{position - 1}.atom",  # not the last of a page
        f"/feeds/notices/archive/0{position}.atom",  # not its one spelling
        f"/feeds/notices/archive/{10**9}.atom",  # beyond the head
        f"/feeds/notices/archive/{10**30}.atom",
        "/feeds/notices/archive/-3.atom",
        "/feeds/notices/archive/x.atom",
        f"/feeds/notices/archive/{position + 1}/next",
        f"/feeds/categories/NOPE/archive/{position}.atom",
    ]
    for path in missing:
        response = await api.client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path
