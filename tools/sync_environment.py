"""Write environment.yml from requirements.lock, so conda users get the pip-tested set.

conda channels are not reachable where dxecon is built and tested, so every package sits
under ``pip:`` with the exact pin of the lock; tests/test_environment.py fails if the two
files drift apart. Run after changing requirements.lock:

    .venv/bin/python tools/sync_environment.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = "3.11"


def locked_requirements(lock: Path = ROOT / "requirements.lock") -> list[str]:
    lines = lock.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def render(requirements: list[str]) -> str:
    pins = "\n".join(f"      - {req}" for req in requirements)
    return (
        "# Generated from requirements.lock by tools/sync_environment.py: do not edit by hand.\n"
        "# Same packages, same versions as the pip path that CI tests (./dx test).\n"
        "#   conda env create -f environment.yml && conda activate dxecon\n"
        "name: dxecon\n"
        "channels:\n"
        "  - conda-forge\n"
        "dependencies:\n"
        f"  - python={PYTHON}\n"
        "  - pip\n"
        "  - pip:\n"
        f"{pins}\n"
        "      - -e .\n"
    )


def main() -> int:
    target = ROOT / "environment.yml"
    target.write_text(render(locked_requirements()), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
