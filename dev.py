#!/usr/bin/env python3
"""Developer bootstrap: the only thing a fresh machine needs is Python 3.11+.

    python3 dev.py serve [ARGS...]   run the service (leader-registry serve ARGS...)
    python3 dev.py test [ARGS...]    ruff, mypy, lint-imports, pytest ARGS (default -q, all cores)
                                     (first installs Chromium for the browser tests, if root)
    python3 dev.py run CMD [ARGS...] run .venv/bin/CMD ARGS... (e.g. `run leader-registry demo`)

Every command first makes sure `.venv` exists and holds an editable install of this
project with the `dev` extra. The install is redone whenever pyproject.toml changes
(tracked by a `.venv/.installed-<sha256>` stamp). Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
PYTHON = BIN / "python"
STAMP_PREFIX = ".installed-"
DEFAULT_PYTEST_ARGS = ["-q", "--numprocesses=auto", "--maxprocesses=4"]

USAGE = """\
usage: python3 dev.py COMMAND [ARGS...]

commands:
  serve [ARGS...]      run `leader-registry serve ARGS...` from the virtualenv
  test [ARGS...]       ruff check and format, mypy, lint-imports, pytest ARGS (default: all cores)
  run CMD [ARGS...]    run .venv/bin/CMD ARGS... (e.g. `run leader-registry demo`)

The virtualenv (.venv) is created and `pip install -e '.[dev]'` is (re)run as needed.
"""


def die(message: str, code: int = 2) -> NoReturn:
    print(f"dev.py: {message}", file=sys.stderr)
    raise SystemExit(code)


def run(cmd: Sequence[str | os.PathLike[str]]) -> int:
    """Run a command in the repo root, echoing it first; return its exit code."""
    print("+", " ".join(os.fspath(part) for part in cmd), flush=True)
    return subprocess.call([os.fspath(part) for part in cmd])


def check(cmd: Sequence[str | os.PathLike[str]]) -> None:
    code = run(cmd)
    if code != 0:
        die(f"command failed with exit code {code}", code)


def pyproject_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    """Create .venv if needed and (re)install the project when pyproject.toml changed."""
    created = not PYTHON.exists()
    if created:
        print(f"dev.py: creating virtualenv in {VENV}", flush=True)
        check([sys.executable, "-m", "venv", VENV])
        check([PYTHON, "-m", "pip", "install", "-q", "--upgrade", "pip"])

    stamp = VENV / f"{STAMP_PREFIX}{pyproject_hash()}"
    if created or not stamp.exists():
        print("dev.py: installing the project and its dev dependencies", flush=True)
        check([PYTHON, "-m", "pip", "install", "-q", "-e", ".[dev]"])
        for old in VENV.glob(f"{STAMP_PREFIX}*"):
            old.unlink()
        stamp.touch()

    # Subprocesses (e.g. tests that spawn `leader-registry`) see the venv first on PATH.
    os.environ["VIRTUAL_ENV"] = str(VENV)
    os.environ["PATH"] = os.pathsep.join([str(BIN), os.environ.get("PATH", "")])
    os.environ.pop("PYTHONHOME", None)


CHROMIUM = Path("/usr/bin/chromium")
BROWSER_PACKAGES = ["chromium", "fonts-noto-cjk"]  # fonts: Chinese in the pages' screenshots


def apt_install(packages: Sequence[str]) -> int:
    """`apt-get install` quietly; `apt-get update` first only if the lists are stale."""
    os.environ.setdefault("DEBIAN_FRONTEND", "noninteractive")
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    if subprocess.call(install, stdout=subprocess.DEVNULL) == 0:
        return 0
    subprocess.call(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL)
    return subprocess.call(install, stdout=subprocess.DEVNULL)


def ensure_browser() -> None:
    """Debian's Chromium for the browser tests (tests/e2e/browser), installed when missing
    and we may (root, apt-get). Otherwise say why those tests cannot run: they are skipped
    locally, and fail under CI (CI=true), which must run them."""
    if CHROMIUM.exists():
        return
    can_install = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")
    if can_install:
        print(f"dev.py: installing {' '.join(BROWSER_PACKAGES)} for the browser tests", flush=True)
        if apt_install(BROWSER_PACKAGES) == 0 and CHROMIUM.exists():
            return
        print("dev.py: apt-get could not install the browser", file=sys.stderr)
    else:
        print(
            f"dev.py: {CHROMIUM} is missing and this is not root with apt-get; run "
            f"`sudo apt-get install {' '.join(BROWSER_PACKAGES)}` for the browser tests "
            "(skipped without it; under CI=true they fail)",
            file=sys.stderr,
        )


def exec_venv(name: str, args: Sequence[str]) -> NoReturn:
    program = BIN / name
    if not program.is_file():
        die(f"{name!r} not found in {BIN}")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(program, [str(program), *args])


def cmd_serve(args: Sequence[str]) -> NoReturn:
    ensure_venv()
    exec_venv("leader-registry", ["serve", *args])


def cmd_test(args: Sequence[str]) -> NoReturn:
    ensure_venv()
    ensure_browser()
    check([PYTHON, "-m", "ruff", "check", "."])
    check([PYTHON, "-m", "ruff", "format", "--check", "."])
    check([PYTHON, "-m", "mypy"])
    check([BIN / "lint-imports"])  # the import contract: pyproject.toml [tool.importlinter]
    # By default on every core (at most 4: each worker holds PostgreSQL connections); each
    # test has its own stores, so workers share nothing but the servers.
    code = run([PYTHON, "-m", "pytest", *(args or DEFAULT_PYTEST_ARGS)])
    if code == 5:
        die("pytest collected no tests; that counts as a failure", code)
    if code != 0:
        die(f"pytest failed with exit code {code}", code)
    raise SystemExit(0)


def cmd_run(args: Sequence[str]) -> NoReturn:
    if not args:
        die("run needs a command, e.g. `python3 dev.py run leader-registry demo`")
    ensure_venv()
    exec_venv(args[0], args[1:])


COMMANDS = {"serve": cmd_serve, "test": cmd_test, "run": cmd_run}


def main(argv: Sequence[str]) -> NoReturn:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE, end="", file=sys.stdout if argv else sys.stderr)
        raise SystemExit(0 if argv else 2)
    command = COMMANDS.get(argv[0])
    if command is None:
        print(USAGE, end="", file=sys.stderr)
        die(f"unknown command {argv[0]!r} (choose from: {', '.join(COMMANDS)})")
    # Kept although requires-python says so: this script runs before any install.
    if sys.version_info < (3, 11):  # noqa: UP036
        die(f"Python 3.11+ is required, this is {sys.version.split()[0]}")
    os.chdir(ROOT)
    command(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
