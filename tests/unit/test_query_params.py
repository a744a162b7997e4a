"""`service.query_params`: a read answers 422 for a query parameter it does not declare
(in its signature, its dependencies or a parameter model), or a single-valued one given
twice; repeatable parameters and writes are left alone."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel, Field

from service import problems
from service.query_params import known_query


class Filters(BaseModel):
    colour: str | None = None
    size: Annotated[int | None, Field(alias="fit")] = None


async def paging(page: int = 1) -> int:
    return page


def app() -> FastAPI:
    app = FastAPI(dependencies=[Depends(known_query)])
    problems.install(app)

    @app.get("/things")
    async def things(
        tag: Annotated[list[str] | None, Query()] = None,
        name: Annotated[str | None, Query(alias="q")] = None,
        page: int = Depends(paging),
    ) -> dict[str, object]:
        return {"tag": tag, "q": name, "page": page}

    @app.get("/shapes")
    async def shapes(filters: Annotated[Filters, Query()]) -> dict[str, object]:
        return filters.model_dump()

    @app.post("/things")
    async def make() -> dict[str, str]:
        return {"made": "yes"}

    return app


async def get(url: str, method: str = "GET") -> httpx.Response:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, url)


def refused(response: httpx.Response, name: str) -> str:
    assert response.status_code == 422, response.text
    body = response.json()
    assert response.headers["content-type"].startswith(problems.MEDIA_TYPE)
    assert body["field"] == name
    detail: str = body["detail"]
    return detail


async def test_declared_parameters_pass() -> None:
    response = await get("/things?tag=a&tag=b&q=x&page=2")
    assert response.json() == {"tag": ["a", "b"], "q": "x", "page": 2}
    assert (await get("/shapes?colour=red&fit=3")).json() == {"colour": "red", "size": 3}


async def test_an_undeclared_parameter_is_refused_by_name() -> None:
    detail = refused(await get("/things?name=x"), "name")  # the alias is `q`
    assert "page, q, tag" in detail
    refused(await get("/shapes?colour=red&size=3"), "size")
    refused(await get("/things?%E9%9D%92=1"), "青")


async def test_a_single_valued_parameter_given_twice_is_refused() -> None:
    refused(await get("/things?q=a&q=b"), "q")
    refused(await get("/things?page=1&page=1"), "page")
    refused(await get("/shapes?colour=red&colour=blue"), "colour")


async def test_writes_are_not_checked() -> None:
    response = await get("/things?anything=1", method="POST")
    assert response.json() == {"made": "yes"}
