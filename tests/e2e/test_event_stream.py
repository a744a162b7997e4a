"""The live event stream on a real server: resumed by Last-Event-ID at random points it
delivers every event exactly once, in order; filters; bad input; a clean shutdown (both stores)."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.settings import Settings
from tests.e2e.stream_server import Message as Frame
from tests.e2e.stream_server import Served, messages, served
from tests.worlds import ENERGY, award_cycle, build_world, draft, enter_and_evaluate

TIMEOUT = httpx.Timeout(20.0)


def feed(api: Served, **params: Any) -> list[dict[str, Any]]:
    """Every event of the typed feed (all its pages), filtered by `params`."""
    found: list[dict[str, Any]] = []
    after = 0
    with httpx.Client(base_url=api.url, timeout=TIMEOUT) as client:
        while True:
            page = client.get("/v1/events", params={**params, "after": after, "limit": 50})
            assert page.status_code == 200, page.text
            body = page.json()
            found += body["items"]
            assert ("Link" in page.headers) == body["more"]
            if not body["more"]:
                return found
            after = body["next_after"]


def settled(api: Served) -> None:
    """Wait until the feed holds the log's last public event."""
    deadline = time.monotonic() + 30
    while True:
        with httpx.Client(base_url=api.url, timeout=TIMEOUT) as client:
            answer = client.get("/v1/events", params={"min_position": api.head(), "limit": 1})
        if "Registry-Consistency" not in answer.headers:
            return
        assert time.monotonic() < deadline


def write(api: Served, cycles: int) -> None:
    world = build_world(api.registry, api.clock, line=ENERGY)
    for n in range(cycles):
        award_cycle(world, 2024 + n, [40, 45, 45, 50])


def test_resumed_at_random_points_every_event_arrives_once_in_order(store: Settings) -> None:
    rnd = random.Random(17)
    with served(store) as api:
        writer = threading.Thread(target=write, args=(api, 3))
        writer.start()
        received: list[int] = []
        reconnects = 0
        with httpx.Client(base_url=api.url, timeout=TIMEOUT) as client:
            while True:
                headers = {"Last-Event-ID": str(received[-1])} if received else {}
                wanted = rnd.randint(1, 12)
                idle = False
                with client.stream("GET", "/v1/events/stream", headers=headers) as answer:
                    assert answer.status_code == 200
                    assert answer.headers["content-type"].startswith("text/event-stream")
                    for message in messages(answer):
                        if message.event == "comment":
                            idle = True
                            break
                        assert message.id is not None
                        assert message.json()["type"] == message.event
                        received.append(int(message.id))
                        if len(received) % wanted == 0:
                            break  # the client goes away mid-stream
                reconnects += 1
                if idle and not writer.is_alive():
                    settled(api)
                    expected = [e["position"] for e in feed(api)]
                    if received and received[-1] == expected[-1]:
                        break
        writer.join()
    assert received == expected  # none missed, none twice, in log order
    assert reconnects > 10


def test_a_filtered_stream_sends_only_matching_events(store: Settings) -> None:
    with served(store) as api:
        write(api, 2)
        settled(api)
        scheme = next(e for e in feed(api) if e["type"] == "Scheme.Drafted")["aggregate_id"]
        params = {"type": ["Candidacy.Awarded", "Candidacy.Ranked"], "scheme_id": scheme}
        expected = [e["position"] for e in feed(api, **params)]
        assert 0 < len(expected) < len(feed(api, type=params["type"]))
        got: list[int] = []
        with (
            httpx.Client(base_url=api.url, timeout=TIMEOUT) as client,
            client.stream("GET", "/v1/events/stream", params=params) as answer,
        ):
            for message in messages(answer):
                if message.event == "comment":
                    break
                assert message.event in params["type"]
                assert message.json()["data"] is not None
                got.append(int(message.id or 0))
        assert got == expected


