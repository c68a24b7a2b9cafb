"""Print the report to an A4 PDF with Debian's headless Chromium (page numbers come from
the template's ``@page`` margin box)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from dxecon.core.errors import DxeconError

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, off the network, quiet in a container (root needs --no-sandbox).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


def chromium() -> Path:
    found = CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium")
    if not found:
        raise DxeconError(
            "--pdf needs Debian's Chromium (/usr/bin/chromium): apt-get install chromium; "
            "the HTML report and tables.xlsx were written"
        )
    return Path(found)


def print_pdf(html: Path, target: Path, *, timeout: float = 120.0) -> Path:
    """Render ``html`` to ``target`` (written atomically)."""
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}.pdf")
    with tempfile.TemporaryDirectory(prefix="dxecon-chromium-") as profile:
        command = [str(chromium()), *FLAGS, f"--user-data-dir={profile}"]
        command += [f"--print-to-pdf={tmp}", html.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise DxeconError(f"Chromium could not print {html} to PDF: {last}")
    os.replace(tmp, target)
    return target
