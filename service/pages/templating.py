"""Jinja2 with `jinja2.ext.i18n`: one environment per language, catalogues compiled from
the `.po` files at start-up (Babel), so a fresh clone needs no build step."""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.languages import LANGUAGES

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
LOCALES = HERE / "locale"
DOMAIN = "messages"


def locale_dir(language: str) -> str:
    """`zh-CN` -> `zh_CN`: the catalogue's directory under `locale/`."""
    return language.replace("-", "_")


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The language's catalogue, compiled in memory from its `.po` file."""
    po = LOCALES / locale_dir(language) / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale_dir(language))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@functools.cache
def environment(language: str) -> Environment:
    """The templates, speaking `language` (one of `LANGUAGES`)."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = language
    return env


def render(language: str, template: str, **context: object) -> str:
    return environment(language).get_template(template).render(**context)
