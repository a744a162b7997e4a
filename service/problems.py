"""RFC 9457 problem details (application/problem+json) for every error the API answers."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import Conflict, DomainError, InvalidInput, NotFound, NotPermitted
from projections.machinery.outages import DATABASE_ERRORS, UNAVAILABLE, unavailable
from registry.base import PreconditionFailed
from registry.cases.access import Unauthenticated

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "tag:leader-registry,2025:problem:"

# First match wins: a class may derive from more than one kind of error.
DOMAIN_PROBLEMS: tuple[tuple[type[DomainError], int, str, str], ...] = (
    (Unauthenticated, 401, "unauthenticated", "Authentication required"),
    (NotPermitted, 403, "not-permitted", "Not permitted"),
    (NotFound, 404, "not-found", "Not found"),
    (Conflict, 409, "conflict", "Conflict"),
    (InvalidInput, 422, "invalid-input", "Invalid input"),
    (PreconditionFailed, 412, "precondition-failed", "Precondition failed"),
)


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem details document."""

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    errors: list[FieldError] | None = None


def problem(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug if slug else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    body.update({key: value for key, value in extra.items() if value is not None})
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


async def domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status, slug, title = next(
        (
            (status, slug, title)
            for cls, status, slug, title in DOMAIN_PROBLEMS
            if isinstance(exc, cls)
        ),
        (422, "refused", "Refused"),
    )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return problem(status, exc.message, slug=slug, title=title, headers=headers, field=exc.field)


def field_name(loc: tuple[int | str, ...]) -> str:
    """`("body", "enterprise", "credit_code")` -> `"enterprise.credit_code"`."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(str(part) for part in parts)


async def validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            errors.append({"field": "", "message": f"invalid JSON: {error.get('msg', '')}"})
        else:
            errors.append({"field": field_name(tuple(error["loc"])), "message": error["msg"]})
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return problem(
        422,
        detail,
        slug="invalid-input",
        title="Invalid input",
        field=first["field"] or None,
        errors=errors,
    )


async def http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    return problem(exc.status_code, str(exc.detail), headers=headers)


RETRY_AFTER = 2  # seconds: a restarting database is usually back within a few


def unavailable_problem() -> JSONResponse:
    """503 with Retry-After: a database cannot be reached for now (a restart, an outage)."""
    return problem(
        503,
        "the registry's database cannot be reached for now; nothing was changed unless a "
        "retry with the same Idempotency-Key says so",
        slug="unavailable",
        title="Service unavailable",
        headers={"Retry-After": str(RETRY_AFTER)},
    )


async def database_error(request: Request, exc: Exception) -> JSONResponse:
    """A database error of any kind: 503 if it comes from an unreachable database (a broken
    connection shows as many kinds), else on to `unexpected_error` (a 500)."""
    if not unavailable(exc):
        raise exc
    return await store_unavailable(request, exc)


async def store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("%s %s: a database is unreachable: %s", request.method, request.url.path, exc)
    return unavailable_problem()


def last_resort(exc: Exception) -> JSONResponse:
    """The answer to an error no handler took: 503 if it comes from an unreachable
    database, else 500 (logged by `unexpected_error`)."""
    if unavailable(exc):
        return unavailable_problem()
    return problem(500, "the registry could not complete the request", slug="internal")


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    if unavailable(exc):  # raised from a driver's error, or outside the routes
        return await store_unavailable(request, exc)
    log.error("unhandled error", exc_info=exc)
    return last_resort(exc)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    for error in UNAVAILABLE:
        app.add_exception_handler(error, store_unavailable)
    for error in DATABASE_ERRORS:  # answered here, not left to the server's error middleware
        app.add_exception_handler(error, database_error)
    app.add_exception_handler(Exception, unexpected_error)


def problem_doc(description: str) -> dict[str, Any]:
    """An answer's entry in the OpenAPI document: a problem, described."""
    return _doc(description)


def _doc(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


UNAVAILABLE_DOC = _doc("A database cannot be reached for now: retry after `Retry-After` seconds")
READ_ERRORS: dict[int | str, dict[str, Any]] = {
    422: _doc("A query or path parameter is invalid"),
    503: UNAVAILABLE_DOC,
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _doc("No such record")}
NO_SIGNING_KEY: dict[int | str, dict[str, Any]] = {
    409: _doc("No checkpoint signing key is configured, or the configured one was retired")
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _doc("Missing, unknown, expired or revoked bearer token"),
    403: _doc("The credential's role or subject may not do this"),
    404: _doc("A record the command refers to does not exist"),
    409: _doc("The command does not fit the record's current state, or duplicates it"),
    412: _doc("If-Match names a version that is no longer current"),
    422: _doc("The request is malformed or breaks a rule"),
    503: UNAVAILABLE_DOC,
}
