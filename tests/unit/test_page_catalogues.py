"""The pages' catalogues: every text of the templates is in them, and translated to Chinese
(README "The website" says how to update them)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from service.pages.templating import LOCALES

ROOT = Path(__file__).resolve().parents[2]


def _ids(path: Path) -> set[str]:
    with path.open("rb") as source:
        catalog = read_po(source)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_the_template_catalogue_has_every_text_of_the_pages() -> None:
    with (ROOT / "service/pages/babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    found = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map)
    }
    assert found == _ids(LOCALES / "messages.pot"), "run pybabel extract and update"


def test_every_text_is_translated_to_chinese() -> None:
    with (LOCALES / "zh_CN/LC_MESSAGES/messages.po").open("rb") as source:
        catalog = read_po(source, locale="zh_CN")
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []
    assert _ids(LOCALES / "en/LC_MESSAGES/messages.po") == _ids(LOCALES / "messages.pot")
