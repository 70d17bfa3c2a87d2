# Two commands on a fresh machine: `make run` and `make test` (`make check` for the static
# gates, `make coverage` for the coverage figure in the README).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test check coverage bench bundle man clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

run: $(STAMP)
	$(PY) -m tracker

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# Static gates (CI runs them before the tests; settings in pyproject.toml): ruff, mypy with
# the GUI baseline (.ci/mypy_gate.py), and the import-linter contracts.
check: $(STAMP)
	$(PY) -m ruff check --no-cache tracker tests
	$(PY) .ci/mypy_gate.py
	$(VENV)/bin/lint-imports --no-cache

# The suite under coverage.py: CLI and GUI subprocesses and Python threads included
# ([tool.coverage] in pyproject.toml). Code run on QThreadPool workers is not measured
# (native Qt threads never get coverage's tracer).
coverage: $(STAMP)
	rm -f .coverage .coverage.*
	QT_QPA_PLATFORM=offscreen $(PY) -m coverage run -m pytest $(PYTEST_ARGS)
	$(PY) -m coverage combine --quiet
	$(PY) -m coverage report --skip-covered --sort=cover

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tracker bench

# A one-folder app in dist/mlops-tracker/ (PyInstaller, packaging/mlops-tracker.spec), then
# the smoke checks. Not part of `make test`: it takes a minute or more and needs PyInstaller.
bundle: $(STAMP)
	$(PY) -m PyInstaller --version >/dev/null 2>&1 || \
		$(PY) -m pip install --quiet --disable-pip-version-check 'pyinstaller>=6,<7'
	$(PY) -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/mlops-tracker.spec
	$(PY) packaging/smoke_bundle.py dist/mlops-tracker/mlops-tracker

# The man page, generated from the argument parser (install-desktop installs it too).
man: $(STAMP)
	@mkdir -p build
	$(PY) -c "from tracker import __version__, cli, shell; \
		print(shell.man_page(cli.build_parser(), __version__), end='')" > build/mlops-tracker.1
	@echo "build/mlops-tracker.1 (read it with: man -l build/mlops-tracker.1)"

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .grimp_cache \
		.import_linter_cache .coverage .coverage.* htmlcov
