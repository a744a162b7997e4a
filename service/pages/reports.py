"""Reporting a problem from the website: the form on a leader's page posts here (plain HTML,
no JavaScript), and `/reports/follow` shows a report's status to whoever holds its secret.

Both POSTs are same-origin only (`same_origin`): a page elsewhere cannot make its visitors'
browsers file reports. No answer here is cached.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from domain.complaint import Grounds
from domain.errors import DomainError, NotFound
from domain.report import PersonalData, TargetKind
from projections import queries
from registry.settings import Settings
from service.consistency import ReadConn
from service.deps import RegistryDep, SettingsDep, in_thread
from service.pages.leader_page import candidacy_key
from service.pages.respond import html
from service.report_limits import TooManyReports
from service.reporting import check_size, file_public_report

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}
# The API's field names, as the form names them.
FORM_FIELD = {"contact.name": "name", "contact.phone": "phone", "contact.email": "email"}


def same_origin(request: Request, settings: Settings) -> bool:
    """Whether the POST comes from this site's own pages: by `Sec-Fetch-Site` (which every
    current browser sends), else by `Origin` or `Referer` naming this host. (The pages'
    `Referrer-Policy: no-referrer` makes browsers send `Origin: null`, which matches none.)"""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    host = urlsplit(source).netloc
    ours = {request.headers.get("host", ""), urlsplit(settings.public_url).netloc} - {""}
    return bool(host) and host in ours


async def form_of(request: Request) -> dict[str, str]:
    """The posted form's fields (the first value of each), as text."""
    await check_size(request)
    body = (await request.body()).decode("utf-8", errors="replace")
    return {name: values[0] for name, values in parse_qs(body, max_num_fields=20).items()}


def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    answer = html(request, template, status=status, cached=False, **context)
    answer.headers.update(NO_STORE)
    return answer


def report_form(
    request: Request, candidacy_id: str, *, status: int, form: dict[str, str], **context: Any
) -> Response:
    """The form again, with what was typed and why it was refused."""
    return page(
        request,
        "report.html",
        status,
        candidacy_id=candidacy_id,
        form=form,
        grounds=[g.value for g in Grounds],
        **context,
    )


@router.get("/leaders/{candidacy_id}/report")
async def report_page(
    candidacy_id: str, request: Request, conn: ReadConn, registry: RegistryDep
) -> Response:
    """The form on its own (where the leader page's form comes back to with a problem);
    for a leader the public reads show, as its page does."""
    key = candidacy_key(candidacy_id)
    if await queries.candidacy(conn, key, now=registry.now()) is None:
        raise HTTPException(status_code=404)
    return report_form(request, key, status=200, form={})


@router.post("/leaders/{candidacy_id}/report")
async def file_report(candidacy_id: str, request: Request, settings: SettingsDep) -> Response:
    """File the report; answer its receipt and secret, shown this once."""
    key = candidacy_key(candidacy_id)
    if not same_origin(request, settings):
        return report_form(request, key, status=403, form={}, problem="origin")
    form = await form_of(request)
    evidence = [line.strip() for line in form.get("evidence", "").splitlines() if line.strip()]
    personal = PersonalData(
        name=form.get("name", "").strip(),
        phone=form.get("phone", "").strip(),
        email=form.get("email", "").strip(),
        private=form.get("private", ""),
    )
    answer = Response()
    try:
        filed = await file_public_report(
            request,
            answer,
            key=None,
            target_kind=TargetKind.CANDIDACY.value,
            target=key,
            grounds=form.get("grounds", ""),
            description=form.get("description", "").strip(),
            evidence=evidence,
            personal=personal,
        )
    except TooManyReports as refused:
        shown = report_form(request, key, status=429, form=form, problem="too_many")
        shown.headers["Retry-After"] = str(refused.retry_after)
        return shown
    except DomainError as refused:
        field = FORM_FIELD.get(refused.field or "", refused.field or "")
        if field == "candidacy_id":  # no such leader: as its page would answer
            return page(request, "error.html", 404, kind="not_found", status_code=404)
        return report_form(request, key, status=400, form=form, problem="field", field=field)
    return page(request, "report_filed.html", 201, candidacy_id=key, filed=filed)


@router.get("/reports/follow")
async def follow_page(request: Request) -> Response:
    """Where a reporter enters the receipt and secret (posted, so the secret stays out of
    addresses, histories and logs)."""
    return page(request, "report_follow.html", form={})


@router.post("/reports/follow")
async def follow(request: Request, registry: RegistryDep, settings: SettingsDep) -> Response:
    """The report's status and outcome, for the holder of its secret."""
    if not same_origin(request, settings):
        return page(request, "report_follow.html", 403, form={}, problem="origin")
    form = await form_of(request)
    receipt, secret = form.get("receipt", "").strip(), form.get("secret", "").strip()
    try:
        view = await in_thread(request.app.state.threads, registry.follow_report, receipt, secret)
    except NotFound:
        return page(
            request, "report_follow.html", 404, form={"receipt": receipt}, problem="unknown"
        )
    return page(request, "report_follow.html", form={"receipt": receipt}, view=view)
