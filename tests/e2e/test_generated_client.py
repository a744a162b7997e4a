"""A client generated from the committed OpenAPI document (by datamodel-code-generator, as
a client's developer would) reads the service's real answers, on both stores."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from datamodel_code_generator import generate
from datamodel_code_generator.enums import DataModelType, InputFileType

from registry.settings import Settings
from service.openapi import DEFAULT_PATH
from tests.clock import Clock
from tests.e2e.api import Api, serve
from tests.worlds import ADMIN, ENERGY, award_cycle, build_world, complain

MODULE = "registry_client_models"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated models, imported as a module."""
    code = generate(
        Path(DEFAULT_PATH).read_text(encoding="utf-8"),
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        disable_timestamp=True,
        formatters=[],
    )
    assert isinstance(code, str)
    path = tmp_path_factory.mktemp("client") / f"{MODULE}.py"
    path.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(MODULE, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE] = module  # pydantic resolves the models' references through it
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[MODULE]


@pytest.fixture
async def world(settings: Settings, clock: Clock) -> AsyncIterator[tuple[Api, str, list[str]]]:
    """A catalogued category and its awarded scheme: two titles, an excluded candidate, a
    complaint filed."""
    async with serve(settings, clock) as api:
        api.registry.define_category(ADMIN, code="C3851", name_zh="家用电冰箱", name_en="Fridges")
        world = build_world(api.registry, clock, 3, line=ENERGY)
        scheme, candidacies = award_cycle(world, 2025, [40, 45, "missing test report"])
        complain(world, candidacies[0])
        await api.settle()
        yield api, scheme, candidacies


async def answer(api: Api, path: str, **params: Any) -> Any:
    return (await api.read(path, **params)).json()


async def test_the_generated_models_read_leaders_candidacies_and_schemes(
    client: ModuleType, world: tuple[Api, str, list[str]]
) -> None:
    api, scheme_id, candidacies = world
    page = client.PageTitleItem.model_validate(await answer(api, "/v1/leaders"))
    assert (page.total, page.limit, page.offset, len(page.items)) == (2, 50, 0, 2)
    first = page.items[0]
    assert str(first.candidacy_id) == candidacies[0]
    assert first.status.value == "under_complaint" and first.rank == 1
    assert isinstance(first.score, Decimal) and isinstance(first.valid_until, datetime)
    assert first.product.category == "C3851" and first.enterprise.region == "120000"
    assert first.product.category_name == "家用电冰箱"

    candidacy = client.CandidacyOut.model_validate(
        await answer(api, f"/v1/candidacies/{candidacies[2]}")
    )
    assert candidacy.status.value == "excluded" and candidacy.rank is None
    assert candidacy.exclusion_reason == "missing test report"
    assert candidacy.declared == {"eei": Decimal(48), "noise": Decimal(38)}

    scheme = client.SchemeOut.model_validate(await answer(api, f"/v1/schemes/{scheme_id}"))
    assert scheme.status.value == "awarded" and scheme.candidates == 3
    assert [i.code for i in scheme.indicators] == ["eei", "noise"]
    assert scheme.indicators[0].baseline == Decimal(60)

    ranking = client.RankingPage.model_validate(
        await answer(api, f"/v1/schemes/{scheme_id}/ranking")
    )
    assert [e.rank for e in ranking.items] == [1, 2] and ranking.counts.not_ranked == 1
    excluded = client.RankingPage.model_validate(
        await answer(api, f"/v1/schemes/{scheme_id}/ranking", section="not_ranked")
    )
    assert excluded.items[0].reason == "missing test report"


async def test_the_generated_models_read_every_event_of_the_feed(
    client: ModuleType, world: tuple[Api, str, list[str]]
) -> None:
    api = world[0]
    feed = (await answer(api, "/v1/events", limit=1000))["items"]
    assert len(feed) > 20
    for event in feed:
        model = getattr(client, event["type"].replace(".", "") + "Event")
        parsed = model.model_validate(event)
        assert parsed.type == event["type"] and parsed.position == event["position"]
    ranked = next(e for e in feed if e["type"] == "Candidacy.Ranked")
    data = client.CandidacyRankedEvent.model_validate(ranked).data
    assert data.rank == 1 and data.breakdown[0].code == "eei"
    assert isinstance(data.score, Decimal)
    defined = next(e for e in feed if e["type"] == "Category.Defined")
    assert client.CategoryDefinedEvent.model_validate(defined).data.name_zh == "家用电冰箱"
