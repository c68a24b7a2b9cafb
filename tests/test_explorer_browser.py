"""End to end: the explorer notebook served by Voila, and opened in JupyterLab, driven in
Debian's Chromium.

JupyterLab (``test_explorer_in_jupyterlab_runs_updates_and_is_readable``, in vi and en): a
temporary copy of the notebook per language, JupyterLab on a free loopback port with a
token, the file browser open; run all cells, move a slider, press Update; fails on any page
or console error, a message in the explorer's error line (where a widget callback's error is
shown), a traceback in an output, sideways scrolling in the notebook, or chart text under
10 px as displayed (the charts' smallest font at the scale the page shows them). Its
screenshots go to ``$DXECON_SHOTS`` (default: the artifacts folder).

Voila:

What a user does, in a real browser on a 1366x768 laptop screen: open the explorer, pick a
starting scenario, move industry's diffusion-speed slider with the keyboard, press Update,
save the result. Checked: the chart image and the attainment table change, and the numbers
the page shows are the ones dxecon computes in this process for the same settings (and for
the file the page saved), in Vietnamese (the default language); and the page fits the
screen: no horizontal scrolling, no widget wider than the window, every image loaded, no
console error.

Needs ``/usr/bin/chromium`` (Debian's package; ``./dx test`` installs it where it can) and
never downloads a browser. The Voila server and its kernel run in their own session and are
stopped by process group when the module's tests end. Every request that does not go to
127.0.0.1 is aborted (Voila's page asks a CDN for fonts), so the test is hermetic.

Artifacts (gitignored; tests never write under ``outputs/``):
``build/test-artifacts/explorer_voila.png``, and on failure ``explorer_voila_FAIL.png`` plus
the server log ``explorer_voila.log``.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dxecon.apps.explorer import format_probability
from dxecon.core import folders
from dxecon.core.dates import current_month
from dxecon.core.params import load_yaml, params_path
from dxecon.models.scenarios import load_scenario, run_scenario, scenario_from_dict
from dxecon.present.words import Words

pytestmark = [pytest.mark.slow, pytest.mark.first]

CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK = folders.NOTEBOOKS_DIR / "explorer" / "scenario_explorer.ipynb"
ARTIFACTS = folders.PROJECT_ROOT / "build" / "test-artifacts"  # tests never write in outputs/
TIMEOUT_MS = 60_000
#: Flags from the browser probe: --no-sandbox is required as root; the rest keep a headless
#: Chromium in a container quiet and off the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SPEED_SLIDER = ".dxecon-key-sectors-ind_con-intensity-speed"
#: The smallest common laptop screen; the page must fit its width.
VIEWPORT = {"width": 1366, "height": 768}
VI = Words("vi")  # the notebook's default language
#: What does not fit the window: the page's horizontal overflow, elements (of ``scope``, a
#: CSS selector: all by default) scrolling sideways, widget boxes reaching past the right
#: edge; and images not loaded.
FIT_PROBLEMS = """(scope = "*") => {
    const width = window.innerWidth, problems = [];
    const page = document.scrollingElement;
    if (page.scrollWidth > page.clientWidth)
        problems.push(`page scrolls sideways: ${page.scrollWidth} > ${page.clientWidth}`);
    for (const element of document.querySelectorAll(scope)) {
        const style = getComputedStyle(element);
        if (element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0
                && ["auto", "scroll"].includes(style.overflowX))
            problems.push(`${element.className} scrolls sideways: `
                          + `${element.scrollWidth} > ${element.clientWidth}`);
    }
    for (const box of document.querySelectorAll(".dxecon-explorer, .dxecon-explorer *")) {
        const right = box.getBoundingClientRect().right;
        if (right > width + 0.5)
            problems.push(`${box.tagName}.${box.className} ends at ${right} > ${width}`);
    }
    for (const image of document.images)
        if (!image.complete || image.naturalWidth === 0)
            problems.push(`image not loaded: ${image.className}`);
    return problems;
}"""
#: Scroll every scrolled container back to the top; return the tallest content height.
SCROLL_TO_TOP_AND_MEASURE = """() => {
    let height = document.documentElement.scrollHeight;
    for (const element of document.querySelectorAll("*")) {
        if (element.scrollHeight > element.clientHeight) {
            element.scrollTop = 0;
            height = Math.max(height, element.scrollHeight);
        }
    }
    window.scrollTo(0, 0);
    return height;
}"""
#: Rows of the attainment table compared with the library: (target id, reading).
CHECKED_ROWS = [("TGT021", ""), ("TGT023", "real, compound average 2026-2030")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (Voila stops its kernels), SIGKILL after 10 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def _server(command: list[str], root: Path, env: dict, ready, name: str):
    """Run a Jupyter server (``command``) in its own session under ``root`` until ``ready()``
    stops raising OSError (60 s at most); stop it by process group when done and keep its
    log as ``ARTIFACTS/explorer_<name>.log``."""
    log = root / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its kernels
        )
    try:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode}:\n{log.read_text()}")
            try:
                if ready():
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{name} did not answer within 60 s:\n{log.read_text()}")
                time.sleep(0.3)
        yield process
    finally:
        _stop(process)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(log, ARTIFACTS / f"explorer_{name}.log")


def _browser_and(program: str) -> Path:
    """The path of Jupyter's ``program`` next to this interpreter; the test is skipped (with
    the reason) without Chromium, playwright or ``program``."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium; "
            "./dx test does it when run as root) to run the explorer's browser tests"
        )
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    path = Path(sys.executable).parent / program
    if not path.exists():
        pytest.skip(f"{program} is not installed next to {sys.executable}")
    return path


