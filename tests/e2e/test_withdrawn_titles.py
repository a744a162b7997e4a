"""Rule 18 over the API, on both stores: a withdrawn standard's title ends at once, is
published on the notice board, leaves the leaders list, and `as_of` still shows it before."""

from __future__ import annotations

from tests.e2e.api import Api
from tests.worlds import ENERGY, award_cycle, build_world, credit_code


async def test_a_withdrawal_ends_the_title_and_is_published(api: Api) -> None:
    world = build_world(api.registry, api.clock, 2, line=ENERGY)
    _, titles = award_cycle(world, 2024, [40, 45], top_n=2)
    held = api.clock.advance(days=1)
    api.clock.advance(days=1)
    enterprise = await api.issue("enterprise", credit_code(0))
    response = await api.post(
        f"/v1/declarations/{world.declarations[0]}/withdrawal",
        {"reason": "product discontinued"},
        enterprise["token"],
    )
    assert response.status_code == 200, response.text
    await api.settle()

    title = (await api.read(f"/v1/candidacies/{titles[0]}")).json()
    assert (title["status"], title["end_reason"]) == (
        "withdrawn",
        "the declared standard was withdrawn: product discontinued",
    )
    leaders = (await api.read("/v1/leaders", credit_code=credit_code(0))).json()
    assert leaders["items"] == []
    before = await api.read("/v1/leaders", credit_code=credit_code(0), as_of=held.isoformat())
    assert [t["candidacy_id"] for t in before.json()["items"]] == [titles[0]]
    others = (await api.read("/v1/leaders", credit_code=credit_code(1))).json()
    assert [t["candidacy_id"] for t in others["items"]] == [titles[1]]

    board = (await api.read("/v1/notices", kind="withdrawal")).json()
    assert [(n["candidacy_id"], n["reason"]) for n in board["items"]] == [
        (titles[0], "the declared standard was withdrawn: product discontinued")
    ]
    assert board["items"][0]["decided_by"] is None  # a decision is a revocation's alone
    history = (await api.read(f"/v1/candidacies/{titles[0]}/history")).json()
    assert history[-1]["type"] == "Candidacy.Withdrawn"
