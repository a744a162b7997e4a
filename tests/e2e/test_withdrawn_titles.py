"""Rule 18 over the API, on both stores: a withdrawn standard's title ends at once, is
published on the notice board, leaves the leaders list, and `as_of` still shows it before."""

from __future__ import annotations

import asyncio

from tests.e2e.api import Api
from tests.worlds import ENERGY, award_cycle, build_world, credit_code, draft, ranked


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


async def test_a_withdrawal_racing_the_award_never_leaves_a_withdrawn_standard_in_force(
    api: Api,
) -> None:
    """The award and the standard's withdrawal sent at once: whichever wins, the standard's
    candidacy ends up not in force (dropped from the award, or its title ended at once), and
    the other entry is awarded."""
    world = build_world(api.registry, api.clock, 2, line=ENERGY)
    scheme_id = draft(world, 2024, top_n=2)
    candidacies = ranked(world, scheme_id, [40, 45])
    api.clock.advance(days=10)  # the publicity window has closed
    body = (await api.issue("evaluation_body", world.body_id))["token"]
    enterprise = (await api.issue("enterprise", credit_code(0)))["token"]
    awarded, withdrawn = await asyncio.gather(
        api.post(f"/v1/schemes/{scheme_id}/awards", {}, body),
        api.post(
            f"/v1/declarations/{world.declarations[0]}/withdrawal",
            {"reason": "product discontinued"},
            enterprise,
        ),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    if awarded.status_code != 200:  # it lost the race: award again, now knowing
        assert awarded.status_code == 409, awarded.text
        awarded = await api.post(f"/v1/schemes/{scheme_id}/awards", {}, body)
        assert awarded.status_code == 200, awarded.text
    await api.settle()
    records = [(await api.read(f"/v1/candidacies/{c}")).json() for c in candidacies]
    by_standard = {r["declaration_id"]: r["status"] for r in records}
    assert by_standard[world.declarations[0]] != "awarded", by_standard
    assert by_standard[world.declarations[1]] == "awarded", by_standard
    leaders = (await api.read("/v1/leaders", credit_code=credit_code(0))).json()
    assert leaders["items"] == []
    assert (await api.read("/v1/leaders", credit_code=credit_code(1))).json()["total"] == 1
