"""The log reader the projections use returns what the library's recorder returns."""

from __future__ import annotations

from registry.application import LeaderRegistry
from registry.event_log import notifications_after
from tests.clock import Clock
from tests.worlds import ENERGY, award_cycle, build_world


def test_the_reader_pages_the_log_as_the_recorder_does(
    registry: LeaderRegistry, clock: Clock
) -> None:
    award_cycle(build_world(registry, clock, line=ENERGY), 2024, [40, 45, 45, 50])
    head = registry.recorder.max_notification_id() or 0
    assert head > 20

    expected = registry.recorder.select_notifications(start=1, limit=head)
    pages, position = [], 0
    while page := notifications_after(registry.recorder, position, 7):
        pages.append(page)
        position = page[-1].id
    read = [n for page in pages for n in page]
    assert read == list(expected)  # ids, originators, versions, topics and state bytes
    assert all(type(n.state) is bytes for n in read)
    assert [len(p) for p in pages[:-1]] == [7] * (len(pages) - 1)

    upto = notifications_after(registry.recorder, 5, 100, upto=12)
    assert [n.id for n in upto] == list(range(6, 13))
    assert notifications_after(registry.recorder, head, 10) == []
    assert [registry.mapper.to_domain_event(n) for n in upto] == [
        registry.mapper.to_domain_event(n) for n in expected[5:12]
    ]
