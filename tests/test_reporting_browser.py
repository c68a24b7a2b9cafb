"""The monthly report in a real browser (Debian's Chromium, driven by playwright): at
1366x768 and 1920x1080, in both languages, no console error, no request leaves the machine,
no horizontal scrolling, every image loads. Screenshots go to pytest's tmp_path (never under
outputs/). Skipped where /usr/bin/chromium is absent; no browser is ever downloaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dxecon.report import build_report

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ARGS += ["--disable-component-update", "--disable-sync"]
VIEWPORTS = [(1366, 768), (1920, 1080)]


@pytest.fixture(scope="module")
def reports(tmp_path_factory, small_month):
    if not CHROMIUM.is_file():
        pytest.skip("needs Debian's /usr/bin/chromium (./dx test installs it where it can)")
    month = tmp_path_factory.mktemp("outputs") / small_month.name
    shutil.copytree(small_month, month)
    built = {}
    for lang in ("vi", "en"):
        html = build_report(month, lang, workbook=False)
        built[lang] = html.rename(month / f"report.{lang}.html")
    return built


@pytest.fixture(scope="module")
def browser(reports):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_report_in_chromium(browser, reports, lang, viewport, tmp_path):
    width, height = viewport
    page = browser.new_page(viewport={"width": width, "height": height})
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("file://", "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(reports[lang].as_uri(), wait_until="load")
    shot = tmp_path / f"report_{lang}_{width}x{height}.png"
    page.screenshot(path=str(shot), full_page=True)
    scroll = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
    sticking_out = page.evaluate(
        """() => { const m = document.querySelector('main').getBoundingClientRect();
        return Array.from(document.querySelectorAll('table, figure, dl, p'))
          .filter(t => t.getBoundingClientRect().right > m.right + 0.5).length }"""
    )
    title = page.locator("h1").inner_text()
    page.close()
    assert not errors, errors
    assert not outside, outside
    assert scroll[0] <= scroll[1], f"horizontal scrolling: content {scroll[0]} px > {scroll[1]}"
    assert sticking_out == 0, "a table or figure is wider than the page"
    assert images and all(done and w > 0 for done, w in images), images
    assert ("Báo cáo dự báo kinh tế số Hải Phòng" if lang == "vi" else "Hai Phong") in title
    assert shot.stat().st_size > 10_000


def test_pdf_is_a4_with_several_pages(reports):
    from dxecon.report.pdf import print_pdf

    pdf = print_pdf(reports["vi"], reports["vi"].with_suffix(".pdf"))
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert (
        data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type/Page") > 1
        or data.count(b"/Page") > 2
    )
    # A4 is 595 x 842 points
    assert b"595" in data and b"842" in data
