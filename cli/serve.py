"""The `serve` and `demo` commands: run the HTTP API, load the demo dataset."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from cli.audit import demo_key
from cli.common import is_empty, open_registry, positive
from cli.demo.data import DEMO_BODY
from cli.demo.story import load_demo
from registry.base import utc_now
from registry.settings import Settings


def _print_demo_tokens(summary: dict[str, Any], base_url: str) -> None:
    tokens = summary["tokens"]
    body = tokens["bodies"][DEMO_BODY]
    counts = summary["counts"]
    print(
        f"Demo data loaded: {counts['bodies']} evaluation bodies, "
        f"{counts['enterprises']} enterprises, {counts['schemes']} schemes, "
        f"{counts['candidacies']} candidacies, {counts['active_leaders']} current leaders, "
        f"{counts['events']} events.\n"
        "Demo bearer tokens (shown once; use as `Authorization: Bearer TOKEN`):\n"
        f"  admin           {tokens['admin']}\n"
        f"  evaluation body {body['token']}\n"
        f"                  ({body['name']}, id {body['id']})\n"
        f"  regulator       {tokens['regulator']}\n"
        f"  platform        {tokens['platform']}\n"
        f"Try: curl '{base_url}/v1/leaders?category=C3851'",
        flush=True,
    )


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    host = settings.host if args.host is None else args.host
    port = settings.port if args.port is None else args.port
    # The app factory reads its own Settings: let it see the same host and port.
    os.environ["REGISTRY_HOST"], os.environ["REGISTRY_PORT"] = host, str(port)
    if args.demo:
        demo_key(settings)  # the app factory reads the key file's path from os.environ
        with open_registry(settings) as registry:
            if is_empty(registry):
                summary = load_demo(registry, now=utc_now())
                _print_demo_tokens(summary, f"http://{host}:{port}")
            else:
                print("The event store already holds events; --demo loads nothing.", flush=True)

    import uvicorn  # only the server needs it

    uvicorn.run(
        "service.app:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        timeout_graceful_shutdown=settings.shutdown_grace,  # open event streams end then
    )
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    with open_registry(settings) as registry:
        summary = load_demo(registry, now=utc_now())
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def add_serve(commands: Any) -> None:
    """The `serve` command, for `cli.main.build_parser`."""
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", help="interface to bind (default: REGISTRY_HOST)")
    serve.add_argument("--port", type=int, help="port to bind (default: REGISTRY_PORT)")
    serve.add_argument(
        "--demo", action="store_true", help="load the demo data first if the store is empty"
    )
    serve.add_argument("--workers", type=positive, default=1, help="uvicorn worker processes")
    serve.set_defaults(handler=cmd_serve)


def add_demo(commands: Any) -> None:
    """The `demo` command, for `cli.main.build_parser`."""
    demo = commands.add_parser("demo", help="load the demo dataset into an empty store")
    demo.set_defaults(handler=cmd_demo)
