"""The Atom feeds of notices (`/feeds/...`): all notices, or one category's, enterprise's or
scheme's; each a current document and RFC 5005 archive pages named by log position, which
never change (`Cache-Control: immutable`). The website's paths: a miss is its friendly 404."""

from __future__ import annotations

import hashlib
from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from domain.category import InvalidCategory, check_code
from projections import notice_feed
from projections.notice_feed import Feed, FeedPage
from service import cache
from service.consistency import ReadConn
from service.deps import RegistryDep, SettingsDep
from service.pages import atom
from service.pages.enterprises import credit_code_or_404
from service.pages.feed_links import KINDS, MEDIA_TYPE, TITLES, feed_path
from service.pages.qr import absolute_url
from service.schemas.common import MAX_POSITION

router = APIRouter(include_in_schema=False)
ARCHIVED = "public, max-age=31536000, immutable"  # a full page never changes
CURRENT = "public, max-age=60"  # the newest notices: a reader may poll each minute


def page_path(feed: Feed) -> str:
    """The web page the feed follows."""
    return {
        "all": "/notices",
        "category": f"/leaders?category={feed.key}",
        "enterprise": f"/enterprises/{feed.key}",
        "scheme": f"/schemes/{feed.key}",
    }[feed.kind]


def _key(kind: str, key: str) -> str:
    """The record's key in its one spelling; one that names no record is a 404."""
    if kind == "enterprise":
        return credit_code_or_404(key)
    if kind == "scheme":
        try:
            return str(UUID(key))
        except ValueError:
            raise HTTPException(404) from None
    try:
        check_code(key)
    except InvalidCategory:
        raise HTTPException(404) from None
    return key


def _position(value: str) -> int:
    """A position in its one spelling (no sign, no leading zero), else a 404."""
    if not (value.isascii() and value.isdigit()) or str(int(value)) != value:
        raise HTTPException(404)
    if int(value) > MAX_POSITION:
        raise HTTPException(404)
    return int(value)


async def _feed(conn: ReadConn, plural: str, key: str) -> Feed:
    """The record's feed; a kind or record that does not exist is a 404."""
    kind = KINDS.get(plural)
    if kind is None:
        raise HTTPException(404)
    feed = Feed(kind, _key(kind, key))
    if not await notice_feed.exists_feed(conn, feed):
        raise HTTPException(404)
    return feed


def _answer(
    request: Request,
    settings: SettingsDep,
    feed: Feed,
    page: FeedPage,
    *,
    at: str,
    next_archive: str | None,
    now: datetime,
) -> Response:
    """The document, with its ETag (a 304 to a match) and caching."""
    base = feed_path(feed)

    def url(path: str) -> str:
        return absolute_url(request, settings, path)

    prev = page.prev_archive
    links = atom.Links(
        self=url(at),
        current=url(f"{base}.atom"),
        page=url(page_path(feed)),
        prev_archive=url(f"{base}/archive/{prev}.atom") if prev is not None else None,
        next_archive=url(next_archive) if next_archive is not None else None,
    )
    title = atom.both(TITLES[feed.kind], key=feed.key or "")
    body = atom.document(page, name=base, title=title, links=links, url=url, empty_updated=now)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": ARCHIVED if page.archived else CURRENT}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    cache.cacheable(request, None)
    return Response(body, media_type=MEDIA_TYPE, headers=headers)


async def _current(
    request: Request, conn: ReadConn, registry: RegistryDep, settings: SettingsDep, feed: Feed
) -> Response:
    page = await notice_feed.current_page(conn, feed, settings.feed_page_size)
    at = f"{feed_path(feed)}.atom"
    return _answer(request, settings, feed, page, at=at, next_archive=None, now=registry.now())


async def _archive(
    request: Request,
    conn: ReadConn,
    registry: RegistryDep,
    settings: SettingsDep,
    feed: Feed,
    position: str,
) -> Response:
    size = settings.feed_page_size
    rank = await notice_feed.archive_rank(conn, feed, _position(position), size)
    if rank is None:
        raise HTTPException(404)  # no notice of this feed there, or not a page's last
    page = await notice_feed.archive_page(conn, feed, rank, size)
    at = f"{feed_path(feed)}/archive/{position}.atom"
    # The next page's name is not known until it is full: a fixed address that redirects.
    following = f"{feed_path(feed)}/archive/{position}/next"
    return _answer(request, settings, feed, page, at=at, next_archive=following, now=registry.now())


async def _next(conn: ReadConn, settings: SettingsDep, feed: Feed, position: str) -> Response:
    """To the archive page after this one once it is full, until then to the current one."""
    size = settings.feed_page_size
    rank = await notice_feed.archive_rank(conn, feed, _position(position), size)
    if rank is None:
        raise HTTPException(404)
    following = await notice_feed.position_of(conn, feed, rank + size)
    base = feed_path(feed)
    target = f"{base}/archive/{following}.atom" if following is not None else f"{base}.atom"
    return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-cache"})


@router.get("/feeds/notices.atom")
async def notices_feed(
    request: Request, conn: ReadConn, registry: RegistryDep, settings: SettingsDep
) -> Response:
    """Every notice: the newest, and the link to the archive pages."""
    return await _current(request, conn, registry, settings, Feed())


@router.get("/feeds/notices/archive/{position}.atom")
async def notices_archive(
    request: Request, conn: ReadConn, registry: RegistryDep, settings: SettingsDep, position: str
) -> Response:
    """The archive page of every notice that ends at `position`."""
    return await _archive(request, conn, registry, settings, Feed(), position)


@router.get("/feeds/notices/archive/{position}/next")
async def notices_next(conn: ReadConn, settings: SettingsDep, position: str) -> Response:
    """The page after an archive page of every notice."""
    return await _next(conn, settings, Feed(), position)


@router.get("/feeds/{plural}/{key}.atom")
async def record_feed(
    request: Request,
    conn: ReadConn,
    registry: RegistryDep,
    settings: SettingsDep,
    plural: str,
    key: str,
) -> Response:
    """One category's, enterprise's or scheme's notices: the newest."""
    feed = await _feed(conn, plural, key)
    return await _current(request, conn, registry, settings, feed)


@router.get("/feeds/{plural}/{key}/archive/{position}.atom")
async def record_archive(
    request: Request,
    conn: ReadConn,
    registry: RegistryDep,
    settings: SettingsDep,
    plural: str,
    key: str,
    position: str,
) -> Response:
    """One category's, enterprise's or scheme's archive page that ends at `position`."""
    feed = await _feed(conn, plural, key)
    return await _archive(request, conn, registry, settings, feed, position)


@router.get("/feeds/{plural}/{key}/archive/{position}/next")
async def record_next(
    conn: ReadConn, settings: SettingsDep, plural: str, key: str, position: str
) -> Response:
    """The page after one of a record's archive pages."""
    return await _next(conn, settings, await _feed(conn, plural, key), position)
