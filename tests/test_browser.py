"""The notebooks as a researcher meets them: JupyterLab in the system Chromium, driven by Playwright.

JupyterLab runs on a free port in a temporary copy of the project; each notebook is opened in order and
run with "Run All Cells". Checked per notebook: no error output, every plotly figure rendered with
content, every widget (progress bar) rendered, no "Error displaying widget", no output taller than
:data:`MAX_OUTPUT_PX`. Screenshots go to ``build/browser/``.

Skipped when Chromium, Playwright or JupyterLab is missing. Never downloads a browser: Playwright
launches the system Chromium (``BROWSER_PATH`` or ``chromium`` on PATH).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "browser"
#: no cell output may be taller than this (CSS px at a 1280 px wide window)
MAX_OUTPUT_PX = 1600
#: printed text longer than this is a dump (a table or a summary view should show it)
MAX_TEXT_LINES = 40
#: per notebook (the topic fit is the slowest on a busy 2-core machine)
NOTEBOOK_TIMEOUT_S = 420
TOKEN = "surveykit-browser-test"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("0*.ipynb"))


def chromium() -> str | None:
    for candidate in (os.environ.get("BROWSER_PATH"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_settings(folder: Path) -> Path:
    """User settings for the test's JupyterLab: every cell in the DOM (no windowing), widget state
    saved, no news or update checks."""
    settings = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyter-widgets/jupyterlab-manager/plugin.jupyterlab-settings": {"saveState": True},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false", "checkForUpdates": False},
    }
    for rel, values in settings.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    return folder


def wait_for_server(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a temporary copy of the project; yields its base URL."""
    browser = chromium()
    required = os.environ.get("SURVEYKIT_REQUIRE_BROWSER") == "1"  # .ci/run with Chromium present
    if browser is None:
        (pytest.fail if required else pytest.skip)("no Chromium (set BROWSER_PATH or install chromium)")
    for module in ("playwright.sync_api", "jupyterlab"):
        try:
            __import__(module)
        except ImportError:
            (pytest.fail if required else pytest.skip)(f"{module} is not installed (pip install -e '.[dev]')")
    from surveykit.lab import lab_command

    project = tmp_path_factory.mktemp("lab-project")
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    for name in ("survey.toml", "curation.toml"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, project / name)
    shared = os.environ.get("SURVEYKIT_EMBED_CACHE")  # reuse computed embeddings (content-keyed)
    if shared and Path(shared).is_dir():
        (project / ".cache" / "surveykit").mkdir(parents=True)
        (project / ".cache" / "surveykit" / "embeddings").symlink_to(Path(shared).resolve())
    port = free_port()
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "JUPYTERLAB_SETTINGS_DIR": str(lab_settings(project / ".lab-settings")),
           "JUPYTERLAB_WORKSPACES_DIR": str(project / ".lab-workspaces"),
           "BROWSER_PATH": browser}
    command = lab_command(project, port=port, no_browser=True, extra=[
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={project}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--LabServerApp.open_browser=False"])
    log = (project / "lab.log").open("w")
    process = subprocess.Popen(command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/api/status?token={TOKEN}", process)
        yield {"base": base, "project": project, "chromium": browser}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=lab["chromium"], args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 1400})
        yield context.new_page()
        context.close()
        browser.close()


# JavaScript run in the page (JupyterLab exposes its application as window.jupyterapp)
OPENED = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  return !!(w && w.content && w.content.model && w.sessionContext && w.sessionContext.session
            && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle'); }"""
RUN_ALL = """async () => { const w = window.jupyterapp.shell.currentWidget;
  await w.sessionContext.ready;
  window.jupyterapp.commands.execute('notebook:run-all-cells'); return true; }"""
FINISHED = """() => { const w = window.jupyterapp.shell.currentWidget; const cells = w.content.model.cells;
  let done = true;
  for (let i = 0; i < cells.length; i++) { const c = cells.get(i); if (c.type !== 'code') continue;
    if (c.outputs.toJSON().some(o => o.output_type === 'error')) return 'error';
    if (c.executionCount === null) done = false; }
  const busy = document.querySelectorAll('.jp-Notebook .jp-InputPrompt').length &&
    [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')].some(p => p.textContent.includes('*'));
  return done && !busy && w.sessionContext.session.kernel.status === 'idle' ? 'done' : false; }"""
OUTPUTS = """() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells; const out = [];
  for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
    if (c.type === 'code') out.push({index: i, outputs: c.outputs.toJSON()}); }
  return out; }"""
DOM = """() => { const nb = window.jupyterapp.shell.currentWidget.node;
  const plots = [...nb.querySelectorAll('.js-plotly-plot')].map(el => { const r = el.getBoundingClientRect();
    return {w: r.width, h: r.height, traces: (el._fullData || []).length,
            marks: el.querySelectorAll('.main-svg path, .main-svg image, .main-svg rect.bg').length}; });
  const outputs = [...nb.querySelectorAll('.jp-Cell')].map((cell, i) => {
    const area = cell.querySelector('.jp-OutputArea'); return {cell: i, h: area ? area.scrollHeight : 0}; });
  return {plots, outputs,
          widgets: nb.querySelectorAll('.jp-OutputArea-output .jupyter-widgets').length,
          widget_errors: (nb.innerText.match(/Error displaying widget|model not found/g) || []).length}; }"""


def screenshots(page, stem: str) -> None:
    """Viewport screenshots scrolled through the notebook: build/browser/<stem>_NN.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob(f"{stem}_*.png"):
        old.unlink()
    scroller = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    last = page.evaluate(f"() => {{ const s = document.querySelector('{scroller}'); "
                         "return s ? s.scrollHeight - s.clientHeight : 0; }")
    step = 1200
    for n, top in enumerate(range(0, max(int(last), 0) + step, step)):
        page.evaluate(f"() => {{ const s = document.querySelector('{scroller}'); "
                      f"if (s) s.scrollTop = {top}; }}")
        page.wait_for_timeout(150)
        page.screenshot(path=str(SHOTS / f"{stem}_{n:02d}.png"))
        if n >= 40:
            break


def raw_dump(output: dict) -> str:
    """What makes an output a dump: printed text over :data:`MAX_TEXT_LINES` lines, or a result
    shown only as a long plain-text repr (no HTML, figure or widget view)."""
    if output.get("output_type") == "stream":
        text = "".join(output.get("text", ""))
        return f"{len(text.splitlines())} printed lines" if len(text.splitlines()) > MAX_TEXT_LINES else ""
    data = output.get("data", {})
    plain = "".join(data.get("text/plain", ""))
    if set(data) == {"text/plain"} and (len(plain) > 300 or len(plain.splitlines()) > MAX_TEXT_LINES):
        return plain[:80]
    return ""


def error_text(cells: list[dict]) -> str:
    for cell in cells:
        for out in cell["outputs"]:
            if out.get("output_type") == "error":
                return f"cell {cell['index']}: {out.get('ename')}: {out.get('evalue')}"
    return ""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab(lab, page, name):
    stem = Path(name).stem
    page.goto(f"{lab['base']}/lab/workspaces/test-{stem}/tree/notebooks/{name}?reset&token={TOKEN}")
    page.wait_for_function(OPENED, timeout=120_000)
    page.evaluate(RUN_ALL)
    state = page.wait_for_function(FINISHED, timeout=NOTEBOOK_TIMEOUT_S * 1000, polling=1000).json_value()
    page.wait_for_timeout(1500)  # let the last outputs (plotly, widgets) render
    cells = page.evaluate(OUTPUTS)
    dom = page.evaluate(DOM)
    screenshots(page, stem)

    assert state == "done", f"{name}: {error_text(cells)}"
    plotly = sum(1 for c in cells for o in c["outputs"]
                 if "application/vnd.plotly.v1+json" in o.get("data", {}))
    widgets = sum(1 for c in cells for o in c["outputs"]
                  if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))
    assert len(dom["plots"]) >= plotly, f"{name}: {plotly} plotly outputs, {len(dom['plots'])} rendered"
    for n, plot in enumerate(dom["plots"]):
        assert plot["w"] > 100 and plot["h"] > 100, f"{name}: plotly figure {n} is {plot['w']}x{plot['h']} px"
        assert plot["traces"] > 0 and plot["marks"] > 0, f"{name}: plotly figure {n} has no content"
    if widgets:
        assert dom["widgets"] > 0, f"{name}: {widgets} widget outputs, none rendered"
    assert dom["widget_errors"] == 0, f"{name}: 'Error displaying widget' shown"
    dumps = [(c["index"], raw_dump(o)) for c in cells for o in c["outputs"] if raw_dump(o)]
    assert not dumps, f"{name}: raw text dumps instead of a display: {dumps}"
    tall = [o for o in dom["outputs"] if o["h"] > MAX_OUTPUT_PX]
    assert not tall, f"{name}: outputs taller than {MAX_OUTPUT_PX} px: {tall} (screenshots in {SHOTS})"


def test_sys_executable_has_jupyterlab():
    """The lab command runs this interpreter's JupyterLab (the one with surveykit's extensions)."""
    pytest.importorskip("jupyterlab")
    from surveykit.lab import lab_command

    assert lab_command("notebooks")[0] == sys.executable
