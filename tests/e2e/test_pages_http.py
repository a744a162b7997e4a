"""The website over HTTP, on both stores: language, headers, caching, errors, no schema."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy.exc

from projections import queries
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, serve


async def test_pages_answer_html_in_the_negotiated_language(api: Api) -> None:
    home = await api.client.get("/")
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in home.text and home.headers["content-language"] == "zh-CN"
    english = await api.client.get("/leaders", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.text
    assert "Cookie, Accept-Language" in english.headers["vary"]


async def test_the_page_policy_allows_no_inline_code_and_no_other_origin(api: Api) -> None:
    policy = (await api.client.get("/leaders")).headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "http" not in policy
    assert "default-src 'none'" in policy and "style-src 'self'" in policy
    missing = await api.client.get("/nowhere")
    assert missing.status_code == 404 and missing.headers["content-security-policy"] == policy


async def test_the_switch_sets_a_cookie_and_goes_back(api: Api) -> None:
    switched = await api.client.get("/language", params={"to": "en", "next": "/leaders?level=x"})
    assert switched.status_code == 303 and switched.headers["location"] == "/leaders?level=x"
    assert "lang=en" in switched.headers["set-cookie"]
    away = await api.client.get("/language", params={"to": "en", "next": "//evil.example"})
    assert away.headers["location"] == "/"
    page = await api.client.get("/", headers={"cookie": "lang=en"})
    assert '<html lang="en">' in page.text


async def test_a_page_has_an_etag_and_answers_304(api: Api) -> None:
    first = await api.client.get("/leaders", params={"level": "national"})
    tag = first.headers["etag"]
    again = await api.client.get(
        "/leaders", params={"level": "national"}, headers={"if-none-match": tag}
    )
    assert again.status_code == 304 and again.headers["etag"] == tag  # from the read cache


async def test_without_the_read_cache_a_page_still_answers_304(
    settings: Settings, clock: Clock
) -> None:
    async with serve(settings.model_copy(update={"read_cache_bytes": 0}), clock) as api:
        first = await api.client.get("/")
        held = {"if-none-match": first.headers["etag"]}
        assert (await api.client.get("/", headers=held)).status_code == 304


async def test_page_errors_are_pages_and_api_errors_stay_problems(api: Api) -> None:
    bad = await api.client.get("/leaders", params={"cycle": "abc"})
    assert bad.status_code == 400 and "text/html" in bad.headers["content-type"]
    unknown = await api.client.get("/leaders", params={"colour": "red"})
    assert unknown.status_code == 400 and "text/html" in unknown.headers["content-type"]
    api_miss = await api.client.get("/v1/nowhere")
    assert api_miss.headers["content-type"] == "application/problem+json"


async def test_static_files_are_cached_and_pages_stay_out_of_the_schema(api: Api) -> None:
    css = await api.client.get("/static/site.css")
    assert css.status_code == 200 and css.headers["cache-control"] == "public, max-age=86400"
    paths = api.app.openapi()["paths"]
    assert not {"/", "/leaders", "/search", "/language", "/docs", "/redoc"} & set(paths)


async def test_a_page_on_an_unreachable_database_is_a_503_page(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(*_: Any, **__: Any) -> Any:
        raise sqlalchemy.exc.OperationalError("SELECT 1", None, Exception("connection refused"))

    monkeypatch.setattr(queries, "leaders_page", down)
    page = await api.client.get("/leaders", headers={"accept-language": "en"})
    assert page.status_code == 503 and "text/html" in page.headers["content-type"]
    assert int(page.headers["retry-after"]) > 0 and "briefly unavailable" in page.text
    api_read = await api.client.get("/v1/leaders")
    assert api_read.status_code == 503
    assert api_read.headers["content-type"] == "application/problem+json"


async def test_pages_go_through_the_read_cache_one_entry_per_language(api: Api) -> None:
    store = api.app.state.read_cache
    await api.settle()
    chinese = await api.client.get("/leaders", params={"level": "national"})
    hits = store.hits
    again = await api.client.get("/leaders", params={"level": "national"})
    assert store.hits == hits + 1 and again.text == chinese.text
    english = await api.client.get(
        "/leaders", params={"level": "national"}, headers={"accept-language": "en"}
    )
    assert '<html lang="en">' in english.text and store.hits == hits + 1
