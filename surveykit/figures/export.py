"""Write figures as PDF, SVG and PNG (kaleido + the system Chromium) and interactive HTML.

All static images of a call come from ONE headless Chromium (starting it costs seconds; each
image then costs a fraction of a second). :class:`BrowserSession` keeps that browser open across
calls, for a notebook that shows and saves one figure per cell.

The browser is ``$BROWSER_PATH`` when set, else ``chromium`` / ``google-chrome`` on ``PATH``;
nothing is ever downloaded. Without a browser, the HTML files are still written and the report
says clearly what is missing and how to fix it.

HTML files load ``plotly.min.js`` from the same folder (written once, from the installed plotly),
so they work offline and stay small; ``plotlyjs="inline"`` embeds it in each file instead.

Determinism: HTML uses a fixed ``div_id`` and the traces carry fixed ``uid`` s; plotly.js draws
SVG clip-path ids from a random per-figure id, which :func:`stable_svg` replaces by a fixed one.
PNG output is byte-stable for the same Chromium; Chromium's PDF carries creation dates, which
:func:`stable_pdf` blanks out in place (same length, so the cross-reference table stays valid).

PDF pages: kaleido 1.x prints a page the size of the figure with 0.1 in print margins, so the
figure is drawn 0.1 in lower and further right and its bottom and right edges are cut (an x-axis
title under the axis disappears). :func:`print_without_margins` prints the same page with no
margins, so the PDF shows exactly what the PNG and SVG show.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import threading
import time
import warnings
from collections.abc import Iterable, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from surveykit import io

logger = logging.getLogger(__name__)

FORMATS = ("pdf", "svg", "png", "html")
STATIC_FORMATS = ("pdf", "svg", "png")
PLOTLY_JS_NAME = "plotly.min.js"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
DEFAULT_PNG_DPI = 300
PX_PER_INCH = 96
NO_BROWSER_HINT = (
    "install Chromium (Debian/Ubuntu: apt-get install chromium) and/or point BROWSER_PATH at it "
    "(export BROWSER_PATH=$(command -v chromium))"
)


class FigureExportError(RuntimeError):
    """A figure could not be rendered although a browser was available."""


class BrowserNotFoundWarning(UserWarning):
    """No Chromium/Chrome: figures are written as HTML only."""


def find_browser() -> str | None:
    """The Chromium/Chrome to use: ``$BROWSER_PATH`` if set (``None`` if it is not executable),
    else the first of :data:`BROWSER_NAMES` on ``PATH``."""
    env = os.environ.get("BROWSER_PATH", "").strip()
    if env:
        path = shutil.which(env) or env
        return path if Path(path).is_file() and os.access(path, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _no_browser_message() -> str:
    env = os.environ.get("BROWSER_PATH", "").strip()
    where = f"BROWSER_PATH={env!r} is not an executable file" if env else (
        "no Chromium or Chrome on PATH (looked for " + ", ".join(BROWSER_NAMES) + ")"
    )
    return f"{where}: {NO_BROWSER_HINT}"


class BrowserSession:
    """One headless Chromium (via kaleido) for many renders; a context manager.

    The browser runs on its own event loop in a background thread, so the session works the
    same from a script and from a Jupyter cell (which already runs an event loop).
    """

    def __init__(self, browser_path: str | None = None, timeout: float = 60.0) -> None:
        self.browser_path = browser_path or find_browser()
        if self.browser_path is None:
            raise FileNotFoundError(_no_browser_message())
        self.timeout = timeout
        self.started_seconds = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._kaleido is not None

    def open(self) -> BrowserSession:
        """Start Chromium (about 3 s); a second call does nothing."""
        if self.is_open:
            return self
        start = time.perf_counter()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="surveykit-kaleido", daemon=True)
        self._thread.start()
        try:
            self._kaleido = self._run(self._start(), self.timeout)
        except BaseException:
            self._stop_loop()
            raise
        self.started_seconds = time.perf_counter() - start
        return self

    async def _start(self) -> Any:
        import kaleido  # imported here: it is only needed when a browser exists

        print_without_margins()
        browser = kaleido.Kaleido(n=1, timeout=self.timeout, mathjax=False, path=self.browser_path)
        await browser.open()
        return browser

    def _run(self, coroutine: Any, timeout: float | None) -> Any:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise

    def render(self, fig: go.Figure | dict, fmt: str, width: int | None = None, height: int | None = None,
               scale: float = 1.0) -> bytes:
        """The figure as ``pdf``, ``svg`` or ``png`` bytes (``width``/``height`` in CSS pixels,
        default: the figure's own)."""
        if fmt not in STATIC_FORMATS:
            raise ValueError(f"static format must be one of {', '.join(STATIC_FORMATS)}, got {fmt!r}")
        self.open()
        opts: dict[str, Any] = {"format": fmt, "scale": scale}
        if width:
            opts["width"] = int(width)
        if height:
            opts["height"] = int(height)
        with self._lock:
            data = self._run(self._kaleido.calc_fig(fig, opts=opts), self.timeout + 10)
        if fmt == "svg":
            data = stable_svg(data)
        elif fmt == "pdf":
            data = stable_pdf(data)
        return data

    def close(self) -> None:
        """Stop Chromium and the background loop."""
        if self._kaleido is not None:
            try:
                self._run(self._kaleido.close(), 20)
            except Exception as exc:  # a browser that died already: nothing left to close
                logger.debug("closing the browser failed: %s", exc)
            self._kaleido = None
        self._stop_loop()

    def _stop_loop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(10)
            self._loop.close()
        self._loop, self._thread = None, None

    def __enter__(self) -> BrowserSession:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- PDF pages -------------------------------------------------------------------------------

# Chromium's Page.printToPDF (DevTools protocol): the page size comes from the @page rule kaleido
# writes (the figure's size); margins in inches.
PRINT_TO_PDF = {"printBackground": True, "preferCSSPageSize": True, "pageRanges": "1",
                "marginTop": 0, "marginBottom": 0, "marginLeft": 0, "marginRight": 0}


async def _print_pdf(tab: Any) -> str:
    """The page of ``tab`` printed to PDF (base64), edge to edge."""
    response = await tab.send_command("Page.printToPDF", params=dict(PRINT_TO_PDF))
    if "error" in response:
        raise FigureExportError(f"Chromium could not print the figure to PDF: {response['error']}")
    return response["result"]["data"]


def print_without_margins() -> bool:
    """Make kaleido print PDF pages without margins (module docstring); False (and kaleido's own
    printing kept) when this kaleido has no separate print step to replace."""
    try:
        from kaleido._kaleido_tab import _devtools_utils as devtools
    except ImportError:
        devtools = None
    if devtools is None or not callable(getattr(devtools, "print_pdf", None)):
        logger.warning("this kaleido has no print_pdf step: PDF figures may lose their bottom edge")
        return False
    devtools.print_pdf = _print_pdf
    return True


# --- determinism -----------------------------------------------------------------------------

_SVG_UID = re.compile(rb'id="(?:clip|defs-|topdefs-)([0-9a-f]{6})')
_PDF_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")


def stable_svg(data: bytes) -> bytes:
    """Replace plotly.js's random per-figure id (in clip-path ids and their references)."""
    match = _SVG_UID.search(data)
    return data.replace(match.group(1), b"000000") if match else data


def stable_pdf(data: bytes) -> bytes:
    """Blank the creation/modification dates with same-length text (offsets stay valid)."""

    def blank(m: re.Match[bytes]) -> bytes:
        head = b"/" + m.group(1) + b" (D:"
        return head + b"0" * (len(m.group(0)) - len(head) - 1) + b")"

    return _PDF_DATES.sub(blank, data)


# --- HTML --------------------------------------------------------------------------------------


def write_plotlyjs(out_dir: Path) -> Path:
    """``plotly.min.js`` of the installed plotly, next to the HTML files (rewritten only if it differs)."""
    from plotly.offline import get_plotlyjs

    path = out_dir / PLOTLY_JS_NAME
    data = get_plotlyjs().encode("utf-8")
    if not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
        io.write_bytes(path, data)
    else:
        io.claim(path)  # kept as is, but this stage still makes it (the output manifest says so)
    return path


def figure_html(fig: go.Figure, name: str, plotlyjs: str = "shared") -> str:
    """Interactive HTML of ``fig``; ``plotlyjs``: ``"shared"`` (``plotly.min.js`` next to the
    file) or ``"inline"`` (embedded, a standalone file of ~4.5 MB)."""
    if plotlyjs not in {"shared", "inline"}:
        raise ValueError(f"plotlyjs must be 'shared' or 'inline', got {plotlyjs!r}")
    return fig.to_html(
        include_plotlyjs=PLOTLY_JS_NAME if plotlyjs == "shared" else True,
        full_html=True,
        div_id=f"surveykit-{name}",
        config={"displaylogo": False, "responsive": False,
                "toImageButtonOptions": {"format": "svg", "filename": name}},
    )


# --- export ------------------------------------------------------------------------------------


@dataclass
class ExportReport:
    """What :func:`export_figures` wrote."""

    out_dir: Path
    files: dict[str, list[Path]] = field(default_factory=dict)
    formats: tuple[str, ...] = FORMATS
    browser: str | None = None
    html_only: bool = False
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    browser_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.html_only

    def paths(self, fmt: str) -> list[Path]:
        """All written files of one format."""
        return [p for files in self.files.values() for p in files if p.suffix == f".{fmt}"]

    def summary(self) -> str:
        written = sum(len(v) for v in self.files.values())
        text = f"{written} file(s) for {len(self.files)} figure(s) in {self.out_dir} ({self.seconds:.1f} s)"
        if self.message:
            text += f"\n{self.message}"
        for name, error in self.errors.items():
            text += f"\n{name}: {error}"
        return text


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.lower().lstrip(".") for f in formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown figure format(s) {', '.join(unknown)}; use {', '.join(FORMATS)}")
    return formats


def export_figures(
    figures: Mapping[str, go.Figure],
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = FORMATS,
    sizes: Mapping[str, tuple[int, int]] | None = None,
    png_dpi: float = DEFAULT_PNG_DPI,
    session: BrowserSession | None = None,
    browser_path: str | None = None,
    plotlyjs: str = "shared",
    strict: bool = True,
) -> ExportReport:
    """Write each figure as ``<out_dir>/<name>.<fmt>`` for every format, atomically.

    Static formats come from one browser session (``session``, kept open, or a new one closed at
    the end). ``sizes`` overrides a figure's ``(width, height)`` in CSS pixels (96 per inch);
    PNG is rendered at ``png_dpi``. Without a browser: HTML only, a :class:`BrowserNotFoundWarning`
    and the reason in ``report.message``. With ``strict``, a figure that fails to render raises
    :class:`FigureExportError` after all the others are written.
    """
    start = time.perf_counter()
    formats = _check_formats(formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = ExportReport(out_dir=out, formats=formats)
    for name in figures:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
            raise ValueError(f"figure name {name!r} is not a safe file name (letters, digits, _ . -)")
        report.files[name] = []

    if "html" in formats:
        if plotlyjs == "shared":
            write_plotlyjs(out)
        for name, fig in figures.items():
            report.files[name].append(io.write_text(out / f"{name}.html", figure_html(fig, name, plotlyjs)))

    static = [f for f in formats if f in STATIC_FORMATS]
    if static and figures:
        owned = None
        try:
            if session is None:
                owned = session = BrowserSession(browser_path)
            session.open()
            report.browser = session.browser_path
            report.browser_seconds = session.started_seconds
        except Exception as exc:
            if owned is not None:
                owned.close()
            reason = str(exc) if isinstance(exc, FileNotFoundError) else (
                f"the browser {getattr(session, 'browser_path', None) or ''} did not start "
                f"({type(exc).__name__}: {exc}); {NO_BROWSER_HINT}"
            )
            report.html_only = True
            report.message = (f"Static figures ({', '.join(static)}) were NOT written: {reason}. "
                              "Wrote HTML only.")
            warnings.warn(report.message, BrowserNotFoundWarning, stacklevel=2)
            logger.warning(report.message)
            session = None
        if session is not None:
            try:
                _render_all(session, figures, static, sizes or {}, png_dpi, out, report)
            finally:
                if owned is not None:
                    owned.close()
    report.seconds = time.perf_counter() - start
    if strict and report.errors:
        raise FigureExportError(report.summary())
    return report


def _render_all(session: BrowserSession, figures: Mapping[str, go.Figure], static: list[str],
                sizes: Mapping[str, tuple[int, int]], png_dpi: float, out: Path,
                report: ExportReport) -> None:
    for name, fig in figures.items():
        width, height = sizes.get(name, (fig.layout.width, fig.layout.height))
        spec = static_spec(fig)  # serialise once for the three formats
        for fmt in static:
            scale = png_dpi / PX_PER_INCH if fmt == "png" else 1.0
            try:
                data = _render_twice(session, spec, fmt, width, height, scale, name)
            except Exception as exc:
                report.errors[name] = f"{fmt}: {type(exc).__name__}: {exc}"
                logger.error("figure %s (%s) failed: %s", name, fmt, exc)
                break
            report.files[name].append(io.write_bytes(out / f"{name}.{fmt}", data))


HOVER_ONLY = ("text", "hovertext", "customdata", "hovertemplate")


def static_spec(fig: go.Figure) -> dict[str, Any]:
    """The figure as the browser renders it to a file: without what only hovering shows (the
    titles of a 5,000-point map are most of its 0.8 MB message to the browser)."""
    spec = fig.to_dict()
    for trace in spec.get("data", []):
        if trace.get("mode") == "markers":  # text is drawn only with a "text" mode
            for key in HOVER_ONLY:
                trace.pop(key, None)
    return spec


def _render_twice(session: BrowserSession, spec: dict[str, Any], fmt: str, width: int | None,
                  height: int | None, scale: float, name: str) -> bytes:
    """Render; a failure restarts the browser and tries once more (a big message can reach
    Chromium cut short, which then never answers)."""
    try:
        return session.render(spec, fmt, width, height, scale)
    except Exception as exc:
        logger.warning("figure %s (%s) failed (%s: %s); restarting the browser and trying again",
                       name, fmt, type(exc).__name__, exc)
        session.close()
        return session.render(spec, fmt, width, height, scale)
