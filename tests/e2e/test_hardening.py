"""HTTP hardening: request ids, security headers, CORS, body limits and the write rate limit.

Tests that touch the store run the application with the fake read side of `tests.e2e.api`
(always caught up); the others need no lifespan at all.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from registry.settings import Settings
from service.app import create_app
from service.ratelimit import TokenBucket
from tests.clock import Clock
from tests.e2e.api import BASE_URL, Api, FakeReadSide, assert_problem, serve
from tests.e2e.test_errors import declaration

FRIEND = "https://admin.example.org"
STRANGER = "https://evil.example.com"
LIMIT = 4096
BODY = {"name": "CHEARI", "kind": "testing_institute", "categories": ["C3852"]}


def hardened(store: Settings, **changes: Any) -> Settings:
    update = {
        "cors_write_origins": f"{FRIEND}/, https://other.example.org ,",
        "max_body_bytes": LIMIT,
    }
    return store.model_copy(update=update | changes)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return hardened(settings)


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    """The hardened service with the fake read side of `tests.e2e.api`."""
    async with serve(settings, clock, read_side=FakeReadSide) as api:
        yield api


@asynccontextmanager
async def bare(app: FastAPI | None = None, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an application whose lifespan never ran: no store, no read side."""
    app = app or create_app(hardened(Settings(), **settings))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


def assert_hardened(response: httpx.Response, *, no_store: bool) -> None:
    headers = response.headers
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"]), headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "strict-transport-security" not in headers
    assert (headers.get("cache-control") == "no-store") is no_store, headers


# Security headers


async def test_every_answer_carries_the_security_headers(api: Api) -> None:
    assert_hardened(await api.client.get("/healthz"), no_store=False)
    assert_hardened(await api.client.get("/openapi.json"), no_store=False)

    response = await api.client.post("/v1/evaluation-bodies", json=BODY, headers=api.auth())
    assert response.status_code == 201, response.text
    assert_hardened(response, no_store=True)

    not_found = await api.client.get("/v1/nowhere")
    assert_problem(not_found, 404)
    assert_hardened(not_found, no_store=True)

    refused = await api.client.post("/v1/evaluation-bodies", json=BODY)
    assert_problem(refused, 401)
    assert_hardened(refused, no_store=True)


async def test_hsts_only_when_configured() -> None:
    async with bare() as client:
        assert "strict-transport-security" not in (await client.get("/healthz")).headers
    async with bare(hsts=True) as client:
        response = await client.get("/healthz")
        assert response.headers["strict-transport-security"] == "max-age=31536000"


async def test_an_unexpected_error_is_a_hardened_problem() -> None:
    app = create_app(Settings())

    async def boom() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/boom", boom)
    async with bare(app) as client:
        response = await client.get("/boom", headers={"X-Request-ID": "trace-500"})
    assert_problem(response, 500)
    assert response.headers["x-request-id"] == "trace-500"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def inline_script_hashes(html: str) -> list[str]:
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    return [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts]


async def test_the_docs_pages_get_a_policy_they_can_run_under() -> None:
    async with bare() as client:
        for path in ("/docs", "/docs/oauth2-redirect"):
            response = await client.get(path)
            assert response.status_code == 200
            policy = response.headers["content-security-policy"]
            hashes = inline_script_hashes(response.text)
            assert hashes
            assert all(f"'sha256-{digest}'" in policy for digest in hashes), policy
            assert "script-src 'self' 'sha256-" in policy  # the service's own assets only
            assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
            assert "frame-ancestors 'none'" in policy and "connect-src 'self'" in policy
            assert response.headers["x-frame-options"] == "DENY"
        redoc = await client.get("/redoc")
        assert "worker-src blob:" in redoc.headers["content-security-policy"]
        assert "https:" not in redoc.headers["content-security-policy"]
        spec = await client.get("/openapi.json")
        assert (
            spec.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        )


# Request ids


@pytest.mark.parametrize("sent", [None, b"", b"x" * 65, b"bad id", "ünï".encode("latin-1"), b"a/b"])
async def test_a_request_id_is_made_when_none_sane_is_sent(sent: bytes | None) -> None:
    headers = {b"X-Request-ID": sent} if sent is not None else {}
    async with bare() as client:
        response = await client.get("/healthz", headers=headers)
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
    assert response.headers["x-request-id"].encode() != sent


@pytest.mark.parametrize("sent", ["abc-123", "A.b_C-9", "x" * 64])
async def test_a_sane_request_id_is_echoed(sent: str) -> None:
    async with bare() as client:
        assert (await client.get("/v1/nowhere", headers={"X-Request-ID": sent})).headers[
            "x-request-id"
        ] == sent


