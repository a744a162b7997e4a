"""No Docker engine runs here, so the image's own commands are checked by running them."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import yaml

from cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instruction(name: str) -> list[str]:
    """The JSON-array form of the last Dockerfile instruction called `name`."""
    joined = DOCKERFILE.replace("\\\n", " ")
    found = re.findall(rf"^{name}\b[^\[\n]*(\[.*\])\s*$", joined, re.MULTILINE)
    assert found, f"no {name} in the Dockerfile"
    command: list[str] = json.loads(found[-1])
    return command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_image_copies_every_package_the_project_installs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = set(re.findall(r"^COPY (\w+) \1$", DOCKERFILE, re.MULTILINE))
    assert packages == copied
    assert "USER registry" in DOCKERFILE and "HEALTHCHECK" in DOCKERFILE


def test_every_leader_registry_command_in_image_and_compose_exists() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    scripts = [instruction("CMD")[-1]] + [
        s["command"][-1] for s in compose["services"].values() if "command" in s
    ]
    parser = build_parser()
    seen = 0
    for script in scripts:
        for part in script.split("&&"):
            words = shlex.split(part)
            if words and words[0] == "exec":
                words = words[1:]
            if words and words[0] == "leader-registry":
                parser.parse_args(words[1:])  # exits (fails the test) on an unknown command
                seen += 1
    assert seen >= 4


def test_the_image_start_command_serves_and_passes_its_healthcheck(tmp_path: Path) -> None:
    port = free_port()
    env = dict(
        os.environ,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        REGISTRY_DATABASE_URL=f"sqlite:///{tmp_path}/registry.sqlite3",
        REGISTRY_PORT=str(port),
    )
    start = instruction("CMD")
    probe = instruction("HEALTHCHECK")
    probe = [sys.executable if w == "python" else w.replace("8000", str(port)) for w in probe]
    server = subprocess.Popen(start, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            if subprocess.run(probe, capture_output=True, check=False).returncode == 0:
                break
            time.sleep(0.3)
        else:
            raise AssertionError("the healthcheck never passed")
    finally:
        server.terminate()
        server.wait(timeout=15)
