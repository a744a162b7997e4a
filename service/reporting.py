"""Filing a public report for the API and the website alike: anonymous, limited, idempotent."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Annotated, Any, cast

from fastapi import FastAPI, Header, Request, Response
from starlette.exceptions import HTTPException

from domain.limits import MAX_REPORT_BODY
from domain.report import PersonalData, target_key
from domain.values import Actor
from projections.running.read_side import ReadSide
from registry.application import LeaderRegistry
from registry.base import Idempotency
from registry.cases.reports import FiledReport
from registry.settings import Settings
from service.consistency import HEADER, PENDING, retrying, scoped_key
from service.deps import in_thread
from service.report_limits import ReportLimits, client_key

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Send a retry with the same key and body from the same address: it "
        "answers with the same receipt and secret.",
    ),
]


def install(app: FastAPI, settings: Settings) -> None:
    """The anonymous writes' buckets, one set per process."""
    app.state.report_limits = ReportLimits(settings)


async def check_size(request: Request) -> None:
    """413 beyond MAX_REPORT_BODY: an anonymous write is small."""
    if len(await request.body()) > MAX_REPORT_BODY:
        raise HTTPException(413, f"a report is at most {MAX_REPORT_BODY} bytes")


def _file(
    registry: LeaderRegistry, key: Idempotency | None, actor: Actor, report: dict[str, Any]
) -> FiledReport:
    """The report filed as `actor` (under its Idempotency-Key, if any), again on a write
    conflict."""
    case = functools.partial(registry.file_report, **report)
    if key is None:
        return retrying(case, actor)
    receipt = retrying(registry.run_idempotent, key, case, actor)
    if "secret" in receipt:
        return cast(FiledReport, receipt)
    # A retry of the same request: its receipt, and the same secret (derived from its key).
    return FiledReport(**receipt, secret=registry.report_secret(receipt["id"]))


async def file_public_report(
    request: Request,
    response: Response,
    *,
    key: str | None,
    target_kind: str,
    target: str,
    grounds: str,
    description: str,
    evidence: Sequence[str],
    personal: PersonalData,
) -> FiledReport:
    """Anyone's report: limited per client address and per target (429), optionally under
    an Idempotency-Key scoped to the client's address; answered once the read models hold it."""
    state = request.app.state
    address = client_key(request)
    scoped = await scoped_key(request, f"anonymous:{address}", key)
    state.report_limits.take(address, target_key(target_kind, target))
    registry: LeaderRegistry = state.registry
    read_side: ReadSide = state.read_side
    actor = Actor.anonymous(getattr(request.state, "request_id", ""))
    report = {
        "target_kind": target_kind,
        "target": target,
        "grounds": grounds,
        "description": description,
        "evidence": list(evidence),
        "personal": personal,
    }
    filed = await in_thread(state.threads, _file, registry, scoped, actor, report)
    if not await read_side.wait_for(filed["position"], state.settings.consistency_timeout):
        response.headers[HEADER] = PENDING
    return filed
