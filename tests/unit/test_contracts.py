"""Project-wide rules, checked by tools: the Qt-free core (import-linter), no unsafe
evaluation anywhere, and the CLI importing no Qt."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold():
    exe = Path(sys.executable).parent / "lint-imports"
    p = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    assert "The core is Qt-free KEPT" in p.stdout


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_every_top_level_module_is_a_layer():
    layers = _contracts()["Layers point down"]["layers"]
    named = {m.strip() for layer in layers for m in layer.split("|")}
    pkg = ROOT / "tracker"
    modules = {f"tracker.{p.stem}" for p in pkg.glob("*.py") if p.stem != "__init__"}
    modules |= {f"tracker.{p.parent.name}" for p in pkg.glob("*/__init__.py")}
    missing = sorted(modules - named)
    assert missing == [], (f"add {missing} to the layers in pyproject.toml "
                           "([tool.importlinter] 'Layers point down')")
    assert sorted(named - modules) == []


def test_the_qt_free_contract_counts_indirect_imports():
    qt_free = _contracts()["The core is Qt-free"]
    assert qt_free["allow_indirect_imports"] is False
    assert {"tracker.curriculum", "tracker.readiness", "tracker.exchange",
            "tracker.db"} <= set(qt_free["source_modules"])


def test_core_modules_do_not_import_pyside6_in_a_fresh_interpreter():
    code = ("import sys, tracker.curriculum, tracker.readiness, tracker.db.store, "
            "tracker.exchange.openbadges, tracker.status, tracker.cli; "
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_cli_status_imports_no_qt_and_no_alembic_when_schema_is_current(tmp_path):
    code = ("import sys; from tracker.cli import main; main(['--data-dir', sys.argv[1], "
            "'status', '--json']); main(['--data-dir', sys.argv[1], 'status', '--json']); "
            "sys.stderr.write(repr(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'PySide6', 'alembic'})))")
    first = subprocess.run([sys.executable, "-c", code, str(tmp_path / "d")], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert "PySide6" not in first.stderr
    code2 = code.replace("main(['--data-dir', sys.argv[1], 'status', '--json']); ", "", 1)
    second = subprocess.run([sys.executable, "-c", code2, str(tmp_path / "d")], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert second.stderr.strip().endswith("[]"), second.stderr


def test_no_eval_exec_pickle_or_yaml_load():
    pattern = re.compile(r"\b(eval|exec)\s*\(|\bimport\s+pickle\b|\bpickle\.|\byaml\.load\b|"
                         r"\bmarshal\.loads\b|\bshelve\b")
    offenders = []
    for path in (ROOT / "tracker").rglob("*.py"):
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if pattern.search(code) and ".exec(" not in code and "exec_driver_sql" not in code:
                offenders.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()}")
    assert offenders == []
