"""The mypy gate (.ci/mypy_gate.py) that `make check` runs: no error outside the GUI modules,
and in those no more than the baseline counts. mypy's output is faked here; the gate's own
run is `make check`."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gate(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("mypy_gate", ROOT / ".ci" / "mypy_gate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    baseline = tmp_path / "baseline.txt"
    baseline.write_text("# comment\ntracker/ui/a.py union-attr 2\n")
    monkeypatch.setattr(module, "BASELINE", baseline)

    def fake(lines):
        report = "\n".join(lines) + f"\nFound {len(lines)} errors in 1 file\n"
        counts: Counter = Counter()
        for line in lines:
            m = module.ERROR.match(line)
            counts[(m["path"], m["code"])] += 1
        monkeypatch.setattr(module, "run_mypy", lambda args: (counts, report))

    module.fake = fake
    return module


UI = "tracker/ui/a.py:{}: error: Item None has no attribute x  [union-attr]"


def test_errors_within_the_baseline_pass(gate, capsys):
    gate.fake([UI.format(1), UI.format(9)])
    assert gate.main([]) == 0
    assert "no new errors" in capsys.readouterr().out


def test_one_more_error_in_a_gui_file_fails(gate, capsys):
    gate.fake([UI.format(1), UI.format(2), UI.format(3)])
    assert gate.main([]) == 1
    assert "tracker/ui/a.py has 3 [union-attr] errors, the baseline allows 2" in \
        capsys.readouterr().out


def test_any_error_outside_the_gui_fails_whatever_the_baseline(gate, capsys):
    gate.fake(["tracker/db/store.py:5: error: Incompatible types in assignment  [assignment]"])
    assert gate.main([]) == 1
    assert "tracker/db/store.py" in capsys.readouterr().out


def test_update_rewrites_the_baseline_with_the_current_counts(gate):
    gate.fake([UI.format(1)])
    assert gate.main(["--update"]) == 0
    assert gate.read_baseline() == Counter({("tracker/ui/a.py", "union-attr"): 1})


def test_the_shipped_baseline_lists_only_gui_modules(gate):
    gate.BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
    entries = gate.read_baseline()
    assert entries and all(path.startswith(gate.GUI) for path, _ in entries)