def test_a_subscriber_too_far_behind_is_cut_off_and_resumes(store: Settings) -> None:
    with served(store, stream_queue=2) as api:
        world = build_world(api.registry, api.clock, line=ENERGY)
        scheme = draft(world, 2024)
        enter_and_evaluate(world, scheme, [40, 45, 45, 50, 52, 55])
        settled(api)
        head = feed(api)[-1]["position"]
        got: list[Frame] = []
        published = False
        with (
            httpx.Client(base_url=api.url, timeout=TIMEOUT) as client,
            client.stream("GET", "/v1/events/stream", params={"after": head}) as answer,
        ):
            for message in messages(answer):
                if message.event == "comment" and not published:
                    # Live: the ranking's events in one append, more than the queue holds.
                    api.registry.publish_ranking(world.body, scheme)
                    published = True
                elif message.event != "comment":
                    got.append(message)
        assert [m.event for m in got][-1] == "cutoff"
        delivered = [int(m.id or 0) for m in got[:-1]]
        assert len(delivered) <= 2
        resume = got[-1].json()["position"]
        assert resume == (delivered[-1] if delivered else head)
        settled(api)
        rest = [e["position"] for e in feed(api) if e["position"] > resume]
        with (
            httpx.Client(base_url=api.url, timeout=TIMEOUT) as client,
            client.stream(
                "GET", "/v1/events/stream", headers={"Last-Event-ID": str(resume)}
            ) as again,
        ):
            for message in messages(again):
                if message.event == "comment":
                    break
                delivered.append(int(message.id or 0))
        assert delivered == [e["position"] for e in feed(api) if e["position"] > head]
        assert rest and len(delivered) > 2  # more than the queue held


def test_bad_positions_and_filters_are_refused_naming_the_field(store: Settings) -> None:
    with served(store) as api:
        write(api, 1)
        head = api.head()
        with httpx.Client(base_url=api.url, timeout=TIMEOUT) as client:
            cases: list[tuple[dict[str, str], dict[str, Any], str]] = [
                ({"Last-Event-ID": "twelve"}, {}, "Last-Event-ID"),
                ({"Last-Event-ID": "-1"}, {}, "Last-Event-ID"),
                ({"Last-Event-ID": str(head + 1)}, {}, "Last-Event-ID"),
                ({}, {"after": head + 1}, "after"),
                ({}, {"type": "Candidacy.Exploded"}, "type"),
                ({}, {"category": [f"C{n}" for n in range(21)]}, "category"),
                ({}, {"body_id": "not-an-id"}, "body_id"),
                ({}, {"colour": "red"}, "colour"),
            ]
            for headers, params, field in cases:
                answer = client.get("/v1/events/stream", headers=headers, params=params)
                assert answer.status_code == 422, (field, answer.text)
                assert answer.headers["content-type"].startswith("application/problem+json")
                assert answer.json()["field"].split(".")[0] == field  # "type.0": its first value
            page = client.get("/v1/events", params={"type": "Nope"})
            assert page.status_code == 422 and page.json()["field"] == "type.0"


def test_the_server_stops_cleanly_with_streams_open(sqlite_store: Settings) -> None:
    ended = threading.Event()

    def follow(url: str) -> None:
        with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
            try:
                with client.stream("GET", "/v1/events/stream") as answer:
                    for _ in messages(answer):
                        pass
            except httpx.HTTPError:
                pass  # the server closed the connection
        ended.set()

    with served(sqlite_store) as api:
        readers = [threading.Thread(target=follow, args=(api.url,)) for _ in range(3)]
        for reader in readers:
            reader.start()
        time.sleep(0.5)  # the streams are open (keep-alives flow)
        started = time.monotonic()
        api.server.should_exit = True
        api.thread.join(15)
        assert not api.thread.is_alive()
        assert time.monotonic() - started < 10
    for reader in readers:
        reader.join(10)
    assert ended.is_set()


def test_a_stream_is_hardened_like_any_answer_and_its_events_skip_the_middleware(
    sqlite_store: Settings,
) -> None:
    """The headers cross the middleware (request id, security headers, CORS); the events
    are sent straight to the server, so a layer that sees every body chunk sees none."""
    seen_by_middleware: list[bytes] = []

    def layer(app: ASGIApp) -> ASGIApp:
        async def watch(scope: Scope, receive: Receive, send: Send) -> None:
            async def watched(message: Message) -> None:
                if scope.get("path") == "/v1/events/stream" and message.get("body"):
                    seen_by_middleware.append(message["body"])
                await send(message)

            await app(scope, receive, watched)

        return watch

    with served(sqlite_store, layer=layer) as api:
        write(api, 1)
        settled(api)
        expected = [e["position"] for e in feed(api)]
        with (
            httpx.Client(base_url=api.url, timeout=TIMEOUT) as client,
            client.stream(
                "GET",
                "/v1/events/stream",
                headers={"X-Request-ID": "stream-1", "Origin": "https://example.org"},
            ) as answer,
        ):
            assert answer.headers["X-Request-ID"] == "stream-1"
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
            assert answer.headers["Access-Control-Allow-Origin"] == "*"
            assert answer.headers["Cache-Control"] == "no-store"
            got: list[int] = []
            for each in messages(answer):
                if each.event == "comment":
                    break
                got.append(int(each.id or 0))
        assert got == expected
        assert seen_by_middleware == []  # not one event crossed the middleware