def _private_jupyter(root: Path) -> dict[str, str]:
    """The environment of a Jupyter server under ``root``: the notebook asks for the kernel
    "dxecon", installed for this interpreter in a private folder; every Jupyter, IPython
    and matplotlib file kept out of $HOME; "Save as scenario" writing under ``root``."""
    from dxecon.apps.notebooks import install_kernel

    install_kernel(prefix=root / "env")
    return {
        **os.environ,
        "JUPYTER_PATH": str(root / "env" / "share" / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_DATA_DIR": str(root / "data"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "IPYTHONDIR": str(root / "ipython"),
        "MPLCONFIGDIR": str(root / "mpl"),
        "DXECON_OUTPUTS": str(root / "outputs"),  # where "Save as scenario" writes
    }


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """A Voila server for the explorer notebook on 127.0.0.1; yields (url, root folder)."""
    voila_bin = _browser_and("voila")
    root = tmp_path_factory.mktemp("voila")
    env = _private_jupyter(root)
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        str(voila_bin),
        str(NOTEBOOK),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--token={token}",
        "--show_tracebacks=True",
    ]

    def listening() -> bool:
        # The port accepts connections (Voila's API routes are not allowlisted, and GET /
        # would run the notebook).
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True

    with _server(command, root, env, listening, "voila"):
        yield f"http://127.0.0.1:{port}/?token={token}", root


def expected_cells(dataset, base: str, **changes) -> dict[tuple[str, str], tuple[str, str]]:
    """Median and P(target met) as the page should print them, computed by the library
    for a shipped scenario with dotted-key changes."""
    data = copy.deepcopy(load_yaml(params_path(base, "scenarios")))
    for dotted, value in changes.items():
        *parents, leaf = dotted.split(".")
        node = data
        for key in parents:
            node = node[key]
        node[leaf] = value
    # The notebook's explorer is as of this month (a saved scenario holds no date).
    data["as_of"] = current_month()
    return _cells(run_scenario(scenario_from_dict(data), dataset=dataset))


def _cells(run) -> dict[tuple[str, str], tuple[str, str]]:
    card = run.scorecard.frame
    cells = {}
    for target_id, reading in CHECKED_ROWS:
        row = card[(card["goal_id"] == target_id) & (card["reading"] == reading)].iloc[0]
        cells[target_id, reading] = (
            VI.number(row["median"], 2, trim=False),
            format_probability(row["probability"], VI),
        )
    return cells