async def test_a_write_records_who_did_it_and_the_request_id(api: Api) -> None:
    before = api.head()
    response = await api.client.post(
        "/v1/evaluation-bodies", json=BODY, headers=api.auth(**{"X-Request-ID": "req-42"})
    )
    assert response.status_code == 201, response.text
    assert response.headers["x-request-id"] == "req-42"
    generated = await api.client.post(
        "/v1/evaluation-bodies", json=BODY | {"name": "CQC"}, headers=api.auth()
    )
    assert generated.status_code == 201, generated.text

    registry = api.registry
    events = [
        registry.mapper.to_domain_event(n)
        for n in registry.recorder.select_notifications(before + 1, 100)
    ]
    actors = [event.actor for event in events if hasattr(event, "actor")]
    assert len(actors) == 2, events
    issued = actors[0]
    assert (issued.role, issued.subject, issued.request_id) == ("admin", "ops", "req-42")
    assert issued.credential_id
    assert actors[1].request_id == generated.headers["x-request-id"]


# CORS


def preflight(origin: str, method: str, headers: str = "") -> dict[str, str]:
    request = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request["Access-Control-Request-Headers"] = headers
    return request


@pytest.mark.parametrize("origin", [STRANGER, FRIEND, "null"])
async def test_anyone_may_read_cross_origin(origin: str) -> None:
    async with bare() as client:
        response = await client.options(
            "/v1/leaders", headers=preflight(origin, "GET", "if-none-match,x-request-id")
        )
        assert response.status_code == 200, response.text
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers
        assert_hardened(response, no_store=False)

        read = await client.get("/healthz", headers={"Origin": origin})
        assert read.headers["access-control-allow-origin"] == "*"
        exposed = read.headers["access-control-expose-headers"]
        for header in ("X-Request-ID", "ETag", "Registry-Consistency", "Location"):
            assert header in exposed


async def test_a_foreign_origin_may_not_write() -> None:
    async with bare() as client:
        response = await client.options(
            "/v1/declarations", headers=preflight(STRANGER, "POST", "authorization,content-type")
        )
        assert "access-control-allow-origin" not in response.headers
        assert_problem(response, 400)
        assert_hardened(response, no_store=True)
        # Nor may anyone use a read preflight to ask for an Authorization header.
        response = await client.options(
            "/v1/leaders", headers=preflight(FRIEND, "GET", "authorization")
        )
        assert response.status_code == 400


@pytest.mark.parametrize("origin", [FRIEND, "https://other.example.org"])
async def test_a_configured_origin_may_write(origin: str) -> None:
    async with bare() as client:
        response = await client.options(
            "/v1/declarations",
            headers=preflight(origin, "POST", "authorization,content-type,x-request-id"),
        )
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == origin
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "Origin" in response.headers["vary"]
    assert "access-control-allow-credentials" not in response.headers


async def test_a_write_answers_cors_headers_only_to_a_configured_origin(api: Api) -> None:
    friendly = await api.client.post(
        "/v1/evaluation-bodies", json=BODY, headers=api.auth(Origin=FRIEND)
    )
    assert friendly.status_code == 201, friendly.text
    assert friendly.headers["access-control-allow-origin"] == FRIEND
    assert "Location" in friendly.headers["access-control-expose-headers"]
    foreign = await api.client.post(
        "/v1/evaluation-bodies", json=BODY | {"name": "CQC"}, headers=api.auth(Origin=STRANGER)
    )
    assert "access-control-allow-origin" not in foreign.headers


def test_write_origins_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_CORS_WRITE_ORIGINS", " https://a.example, https://b.example/ ,")
    assert Settings().write_origins == ["https://a.example", "https://b.example"]
    monkeypatch.delenv("REGISTRY_CORS_WRITE_ORIGINS")
    settings = Settings()
    assert settings.write_origins == []
    assert (settings.max_body_bytes, settings.write_rate, settings.write_burst) == (
        1024 * 1024,
        20.0,
        40,
    )
    assert settings.hsts is False


# Body size and content type


async def test_a_declared_oversize_body_is_refused(api: Api) -> None:
    platform = (await api.issue("platform", "national-platform"))["token"]
    before = api.head()
    body = declaration(title="x" * LIMIT)
    response = await api.client.post("/v1/declarations", json=body, headers=api.auth(platform))
    problem = assert_problem(response, 413)
    assert str(LIMIT) in problem["detail"]
    assert_hardened(response, no_store=True)
    assert api.head() == before


async def test_a_streamed_oversize_body_is_refused(api: Api) -> None:
    platform = (await api.issue("platform", "national-platform"))["token"]
    before = api.head()
    raw = json.dumps(declaration(title="x" * LIMIT)).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for at in range(0, len(raw), 512):
            yield raw[at : at + 512]

    response = await api.client.post(
        "/v1/declarations",
        content=chunks(),
        headers=api.auth(platform, **{"Content-Type": "application/json"}),
    )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert_problem(response, 413)
    assert_hardened(response, no_store=True)
    assert api.head() == before


