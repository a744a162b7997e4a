"""The scheme page over HTTP, on both stores: the scheme, its indicators and timeline, its
ranking in pages (cut-off, ties, the entries not ranked), the chart, as of a date, errors,
caching, both languages."""

from __future__ import annotations

import re

import pytest

from service.pages.scheme_chart import BAR_SPAN
from tests.e2e.api import Api
from tests.worlds import ADMIN, CATEGORY, ENERGY, World, award_cycle, build_world, draft, ranked

EN = {"accept-language": "en"}
FIRST_VALUES: list[int | str] = [40, 45, 45, "no test report", 50, "expired licence", 55]


def two_cycles(api: Api) -> tuple[World, str, str, list[str]]:
    """The 2024 list (a tie at the cut-off, two excluded) superseded by the 2025 list."""
    api.registry.define_category(
        ADMIN, code=CATEGORY, name_zh="家用电冰箱", name_en="Household refrigerators"
    )
    world = build_world(api.registry, api.clock, 7, line=ENERGY)
    first, candidacies = award_cycle(world, 2024, FIRST_VALUES)
    second, _ = award_cycle(world, 2025, [40, 41, 42, 43, 44, 45, 46])
    return world, first, second, candidacies


async def page(api: Api, scheme: str, status: int = 200, **params: str) -> str:
    headers = EN if params.pop("lang", "en") == "en" else {"accept-language": "zh-CN"}
    response = await api.client.get(f"/schemes/{scheme}", params=params, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def places(html: str) -> list[str]:
    """The ranked table's places, in order, "2=" for a tie."""
    cells = re.findall(r'<th scope="row">(\d+)( <span class="tie">)?', html)
    return [rank + ("=" if tie else "") for rank, tie in cells]


def rows(html: str) -> list[str]:
    """The ranked table's body, row by row: "entry" for an entry, "cut-off" for the line."""
    body = html.split('<table id="ranking-table">')[1].split("</tbody>")[0]
    return ["cut-off" if 'class="cutoff"' in r else "entry" for r in body.split("<tr")[2:]]


async def test_the_page_shows_the_scheme_its_indicators_and_its_timeline(api: Api) -> None:
    world, first, second, _ = two_cycles(api)
    await api.settle()
    html = await page(api, first)
    assert "<h1>Refrigerators 2024</h1>" in html
    assert f'<a href="/bodies/{world.body_id}">Tianjin Quality Institute</a>' in html
    assert "Household refrigerators" in html and "National" in html and "Awarded" in html
    assert "The top 2 (ties at the cut-off all qualify)" in html and "10 days" in html
    indicators = html.split('id="indicators-caption"')[1].split("</table>")[0]
    assert "Energy efficiency index" in indicators and "dB(A)" in indicators
    assert indicators.count("Lower is better") == 2 and indicators.count("Core") == 2
    timeline = html.split('<ol class="timeline">')[1].split("</ol>")[0]
    steps = re.findall(r'<span class="step">([^<]+)</span>', timeline)
    assert steps == [
        "Drafted",
        "Approved",
        "Ranking published; publicity window opened",
        "Publicity window closes",
        "Titles awarded",
        "Titles superseded by a later list",
    ]
    days = re.findall(r"<time datetime=\"[^\"]+\">([\d-]+)</time>", timeline)
    assert days == ["2025-03-01"] * 3 + ["2025-03-11"] * 2 + ["2025-03-21"]
    assert 'Administrator <span class="code">ops</span>' in timeline  # who approved it
    assert f'<a href="/schemes/{second}">' in timeline  # the list that superseded it
    later = await page(api, second)
    assert "Titles superseded" not in later and "Titles awarded" in later


async def test_the_page_speaks_chinese_by_default(api: Api) -> None:
    _, first, _, _ = two_cycles(api)
    await api.settle()
    html = await page(api, first, lang="zh")
    assert '<html lang="zh-CN">' in html
    assert "家用电冰箱" in html and "越低越好" in html and "核心指标" in html
    assert "入围线" in html and "并列" in html and "授予领跑者称号" in html


async def test_the_ranking_shows_places_ties_the_cut_off_breakdowns_and_links(api: Api) -> None:
    _, first, _, candidacies = two_cycles(api)
    await api.settle()
    html = await page(api, first)
    counts = re.findall(r"<dt>(\w[\w ]*)</dt><dd>(\d+)</dd>", html.split('id="ranking"')[1])
    assert counts == [("Entered", "7"), ("Ranked", "5"), ("Qualified", "3"), ("Not ranked", "2")]
    assert places(html) == ["1", "2=", "2=", "4", "5"]
    assert rows(html) == ["entry"] * 3 + ["cut-off"] + ["entry"] * 2
    assert "Cut-off: places 1 to 3 qualify (the top 2" in html
    for candidacy in (candidacies[i] for i in (0, 1, 2, 4, 6)):
        assert f'href="/leaders/{candidacy}"' in html
    assert 'href="/enterprises/911200000000001182">Fridge Maker 0</a>' in html
    assert "Energy efficiency index: 45 (baseline 60, weight 2, improvement 0.250000000)" in html
    assert html.count('<span class="yes">Yes</span>') == 3


async def test_the_chart_is_an_image_with_a_text_alternative_and_the_cut_off(api: Api) -> None:
    _, first, _, candidacies = two_cycles(api)
    await api.settle()
    html = await page(api, first)
    svg = html.split('<figure class="chart" id="score-chart">')[1].split("</svg>")[0]
    assert 'role="img"' in svg and 'aria-labelledby="score-title"' in svg
    assert 'aria-describedby="score-desc ranking-caption"' in svg
    assert '<title id="score-title">' in svg and '<desc id="score-desc">' in svg
    assert 'id="ranking-caption"' in html  # the table the chart mirrors
    assert " style=" not in html and "<script" not in html  # the policy allows neither
    bars = re.findall(r'<rect x="8" y="(\d+)" width="([\d.]+)" height="16" fill="([^"]+)"', svg)
    assert [fill for _, _, fill in bars] == ["#0b4f9c"] * 3 + ["url(#score-hatch)"] * 2
    assert float(bars[0][1]) == BAR_SPAN and float(bars[1][1]) < BAR_SPAN  # the best: longest
    cut = re.search(r'<g class="cutoff">\s*<line x1="4" y1="(\d+)"', svg)
    assert cut and int(bars[2][0]) < int(cut.group(1)) < int(bars[3][0])
    # The first entry's indicators against the baselines, unless another is chosen.
    assert "Fridge Maker 0, BCD-200: indicator values against the baselines" in html
    chosen = await page(api, first, entry=candidacies[4])
    assert "Fridge Maker 4, BCD-204: indicator values against the baselines" in chosen
    assert 'aria-describedby="indicator-desc indicator-caption"' in chosen
    assert "value 50 %" in chosen and "baseline 60 %" in chosen


async def test_entries_not_ranked_come_with_their_reasons(api: Api) -> None:
    _, first, _, candidacies = two_cycles(api)
    await api.settle()
    html = await page(api, first, section="not_ranked")
    assert "Entries not ranked, page 1 of 1" in html and 'id="score-chart"' not in html
    assert "no test report" in html and "expired licence" in html
    assert html.count(">Excluded</td>") == 2
    assert f'href="/leaders/{candidacies[3]}"' in html
    assert re.findall(r"<dt>Not ranked</dt><dd>(\d+)</dd>", html) == ["2"]  # counts here too


async def test_the_ranking_pages_twenty_at_a_time_with_a_tie_across_pages(api: Api) -> None:
    world = build_world(api.registry, api.clock, 23, line=ENERGY)
    scheme = draft(world, 2024, top_n=20)
    # Places 20 and 21 tie at the cut-off: both qualify, one on each page.
    ranked(world, scheme, [*range(30, 49), 50, 50, 51, 52])
    await api.settle()
    one = await page(api, scheme)
    assert "Ranked entries, page 1 of 2" in one and len(places(one)) == 20
    assert places(one)[-2:] == ["19", "20="] and "cut-off" not in rows(one)
    assert f'rel="next" href="/schemes/{scheme}?page=2#ranking"' in one
    assert 'rel="prev"' not in one
    two = await page(api, scheme, page="2")
    assert places(two) == ["20=", "22", "23"]
    assert rows(two) == ["entry", "cut-off", "entry", "entry"]
    assert f'rel="prev" href="/schemes/{scheme}#ranking"' in two and 'rel="next"' not in two
    assert "Qualified</dt><dd>21</dd>" in two  # the counts on every page
    beyond = await page(api, scheme, page="3")
    assert "No entries on this page." in beyond


async def test_a_ranking_not_yet_published_says_so(api: Api) -> None:
    world = build_world(api.registry, api.clock, 2, line=ENERGY)
    scheme = draft(world, 2024, approve=None)
    await api.settle()
    html = await page(api, scheme)
    assert "The ranking has not been published yet." in html
    assert "Drafted, awaiting review" in html and 'id="score-chart"' not in html


async def test_as_of_a_date_shows_the_scheme_and_ranking_as_they_stood(api: Api) -> None:
    _, first, _, _ = two_cycles(api)
    await api.settle()
    now = await page(api, first)
    assert now.count(">Superseded</span>") == 3
    then = await page(api, first, as_of="2025-03-15")  # awarded, not yet superseded
    assert "as they stood at the end of 2025-03-15" in then
    assert then.count(">In force</span>") == 3 and "Superseded" not in then
    assert "Titles superseded" not in then and "Titles awarded" in then
    assert 'name="as_of" type="date" value="2025-03-15"' in then
    assert "as_of=2025-03-15T23%3A59%3A59.999999%2B08%3A00" in then  # the API link, then too


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"as_of": "2025-02-30"}, "as_of"),
        ({"section": "all"}, "section"),
        ({"entry": "00000000-0000-0000-0000-000000000000"}, "entry"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_parameters_answer_a_friendly_400_naming_the_field(
    api: Api, params: dict[str, str], field: str
) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    scheme = draft(world, 2024)
    await api.settle()
    html = await page(api, scheme, 400, **params)
    assert f"The value of “{field}” is not valid" in html
    chinese = await page(api, scheme, 400, lang="zh", **params)
    assert '<html lang="zh-CN">' in chinese


async def test_an_unknown_scheme_or_one_not_drafted_then_is_a_friendly_404(api: Api) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    scheme = draft(world, 2024)
    await api.settle()
    assert "Page not found" in await page(api, "00000000-0000-0000-0000-000000000000", 404)
    assert "Page not found" in await page(api, scheme, 404, as_of="2025-01-01")
    assert "页面不存在" in await page(api, "nope", 404, lang="zh")


async def test_the_page_has_an_etag_and_expires_when_the_publicity_window_closes(
    api: Api,
) -> None:
    world = build_world(api.registry, api.clock, 3, line=ENERGY)
    scheme = draft(world, 2024)
    ranked(world, scheme, [40, 45, 50])
    await api.settle()
    first = await api.client.get(f"/schemes/{scheme}", headers=EN)
    assert "(still open)" in first.text
    held = {**EN, "if-none-match": first.headers["etag"]}
    assert (await api.client.get(f"/schemes/{scheme}", headers=held)).status_code == 304
    api.clock.advance(days=11)  # no event: only the clock says the window has closed
    later = await api.client.get(f"/schemes/{scheme}", headers=held)
    assert later.status_code == 200 and "(still open)" not in later.text