def shown_cells(page) -> dict[tuple[str, str], tuple[str, str]]:
    cells = {}
    for target_id, reading in CHECKED_ROWS:
        row = page.locator(
            f'.dxecon-attainment tr[data-target="{target_id}"][data-reading="{reading}"]'
        )
        cells[target_id, reading] = (
            row.locator("td.median").inner_text().strip(),
            row.locator("td.probability").inner_text().strip(),
        )
    return cells


def _move_speed(page, slider, *, steps: int) -> float:
    """Industry's diffusion-speed slider ``steps`` steps up with the keyboard: the value."""
    start = float(slider.locator(".widget-readout").inner_text())
    moved = round(start + 0.001 * steps, 3)
    slider.locator(".noUi-handle").focus()
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    from playwright.sync_api import expect

    expect(slider.locator(".widget-readout")).to_have_text(f"{moved:.3f}")
    return moved


def _update_until_current(page, status, updates: int) -> int:
    """Press Update until the explorer shows the controls' current values: a key press's
    value can reach the kernel after the click (the status then says the settings changed
    again, ``data-stale``), and the next press computes with it. The number of updates."""
    from playwright.sync_api import expect

    for _ in range(5):
        page.locator("button.dxecon-update").click()
        expect(status).to_have_attribute("data-updates", str(updates), timeout=TIMEOUT_MS)
        expect(status).to_have_attribute("data-drawing", "false", timeout=TIMEOUT_MS)
        if status.get_attribute("data-stale") == "false":
            return updates
        updates += 1
    raise AssertionError("the explorer still says the settings changed after five updates")


def _speed_spread(dataset, base: str) -> float:
    from dxecon.apps.explorer import drawn_speed_spread
    from dxecon.models.scenarios import resolve_start

    scenario = load_scenario(base, as_of=current_month())
    return drawn_speed_spread(resolve_start(scenario, dataset)[0], dataset)


def _open_page(browser, problems: list[str]):
    """A 1366x768 page that records page and console errors in ``problems`` and aborts
    every request not to 127.0.0.1 (hermetic)."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not _aborted_by_us(message.text)
            and problems.append(f"console error: {message.text}")
        ),
    )
    page.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    return page


def _aborted_by_us(text: str) -> bool:
    """Console errors of the requests this test aborts (Voila's CDN fonts)."""
    return "net::ERR_FAILED" in text or "net::ERR_ABORTED" in text


def test_explorer_in_the_browser_updates_to_the_library_numbers(voila, dataset):
    from playwright.sync_api import expect, sync_playwright

    url, root = voila
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "explorer_voila_FAIL.png").unlink(missing_ok=True)  # from an earlier run
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = _open_page(browser, problems)
        try:
            page.goto(url)
            status = page.locator(".dxecon-status")
            table = page.locator(".dxecon-table .dxecon-attainment")
            tables = page.locator(".dxecon-table")
            chart = page.locator(".dxecon-chart-de-share")

            # 1. The notebook ran: the baseline is shown with the library's numbers, in
            #    Vietnamese, and the page fits a 1366 px screen.
            expect(status).to_have_attribute("data-updates", "1", timeout=TIMEOUT_MS)
            assert shown_cells(page) == expected_cells(dataset, "baseline")
            expect(page.locator("button.dxecon-update")).to_have_text(VI("explorer.update"))
            expect(page.locator(".dxecon-explorer")).to_contain_text(
                VI("explorer.heading.attainment")
            )
            expect(table.first.locator("th.status")).to_have_text(VI("col.status"))
            assert page.evaluate(FIT_PROBLEMS) == []

            # 2. Another starting point: accelerated (its 2030 share is near the target, so
            #    the probability is not stuck at 0 or 1 and a change must show).
            page.locator(".dxecon-base select").select_option(label=VI.scenario("accelerated"))
            expect(status).to_have_attribute("data-updates", "2", timeout=TIMEOUT_MS)
            before = shown_cells(page)
            assert before == expected_cells(dataset, "accelerated")
            table_before = tables.inner_text()
            chart_before = chart.screenshot()

            # 3. Industry's diffusion speed five steps up with the keyboard, then Update
            #    (the slider starts at the centre of the scenario's calibrated draws, inside
            #    the calibration's predictive range, in steps of a thousandth).
            slider = page.locator(SPEED_SLIDER)
            moved = _move_speed(page, slider, steps=5)
            _update_until_current(page, status, 3)

            after = shown_cells(page)
            assert tables.inner_text() != table_before, "the attainment table did not change"
            assert chart.screenshot() != chart_before, "the fan chart did not change"
            assert after != before
            spread = _speed_spread(dataset, "accelerated")  # kept around the moved centre
            assert after == expected_cells(
                dataset,
                "accelerated",
                **{
                    "sectors.ind_con.intensity.speed": moved,
                    "sectors.ind_con.intensity.speed_sd": spread,
                },
            )

            # 4. Save as scenario: the file reproduces exactly what the page shows.
            page.locator(".dxecon-save-name input").fill("browser_check")
            page.locator("button.dxecon-save").click()
            expect(page.locator(".dxecon-saved")).to_contain_text("browser_check.yaml")
            saved = load_scenario(
                root / "outputs" / "explorer" / "browser_check.yaml", as_of=current_month()
            )
            assert saved.sectors["ind_con"].intensity.speed == pytest.approx(moved, abs=1e-12)
            assert _cells(run_scenario(saved, dataset=dataset)) == after

            # Still fits with the new numbers and the save message.
            assert page.evaluate(FIT_PROBLEMS) == []

            # Voila scrolls inside its own container, so a full-page shot stops at the
            # viewport: make the viewport as tall as the whole page, scrolled to the top.
            height = page.evaluate(SCROLL_TO_TOP_AND_MEASURE)
            page.set_viewport_size(
                {"width": VIEWPORT["width"], "height": min(int(height) + 50, 6000)}
            )
            page.screenshot(path=ARTIFACTS / "explorer_voila.png", full_page=True)
        except Exception:
            page.screenshot(path=ARTIFACTS / "explorer_voila_FAIL.png", full_page=True)
            raise
        finally:
            browser.close()
    assert not problems, problems


