"""The pages' language: the switch's cookie, else Accept-Language, else Chinese."""

from __future__ import annotations

from starlette.datastructures import Headers

from service.languages import from_accept, negotiate


def test_accept_language_picks_the_best_supported() -> None:
    assert from_accept("en-GB,en;q=0.9") == "en"
    assert from_accept("fr;q=1, zh-Hans-CN;q=0.8, en;q=0.5") == "zh-CN"
    assert from_accept("fr, de") is None
    assert from_accept("en;q=0, zh;q=0.1") == "zh-CN"
    assert from_accept("en;q=junk") is None
    assert from_accept("") is None


def test_the_cookie_wins_and_chinese_is_the_default() -> None:
    assert negotiate(Headers({"cookie": "a=1; lang=en", "accept-language": "zh"})) == "en"
    assert negotiate(Headers({"cookie": "lang=xx", "accept-language": "en"})) == "en"
    assert negotiate(Headers({})) == "zh-CN"