async def test_a_streamed_body_within_the_limit_is_accepted(api: Api) -> None:
    raw = json.dumps(BODY).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for at in range(0, len(raw), 7):
            yield raw[at : at + 7]

    response = await api.client.post(
        "/v1/evaluation-bodies",
        content=chunks(),
        headers=api.auth(**{"Content-Type": "application/json"}),
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
async def test_a_body_that_is_not_json_is_refused(api: Api, content_type: str | None) -> None:
    before = api.head()
    headers = api.auth(**({"Content-Type": content_type} if content_type else {}))
    response = await api.client.post(
        "/v1/evaluation-bodies", content=json.dumps(BODY), headers=headers
    )
    assert_problem(response, 415)
    assert_hardened(response, no_store=True)
    assert api.head() == before


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "APPLICATION/JSON", "application/x+json"]
)
async def test_json_media_types_are_accepted(api: Api, content_type: str) -> None:
    response = await api.client.post(
        "/v1/evaluation-bodies",
        content=json.dumps(BODY),
        headers=api.auth(**{"Content-Type": content_type}),
    )
    assert response.status_code == 201, response.text


async def test_a_write_without_a_body_still_works(api: Api) -> None:
    issued = await api.issue("regulator", "Tianjin AMR")
    response = await api.client.post(
        f"/v1/credentials/{issued['id']}/revocation", headers=api.auth()
    )
    assert response.status_code == 200, response.text
    assert response.request.headers.get("content-length") in (None, "0")


# Write rate limit


async def test_writes_beyond_the_burst_wait(api: Api) -> None:
    other = (await api.issue("admin", "second-admin"))["token"]
    now = [0.0]
    api.app.state.write_limiter = TokenBucket(rate=0.5, burst=3, clock=lambda: now[0])

    async def register(name: str, token: str | None = None) -> httpx.Response:
        body = BODY | {"name": name}
        return await api.client.post("/v1/evaluation-bodies", json=body, headers=api.auth(token))

    for name in ("A", "B", "C"):
        response = await register(name)
        assert response.status_code == 201, response.text
    before = api.head()
    limited = await register("D")
    problem = assert_problem(limited, 429)
    assert limited.headers["retry-after"] == "2"
    assert "retry in 2 s" in problem["detail"]
    assert_hardened(limited, no_store=True)
    assert api.head() == before

    # Another credential has its own bucket; reads and token-less requests are not limited.
    response = await register("D", other)
    assert response.status_code == 201, response.text
    assert (await api.client.get("/healthz")).status_code == 200
    assert_problem(await api.client.post("/v1/evaluation-bodies", json=BODY), 401)

    now[0] = 2.0  # one token back, and one only
    response = await register("E")
    assert response.status_code == 201, response.text
    assert_problem(await register("F"), 429)


def test_the_bucket_refills_and_forgets_idle_keys() -> None:
    now = [0.0]
    clock: Callable[[], float] = lambda: now[0]  # noqa: E731
    bucket = TokenBucket(rate=20, burst=2, clock=clock, max_keys=2)
    assert [bucket.take("a") for _ in range(2)] == [0.0, 0.0]
    assert bucket.take("a") == pytest.approx(0.05)
    now[0] = 0.05
    assert bucket.take("a") == 0.0
    bucket.take("b")
    bucket.take("c")  # "a" was used least recently: dropped
    assert set(bucket._buckets) == {"b", "c"}


def test_waiting_for_a_token_takes_none() -> None:
    now = [0.0]
    clock: Callable[[], float] = lambda: now[0]  # noqa: E731
    bucket = TokenBucket(rate=1, burst=1, clock=clock)
    assert bucket.wait("a") == 0.0 and bucket.wait("a") == 0.0  # still there
    assert bucket.take("a") == 0.0
    assert bucket.wait("a") == pytest.approx(1.0)
    now[0] = 1.0
    assert bucket.wait("a") == 0.0


async def test_a_form_is_refused_by_the_api_and_accepted_only_by_the_website(
    api: Api,
) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    refused = await api.client.post("/v1/reports", content="grounds=fraud", headers=form)
    assert_problem(refused, 415)
    page = await api.client.post("/reports/follow", content="receipt=x", headers=form)
    assert page.status_code == 403  # read as a form: refused for its origin, not its type
    assert page.headers["content-type"].startswith("text/html")


async def test_the_rate_limit_keys_on_a_hash_of_the_token(api: Api) -> None:
    response = await api.client.post("/v1/evaluation-bodies", json=BODY, headers=api.auth())
    assert response.status_code == 201
    limiter: TokenBucket = api.app.state.write_limiter
    keys = list(limiter._buckets)
    assert keys == [hashlib.sha256(api.admin.encode()).hexdigest()]
    assert api.admin not in keys[0]


def test_every_write_documents_the_hardening_refusals() -> None:
    spec = create_app(Settings()).openapi()
    writes = [ops["post"] for ops in spec["paths"].values() if "post" in ops]
    assert writes
    for op in writes:
        for status in ("413", "415", "429"):
            assert "application/problem+json" in op["responses"][status]["content"]
        assert "Retry-After" in op["responses"]["429"]["headers"]
