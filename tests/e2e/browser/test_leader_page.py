"""A leader's page in a real browser: open it from the leaders list, decode its QR code from
a screenshot (zxing-cpp) and follow it back to the same page; then revoke that title through
the API, as a regulator upholding a complaint, and see the page say so."""

from __future__ import annotations

import io
from typing import Any

import httpx
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.browser.live import Live


def decode_qr(page: Page) -> str:
    """The text of the QR code the page shows, read from a screenshot of it."""
    shot = page.locator("img.qr").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert len(found) == 1, found
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return str(found[0].text)


def test_the_qr_code_on_a_leader_page_opens_that_same_page(zh: Page, site: Live) -> None:
    zh.goto(f"/leaders?credit_code={site.leader_code}")
    zh.locator("tbody a").first.click()  # the row's link
    expect(zh.locator(".leader-status .headline")).to_contain_text("称号有效，有效期至")
    here = zh.url
    assert here == f"{site.base_url}/leaders/{site.leader_id}"
    heading = zh.locator("h1").inner_text()

    decoded = decode_qr(zh)
    assert decoded == here

    zh.goto("/leaders")
    zh.goto(decoded)  # what a phone does with the code
    assert zh.url == here and zh.locator("h1").inner_text() == heading
    download = zh.request.get(f"/leaders/{site.leader_id}/qr.svg")
    assert download.ok and download.headers["content-type"] == "image/svg+xml"


def _post(site: Live, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        site.base_url + path,
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert response.status_code in (200, 201), response.text
    assert "registry-consistency" not in response.headers  # the pages include the write
    answer: dict[str, Any] = response.json()
    return answer


def test_a_title_revoked_through_the_api_reads_revoked_on_its_page(en: Page, site: Live) -> None:
    leaders = httpx.get(f"{site.base_url}/v1/leaders", params={"limit": 5}, timeout=60).json()
    title = next(t for t in leaders["items"] if t["candidacy_id"] != site.leader_id)
    en.goto(f"/leaders/{title['candidacy_id']}")
    expect(en.locator(".leader-status .headline")).to_contain_text("In force until")

    regulator = _post(
        site,
        "/v1/credentials",
        site.admin,
        {"role": "regulator", "subject": "Tianjin AMR", "label": "complaints"},
    )["token"]
    complaint = _post(
        site,
        "/v1/complaints",
        regulator,
        {
            "candidacy_id": title["candidacy_id"],
            "complainant_kind": "regulator",
            "grounds": "fraud",
            "description": "test report forged",
            "evidence": ["report WT-2025-118"],
        },
    )["id"]
    en.reload()
    expect(en.locator(".leader-status .headline")).to_contain_text("Under complaint since")

    findings = "the laboratory confirmed the report is forged"
    _post(
        site,
        f"/v1/complaints/{complaint}/decision",
        regulator,
        {"upheld": True, "findings": findings},
    )
    en.reload()
    status = en.locator(".leader-status")
    expect(status.locator(".headline")).to_contain_text("Revoked on")
    expect(status.locator(".headline")).to_contain_text("by the regulator Tianjin AMR")
    expect(status).to_contain_text(f"Because: complaint upheld (fraud): {findings}")
    expect(en.locator(".timeline li").last).to_contain_text("Title revoked")
