"""Fixtures shared by the widget tests: a fresh Store on the shipped curriculum and a main
window on it (welcome skipped), whose extra windows are closed at teardown."""

from __future__ import annotations

import pytest

from tracker.db.store import Store

WAIT = 20_000


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "d")
    yield s
    s.close()


def shown(qtbot, ctx, page, size: tuple[int, int]):
    """``page`` as the main window uses it: told of every change, shown, exposed."""
    ctx.changed.connect(page.on_changed)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def ctx(store):
    """An app context on the fresh store, as the main window makes one."""
    from tracker.ui.context import AppContext

    return AppContext(store)


@pytest.fixture
def window(qtbot, store):
    from tracker.ui.cohort import CohortWindow
    from tracker.ui.mainwindow import MainWindow

    win = MainWindow(store, welcome=False)
    qtbot.addWidget(win)
    yield win
    for w in list(win.exchange_actions.windows):
        if isinstance(w, CohortWindow):
            w.cancel_load()
            qtbot.waitUntil(lambda w=w: not w.loading, timeout=WAIT)
        w._discard_ok = True
        w.close()
