"""What loading the demo returns: its tokens, the ids worth looking at, and counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cli.demo.data import CATEGORIES
from cli.demo.steps import Demo
from domain.candidacy import Status


def summary(demo: Demo, now: datetime, *, dismissed: str, upheld: str) -> dict[str, Any]:
    by_status: dict[str, list[str]] = {}
    for entered in demo.candidacies.values():
        for candidacy_id in entered.values():
            by_status.setdefault(demo.candidacy(candidacy_id).status, []).append(candidacy_id)
    fridges = demo.candidacies["refrigerators_current"]
    tied = [fridges["JL"], fridges["SH"]]
    return {
        "now": now.isoformat(),
        "tokens": demo.tokens,
        "bodies": demo.body_ids,
        "schemes": demo.schemes,
        "candidacies": {
            "awarded": by_status.get(Status.AWARDED, []),
            "superseded": by_status.get(Status.SUPERSEDED, []),
            "expired": by_status.get(Status.EXPIRED, []),
            "revoked": fridges["SH"],
            "tied": tied,
            "excluded_format": fridges["QL"],
            "excluded_reference": demo.candidacies["air_conditioners"]["QY"],
            "excluded_withdrawn": fridges["BB"],
            "not_ranked": fridges["SC"],
            "complained_dismissed": demo.candidacies["air_conditioners"]["SQ"],
        },
        "complaints": {"dismissed": dismissed, "upheld": upheld},
        "declarations": {"revised": demo.declarations["HL"], "withdrawn": demo.declarations["BB"]},
        "counts": {
            "categories": len(CATEGORIES),
            "bodies": len(demo.body_ids),
            "enterprises": len(demo.declarations),
            "declarations": len(demo.declarations),
            "schemes": len(demo.schemes),
            "candidacies": sum(len(c) for c in demo.candidacies.values()),
            "complaints": 2,
            "active_leaders": len(by_status.get(Status.AWARDED, [])),
            "events": demo.registry.recorder.max_notification_id() or 0,
        },
    }
