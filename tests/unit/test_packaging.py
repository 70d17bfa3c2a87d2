"""Every Python package under tracker/ is listed for the wheel."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "tracker").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
    assert "tracker.resources" in listed


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_resource_folder_is_a_declared_package():
    """setuptools warns that it "would ignore" a data folder that is not a package, and
    says a future version will leave it out of the wheel."""
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    folders = {".".join(("tracker", "resources", *d.relative_to(ROOT / "resources").parts))
               for d in (ROOT / "resources").rglob("*") if d.is_dir()
               and d.name != "__pycache__" and any(f.is_file() for f in d.iterdir())}
    assert folders <= listed, sorted(folders - listed)


def test_runtime_dependencies_have_upper_bounds():
    for dep in _pyproject()["project"]["dependencies"]:
        if dep.startswith("PySide6-Essentials") and "3.12" in dep and ">=" in dep.split(";")[1]:
            continue  # 3.12+: immortal None/True, no known breaking 6.12 (see the comment)
        assert "<" in dep.split(";")[0], dep


def test_the_qt_binding_stays_below_6_12_before_python_3_12():
    deps = _pyproject()["project"]["dependencies"]
    assert "PySide6-Essentials>=6.6,<6.12; python_version < '3.12'" in deps


def test_gui_and_console_entry_points():
    project = _pyproject()["project"]
    assert project["scripts"]["mlops-tracker"] == "tracker.cli:main"
    assert project["gui-scripts"]["mlops-tracker-gui"] == "tracker.cli:main"


def test_the_bundle_spec_lists_every_command():
    """A frozen app only has the command modules its spec names (they are imported by
    name, which PyInstaller cannot follow)."""
    import ast
    import pkgutil

    import tracker.commands
    from tracker.cli import COMMAND_MODULES

    tree = ast.parse((ROOT / "packaging" / "mlops-tracker.spec").read_text())
    listed = next(ast.literal_eval(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Assign)
                  and any(getattr(t, "id", None) == "COMMANDS" for t in node.targets))
    found = {f"tracker.commands.{m.name}" for m in pkgutil.iter_modules(tracker.commands.__path__)
             if not m.name.startswith("_")}
    assert set(listed) == found == {f"tracker.commands.{n}" for n in COMMAND_MODULES}


def test_make_test_does_not_build_the_bundle():
    makefile = (ROOT / "Makefile").read_text()
    test_rule = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "bundle" not in test_rule and "PyInstaller" not in test_rule
