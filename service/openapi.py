"""Write the committed OpenAPI document: `python -m service.openapi [PATH]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from registry.settings import Settings
from service.app import create_app

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


def document() -> dict[str, Any]:
    """The API's OpenAPI document (the lifespan is not run; nothing is opened)."""
    return create_app(Settings()).openapi()


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
