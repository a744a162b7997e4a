"""The pages' languages: Chinese first, English as a switch, else `Accept-Language`."""

from __future__ import annotations

from starlette.datastructures import Headers

DEFAULT = "zh-CN"
LANGUAGES = ("zh-CN", "en")
COOKIE = "lang"  # set by the language switch (`/language`), remembered for a year
COOKIE_MAX_AGE = 365 * 24 * 3600


def _cookies(header: str) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in header.split(";"))
    return {name: value for name, _, value in pairs if name}


def supported(tag: str) -> str | None:
    """The supported language a tag names (`zh`, `zh-Hans-CN`, `en-GB`...), if any."""
    primary = tag.strip().lower().split("-")[0]
    return {"zh": "zh-CN", "en": "en"}.get(primary)


def from_accept(header: str) -> str | None:
    """The supported language the reader prefers most (by `q`, the first on a tie), if any."""
    best: tuple[float, str] | None = None
    for part in header.split(","):
        tag, _, params = part.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = supported(tag)
        if language is not None and quality > 0 and (best is None or quality > best[0]):
            best = (quality, language)
    return best[1] if best else None


def negotiate(headers: Headers) -> str:
    """The cookie's language, else the best of `Accept-Language`, else Chinese."""
    chosen = _cookies(headers.get("cookie", "")).get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return from_accept(headers.get("accept-language", "")) or DEFAULT