# -- JupyterLab ----------------------------------------------------------------------------
#: Where the JupyterLab test leaves its screenshots (one per language) besides ARTIFACTS.
SHOTS = Path(os.environ.get("DXECON_SHOTS", str(ARTIFACTS)))
#: The smallest chart text a reader must get, in CSS pixels as displayed.
SMALLEST_TEXT_PX = 10.0
#: JupyterLab is ready for "run all" once the notebook's kernel is connected and idle (the
#: toolbar's indicator turns idle earlier: a run-all then does nothing; browser probe).
KERNEL_READY = """() => { const k = window.jupyterapp?.shell.currentWidget
    ?.sessionContext?.session?.kernel;
    return !!k && k.connectionStatus === 'connected' && k.status === 'idle'; }"""
#: Every chart image: its displayed and natural width (the scale it is shown at).
CHART_SCALES = """() => [...document.querySelectorAll(
        '.dxecon-chart-de-share, .dxecon-chart-lp')].map(
    image => ({name: image.className, shown: image.getBoundingClientRect().width,
               natural: image.naturalWidth}))"""


def _notebook_in(lang: str) -> dict:
    """The explorer notebook with its language cell set to ``lang``."""
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and re.search(r'^lang = "\w+"', cell.source, re.M):
            cell.source = re.sub(r'^lang = "\w+"', f'lang = "{lang}"', cell.source, flags=re.M)
            break
    else:
        raise AssertionError("the explorer notebook has no `lang = ...` cell")
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 over a temporary copy of the explorer notebook in each
    language (``explorer_vi.ipynb``, ``explorer_en.ipynb``); yields (base url, token)."""
    import nbformat

    lab_bin = _browser_and("jupyter-lab")
    root = tmp_path_factory.mktemp("lab")
    env = _private_jupyter(root)
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for lang in ("vi", "en"):
        nbformat.write(_notebook_in(lang), notebooks / f"explorer_{lang}.ipynb")
    # No news or update toasts over the page (browser probe, obstacle 4).
    settings = root / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        str(lab_bin),
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={notebooks}",
        f"--LabApp.workspaces_dir={root / 'workspaces'}",
        f"--LabApp.user_settings_dir={root / 'settings'}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # a container's only user

    def answering() -> bool:
        import urllib.request

        urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2
        ).close()
        return True

    with _server(command, root, env, answering, "lab"):
        yield f"http://127.0.0.1:{port}", token


def _smallest_chart_points(dataset, lang: str) -> float:
    """The smallest text of the explorer's charts, in points (as drawn by the library)."""
    from matplotlib.text import Text

    from dxecon.apps.explorer import ScenarioExplorer, fan_figure

    explorer = ScenarioExplorer("baseline", dataset=dataset, lang=lang, update_on_release=False)
    sizes = []
    for name in ("de_share", "lp"):
        figure = fan_figure(explorer.result, dataset, name, "real", explorer.words)
        sizes += [
            text.get_fontsize()
            for text in figure.findobj(Text)
            if text.get_text().strip() and text.get_visible()
        ]
    return min(sizes)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_explorer_in_jupyterlab_runs_updates_and_is_readable(jupyterlab, dataset, lang):
    from playwright.sync_api import expect, sync_playwright

    from dxecon.apps.explorer import CHART_DPI

    base, token = jupyterlab
    words = Words(lang)
    problems: list[str] = []
    shot = SHOTS / f"explorer_lab_{lang}.png"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = _open_page(browser, problems)
        try:
            # a workspace per language: the other notebook is not restored beside it
            page.goto(f"{base}/lab/workspaces/{lang}/tree/explorer_{lang}.ipynb?token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell")
            page.wait_for_function(KERNEL_READY)
            expect(page.locator(".jp-FileBrowser")).to_be_visible()  # file browser open
            status = page.locator(".dxecon-status")
            for _attempt in range(3):  # "run all" right after the kernel is ready may be lost
                page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
                try:
                    expect(status).to_have_attribute("data-updates", "1", timeout=TIMEOUT_MS)
                    break
                except AssertionError:
                    continue
            expect(status).to_have_attribute("data-updates", "1")
            expect(page.locator("button.dxecon-update")).to_have_text(words("explorer.update"))
            expect(status).to_contain_text(words.scenario("baseline"))

            moved = _move_speed(page, page.locator(SPEED_SLIDER), steps=3)
            page.locator("button.dxecon-update").click()
            expect(status).to_have_attribute("data-updates", "2", timeout=TIMEOUT_MS)
            expect(status).to_have_attribute("data-drawing", "false")
            edited = words("explorer.variant", base=words.scenario("baseline"))
            expect(status).to_contain_text(edited)
            assert moved > 0

            # No error in the page: the explorer's own message line (a callback's error is
            # shown there) and no traceback in any output.
            expect(page.locator(".dxecon-message")).to_have_text("")
            assert page.locator(".jp-OutputArea-output[data-mime-type*='stderr']").count() == 0
            assert page.locator(".jp-RenderedText .ansi-red-fg").count() == 0
            # JupyterLab's page never scrolls: what could scroll sideways is in the notebook
            problems += page.evaluate(FIT_PROBLEMS, ".jp-NotebookPanel, .jp-NotebookPanel *")

            # Chart text as displayed: the smallest font drawn, at the scale shown.
            smallest = _smallest_chart_points(dataset, lang) * CHART_DPI / 72
            for chart in page.evaluate(CHART_SCALES):
                shown_px = smallest * chart["shown"] / chart["natural"]
                if shown_px < SMALLEST_TEXT_PX:
                    problems.append(
                        f"{chart['name']}: smallest text {shown_px:.1f} px as displayed "
                        f"({chart['shown']:.0f} of {chart['natural']} px)"
                    )
            # At 1366x768 with the file browser open: the status and the first chart, then
            # the attainment table (the past years folded).
            page.locator(".dxecon-status").scroll_into_view_if_needed()
            page.screenshot(path=shot)
            page.locator(".dxecon-table").scroll_into_view_if_needed()
            page.screenshot(path=SHOTS / f"explorer_lab_{lang}_table.png")
        except Exception:
            page.screenshot(path=SHOTS / f"explorer_lab_{lang}_FAIL.png")
            raise
        finally:
            browser.close()
    assert not problems, problems
