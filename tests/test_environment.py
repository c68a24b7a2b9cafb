"""The pip lock and environment.yml describe the same environment; the CI wiring is honest."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml

from dxecon.core import folders

ROOT = folders.PROJECT_ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def lock_pins() -> dict[str, str]:
    lines = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    pins = {}
    for line in lines:
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"requirements.lock: {line!r} is not an exact pin"
            pins[_name(line)] = line.split("==", 1)[1]
    return pins


def test_environment_yml_pins_exactly_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    env_pins = {_name(r): r.split("==", 1)[1] for r in pip_section if "==" in r}
    assert env_pins == lock_pins(), "run tools/sync_environment.py after changing the lock"
    assert "-e ." in pip_section


def test_python_version_agrees():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11" and python == "python=3.11"


def test_every_declared_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    missing = sorted({_name(d) for d in declared} - set(lock_pins()))
    assert not missing, f"declared in pyproject.toml but not pinned in requirements.lock: {missing}"


def imported_packages(root=ROOT / "src") -> dict[str, set[str]]:
    """Top-level names of the third-party packages imported anywhere under ``root`` (at the
    top of a module or inside a function), each with the files importing it."""
    import ast

    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top != "dxecon":
                    found.setdefault(top, set()).add(str(path.relative_to(root)))
    return found


def test_imported_packages_are_found_with_their_files(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(
        "import os, yaml\nfrom . import b\nfrom dxecon.core.errors import ParamsError\n"
        "def f():\n    from sklearn.linear_model import Ridge\n    import numpy.linalg\n",
        encoding="utf-8",
    )
    assert imported_packages(tmp_path) == {
        "yaml": {"pkg/a.py"},
        "sklearn": {"pkg/a.py"},
        "numpy": {"pkg/a.py"},
    }


def test_every_imported_package_is_declared():
    """Each package src/ imports is a declared dependency (or of an extra), by its
    distribution's name (``yaml`` is PyYAML): the next undeclared import fails here."""
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(d) for d in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        declared |= {_name(d) for d in extra}
    distributions = packages_distributions()
    undeclared = {}
    for module, files in imported_packages().items():
        names = {_name(d) for d in distributions.get(module, [module])}
        if not names & declared:
            undeclared[module] = (sorted(names), sorted(files))
    assert not undeclared, (
        f"imported but not declared in pyproject.toml (import: (distribution, files)): "
        f"{undeclared}; declare them, pin them in requirements.lock and run "
        "tools/sync_environment.py"
    )


def test_installed_versions_match_the_lock():
    from importlib.metadata import version

    for name in ("pandas", "numpy", "statsmodels", "matplotlib", "papermill", "nbval"):
        assert version(name) == lock_pins()[name], f"{name} is not the locked version"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"^\s*(\./dx \w+)\s*$", readme, flags=re.MULTILINE)
    assert commands[:2] == ["./dx main", "./dx test"], commands
    ci_commands = [line.strip() for line in ci.splitlines() if line.strip().startswith("./")]
    assert ci_commands == ["./dx test"]


def test_import_dxecon_is_light():
    code = (
        "import sys, dxecon; "
        "heavy = [m for m in ('statsmodels', 'matplotlib', 'pandas', 'scipy') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_data_layer_does_not_import_statsmodels_or_matplotlib():
    code = (
        "import sys; from dxecon.data import load_dataset; "
        "from dxecon.data.targets import load_targets;"
        "load_targets().scoring_set();"
        "print(','.join(m for m in ('statsmodels', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
