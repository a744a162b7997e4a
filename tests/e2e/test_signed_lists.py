"""Signed lists over HTTP: a CSV download verifiable offline, neutralised cells, titles in
force only, and one signature per version of a list."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.credit_code import make_credit_code
from domain.values import Enterprise, Product
from projections import cells
from projections.audit import signed_lists
from registry.settings import Settings
from registry.signed_notes import Signer, open_checkpoint, open_note, sign_note
from tests.clock import Clock
from tests.e2e.api import KEY, Api, serve, signing
from tests.worlds import ADMIN, CATEGORY, ENERGY, PLATFORM, REGULATOR, World, award_cycle

EXAMPLE = Path(__file__).parents[2] / "examples" / "verify_signed_list.py"
# Enterprise names and models a spreadsheet would run, and what the CSV must show instead.
HOSTILE = [
    ('=HYPERLINK("http://x","y")', "@SUM(A1)"),
    ("+1+2", "-3+4"),
    ("\tTab Fridges", "\rBCD-1"),
    ("Plain Fridges", "BCD-200"),
]


@dataclass
class Listed(Api):
    """The service after one award cycle of `world`, whose names a spreadsheet would run."""

    world: World


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return signing(settings)


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Listed]:
    async with serve(settings, clock, admin=False) as served:
        registry = served.registry
        body_id = registry.register_body(
            ADMIN, name="Tianjin Institute", kind="standardisation_institute", categories=[CATEGORY]
        )["id"]
        token = registry.issue_credential(ADMIN, role="evaluation_body", subject=body_id)["token"]
        world = World(registry, clock, registry.authenticate(token), ENERGY)
        for n, (name, model) in enumerate(HOSTILE):
            world.declarations.append(
                registry.declare(
                    PLATFORM,
                    enterprise=Enterprise(
                        make_credit_code("91", "120000", 2000 + n), name, "120000"
                    ),
                    standard_number=f"Q/TJ {n:04d}-2024",
                    title="Household refrigerators",
                    product=Product("Refrigerator", model, CATEGORY),
                    indicators={"eei": Decimal(50), "noise": Decimal(38)},
                    disclosed_on=date(2024, 12, 1),
                )["id"]
            )
        award_cycle(world, 2024, [40, 45, 45, 50])  # three leaders: ranks 1, 2, 2
        api = Listed.of(served, world=world)
        await api.settle()
        yield api


async def download(client: httpx.AsyncClient, scheme: str, kind: str = "leaders") -> httpx.Response:
    response = await client.get(
        f"/v1/schemes/{scheme}/signed-list", params={"list": kind, "format": "csv"}
    )
    assert response.status_code == 200, response.text
    return response


def rows(response: httpx.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))


async def test_csv_is_a_download_with_formula_cells_neutralised(
    api: Listed,
) -> None:
    """Regression: `format=csv` was a JSON envelope, its cells written as given."""
    client, world = api.client, api.world
    response = await download(client, world.schemes[0], "ranking")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content.startswith(b"rank,score,qualified,credit_code,enterprise,")
    by_code = {r["credit_code"]: r for r in rows(response)}
    for n, (name, model) in enumerate(HOSTILE):
        row = by_code[make_credit_code("91", "120000", 2000 + n)]
        quoted = name[0] in "=+-@\t\r"
        assert row["enterprise"] == ("'" + name if quoted else name)
        assert row["model"] == ("'" + model if model[0] in "=+-@\t\r" else model)
    for row in by_code.values():  # no cell a spreadsheet would run; numbers stay numbers
        for cell in row.values():
            assert not cell.startswith(cells.FORMULA_STARTS), cell
        assert row["score"] == "" or Decimal(row["score"]) >= 0


async def test_the_csv_verifies_offline_against_the_published_key(
    api: Listed, tmp_path: Path
) -> None:
    client, world = api.client, api.world
    scheme = world.schemes[0]
    response = await download(client, scheme)
    statement = base64.b64decode(response.headers["registry-list-statement"]).decode()
    sig = await client.get(
        f"/v1/schemes/{scheme}/signed-list.sig", params={"list": "leaders", "format": "csv"}
    )
    assert sig.status_code == 200 and sig.headers["content-type"].startswith("text/plain")
    assert sig.text == statement
    digest = base64.b64encode(hashlib.sha256(response.content).digest()).decode()
    assert response.headers["repr-digest"] == f"sha-256=:{digest}:"
    body, _ = open_note(statement, [KEY.verifier])
    fields = dict(line.split(" ", 1) for line in body.splitlines()[1:])
    assert fields["media-type"] == "text/csv; charset=utf-8" and fields["list"] == "leaders"
    assert fields["content-sha256"] == digest and fields["scheme"] == scheme
    note = base64.b64decode(response.headers["registry-list-checkpoint"]).decode()
    checkpoint, _ = open_checkpoint(note, [KEY.verifier])
    assert fields["tree-size"] == str(checkpoint.size)

    vkey = (await client.get("/v1/audit/keys")).json()[0]["vkey"]
    (tmp_path / "leaders.csv").write_bytes(response.content)
    (tmp_path / "leaders.csv.sig").write_bytes(sig.content)
    (tmp_path / "checkpoint").write_text(note, encoding="utf-8")

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(EXAMPLE), *args], capture_output=True, text=True, check=False
        )

    files = [str(tmp_path / "leaders.csv"), str(tmp_path / "leaders.csv.sig")]
    done = check(*files, "--vkey", vkey, "--checkpoint", str(tmp_path / "checkpoint"))
    assert done.returncode == 0, done.stderr
    assert f"scheme {scheme}, list leaders" in done.stdout
    (tmp_path / "leaders.csv").write_bytes(response.content.replace(b"\r\n", b"\n"))
    done = check(*files, "--vkey", vkey)
    assert done.returncode == 1 and "content-sha256" in done.stderr
    (tmp_path / "leaders.csv").write_bytes(response.content)
    done = check(*files, "--vkey", Signer.generate(KEY.name).verifier.vkey)
    assert done.returncode == 1 and "no trusted key" in done.stderr
    done = check(*files, "--vkey", "not-a-key")
    assert done.returncode == 2 and "usage error" in done.stderr and "Traceback" not in done.stderr


async def test_the_leaders_list_holds_only_titles_in_force(
    api: Listed,
) -> None:
    """Regression: the leader list included revoked titles (and superseded, expired ones)."""
    client, world = api.client, api.world
    scheme = world.schemes[0]
    before = [r["candidacy_id"] for r in rows(await download(client, scheme))]
    assert len(before) == 3
    revoked = before[0]
    world.registry.revoke_title(REGULATOR, revoked, reason="fraud upheld")
    await api.settle()
    after = [r["candidacy_id"] for r in rows(await download(client, scheme))]
    assert after == before[1:]
    envelope = (await client.get(f"/v1/schemes/{scheme}/signed-list")).json()
    entries = json.loads(envelope["content"])["entries"]
    assert [e["candidacy_id"] for e in entries] == before[1:]
    assert {e["status"] for e in entries} == {"awarded"}
    ranking = {r["candidacy_id"]: r for r in rows(await download(client, scheme, "ranking"))}
    assert ranking[revoked]["status"] == "revoked"  # the ranking says what became of it
    following, _ = award_cycle(world, 2025, [41, 44, 46, 52])  # supersedes the 2024 titles
    await api.settle()
    assert rows(await download(client, scheme)) == []
    assert len(rows(await download(client, following))) == 2  # top 2, no tie
    world.clock.advance(days=400)  # past every title's validity: none is in force
    assert rows(await download(client, following)) == []


async def test_each_version_of_a_list_is_signed_once(
    api: Listed, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, world = api.client, api.world
    scheme = world.schemes[0]
    signed: list[str] = []

    def counting(body: str, signer: Signer) -> str:
        signed.append(body)
        return sign_note(body, signer)

    monkeypatch.setattr(signed_lists, "sign_note", counting)
    first = await download(client, scheme)
    for _ in range(3):
        again = await download(client, scheme)
        assert again.content == first.content
        for name in ("registry-list-statement", "registry-list-checkpoint", "repr-digest"):
            assert again.headers[name] == first.headers[name]
    assert len(signed) == 1
    envelope = (await client.get(f"/v1/schemes/{scheme}/signed-list")).json()
    assert (await client.get(f"/v1/schemes/{scheme}/signed-list")).json() == envelope
    assert len(signed) == 2  # JSON is another version
    world.registry.revoke_title(REGULATOR, world.candidacies[0], reason="fraud upheld")
    await api.settle()
    changed = await download(client, scheme)
    assert changed.content != first.content and len(signed) == 3
    await download(client, scheme)
    assert len(signed) == 3
    # A statement of an older version is not served as the statement of the new one.
    old = first.headers["repr-digest"].removeprefix("sha-256=:").removesuffix(":")
    stale = await client.get(
        f"/v1/schemes/{scheme}/signed-list.sig",
        params={"list": "leaders", "format": "csv", "content_sha256": old},
    )
    assert stale.status_code == 409 and stale.json()["field"] == "content_sha256"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"list": "revoked"}, "list"),
        ({"format": "xlsx"}, "format"),
        ({"content_sha256": "abc"}, "content_sha256"),
    ],
)
async def test_bad_signature_requests_name_the_field(
    api: Listed, params: dict[str, Any], field: str
) -> None:
    client, world = api.client, api.world
    response = await client.get(f"/v1/schemes/{world.schemes[0]}/signed-list.sig", params=params)
    assert response.status_code == 422, response.text
    assert field in response.text


async def test_a_list_that_changes_back_is_signed_at_its_new_moment(
    api: Listed,
) -> None:
    client, world = api.client, api.world
    scheme, leader = world.schemes[0], world.candidacies[1]
    first = await download(client, scheme)
    complaint = world.registry.file_complaint(
        REGULATOR,
        candidacy_id=leader,
        complainant_kind="regulator",
        grounds="fraud",
        description="a forged test report",
        evidence=[],
    )["id"]
    await api.settle()
    during = await download(client, scheme)
    assert {r["status"] for r in rows(during)} == {"awarded", "under_complaint"}
    world.clock.advance(days=1)
    world.registry.decide_complaint(REGULATOR, complaint, upheld=False, findings="none")
    await api.settle()
    after = await download(client, scheme)
    assert after.content == first.content  # the same list again...
    statement = "registry-list-statement"
    assert after.headers[statement] != first.headers[statement]  # ...signed at its moment
    taken = []
    for response in (first, after):
        body, _ = open_note(base64.b64decode(response.headers[statement]).decode(), [KEY.verifier])
        taken.append(dict(line.split(" ", 1) for line in body.splitlines()[1:])["taken-at"])
    assert taken[0] < taken[1] and taken[1].startswith("2025-03-12")
