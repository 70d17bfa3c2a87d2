"""Issue 14, mentor: the review window's tree shows whole milestone titles at 1024 and 1240 px
(two columns: the Skills detail lives in the mentor's panel, rows wrap), and review mode
shows no editing control at all (not controls that answer with a warning)."""

from __future__ import annotations

import html

import pytest
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QContextMenuEvent, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QTextEdit,
)

from tracker.db.types import CertificationInput
from tracker.exchange.progress import export_progress, read_progress_file
from tracker.ui.models.skill_tree import LEVEL_COL, MILESTONE, TITLE_COL, KindRole
from tracker.ui.review.review_window import ReviewWindow
from tracker.ui.widgets import LinkButton

WAIT = 20_000


@pytest.fixture
def progress_file(store, tmp_path):
    """Sam's export: 40 milestones done, a note and evidence, a certification, sessions."""
    store.set_profile(name="Sam", target_level="mlops")
    ids = [m.id for m in store.curriculum().milestones]
    store.set_states({m: "done" for m in ids[:40]})
    store.set_note(ids[0], "built it at work")
    store.add_evidence(ids[0], "https://example.com/repo")
    store.add_certification(CertificationInput("CKA", "CNCF", "2024-01-10"))
    store.add_study_session(45, "2024-05-01", None, "docker")
    store.add_study_session(30, "2024-05-02", None, "k8s")
    path = tmp_path / "sam.mlops-progress.json"
    export_progress(store, path)
    return path, ids


def open_window(qtbot, store, path, size: tuple[int, int]) -> ReviewWindow:
    rw = ReviewWindow(read_progress_file(path), settings_folder=store.folder, path=path,
                      reviewer="Mo")
    qtbot.addWidget(rw)
    rw.resize(*size)
    rw.show()
    qtbot.waitExposed(rw)
    return rw


def milestone_rows(tree) -> list[QModelIndex]:
    """Title cells of the milestone rows the viewport shows whole."""
    out, model = [], tree.model()
    port = tree.viewport().rect()

    def walk(parent: QModelIndex) -> None:
        for r in range(model.rowCount(parent)):
            ix = model.index(r, TITLE_COL, parent)
            if ix.data(KindRole) == MILESTONE:
                if port.contains(tree.visualRect(ix)):
                    out.append(ix)
            elif tree.isExpanded(ix):
                walk(ix)

    walk(QModelIndex())
    return out


def lines_needed(tree, ix: QModelIndex, col: int = TITLE_COL) -> tuple[int, int]:
    """(height the cell's whole text needs when wrapped in the room the style gives the text,
    height the view gave the row), measured with QFontMetrics, not with the delegate."""
    cell = tree.visualRect(ix.siblingAtColumn(col))
    style = tree.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1
    room = cell.width() - 2 * margin
    if col == TITLE_COL:  # the state circle and its margins
        room -= tree.iconSize().width() + 2 * margin
    text = ix.siblingAtColumn(col).data()
    need = QFontMetrics(tree.font()).boundingRect(
        QRect(0, 0, room, 100_000), Qt.TextFlag.TextWordWrap, text).height()
    return need, cell.height()


@pytest.mark.parametrize("size", [(1024, 700), (1240, 800)])
def test_the_tree_shows_whole_titles_beside_the_mentor_panel(qtbot, store, progress_file,
                                                            size):
    path, ids = progress_file
    rw = open_window(qtbot, store, path, size)
    skills = rw.show_page("skills")
    skills.open_item(ids[3])
    tree = skills.tree
    # Two columns: the detail pane is in the mentor's panel, not beside the tree.
    assert rw.panel.isAncestorOf(skills.detail_scroll)
    assert not skills.isAncestorOf(skills.detail_scroll)
    assert skills.detail_title.isVisibleTo(rw)
    assert tree.width() >= 0.4 * rw.width()
    # the filter box keeps room for a search ("ernetes" at 1024 px before)
    box = skills.filter_edit
    assert box.width() >= box.fontMetrics().horizontalAdvance("kubernetes rollout") + 12
    qtbot.waitUntil(lambda: len(milestone_rows(tree)) >= 4, timeout=WAIT)
    rows = milestone_rows(tree)
    fm = QFontMetrics(tree.font())
    longer = 0
    for ix in rows:
        title = ix.data()
        longer += fm.horizontalAdvance(title) > tree.columnWidth(TITLE_COL)
        need, got = lines_needed(tree, ix)
        assert need <= got, f"{title!r} needs {need} px, has {got} at {size}"
        need, got = lines_needed(tree, ix, LEVEL_COL)
        assert need <= got, f"level of {title!r} cut at {size}"
        assert html.escape(title) in ix.data(Qt.ItemDataRole.ToolTipRole)  # and in the tip
    assert longer >= 3  # the titles are longer than one line here: they wrap, whole


def test_rows_are_laid_out_again_when_the_window_widens(qtbot, store, progress_file):
    path, ids = progress_file
    rw = open_window(qtbot, store, path, (1024, 700))
    skills = rw.show_page("skills")
    skills.open_item(ids[0])
    tree = skills.tree
    ix = tree.currentIndex().siblingAtColumn(TITLE_COL)
    narrow = tree.visualRect(ix).height()
    rw.resize(1600, 900)
    qtbot.waitUntil(lambda: tree.visualRect(ix).height() < narrow, timeout=WAIT)
    need, got = lines_needed(tree, ix)
    assert need <= got


EDITORS = (QAbstractButton, QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox)


def editing_controls(rw, page) -> list[str]:
    """Visible, enabled controls on ``page`` that could change the learner's data. Allowed:
    links (they navigate), the Skills filters and the Study log's paging (they only show),
    read-only text boxes."""
    allowed = {id(w) for w in (getattr(page, "filter_edit", None),
                                getattr(page, "level_filter", None),
                                getattr(page, "state_filter", None),
                                getattr(page, "review_filter", None),
                                getattr(page, "newer_button", None),
                                getattr(page, "older_button", None)) if w is not None}
    found = []
    for kind in EDITORS:
        for w in page.findChildren(kind):
            if not w.isVisibleTo(rw) or not w.isEnabled() or id(w) in allowed:
                continue
            if isinstance(w, LinkButton) or getattr(w, "isReadOnly", lambda: False)():
                continue
            if isinstance(w, QLineEdit) and isinstance(w.parent(), QComboBox) and \
                    id(w.parent()) in allowed:
                continue
            if isinstance(w, QAbstractButton) and w.parent() is not None and \
                    type(w).__name__ == "QAbstractButton":
                continue  # a table's corner button (select all): no change
            found.append(f"{type(w).__name__} {w.accessibleName() or getattr(w, 'text', str)()}")
    return found


def test_review_mode_shows_no_editing_control_on_any_page(qtbot, store, progress_file):
    path, ids = progress_file
    rw = open_window(qtbot, store, path, (1024, 700))
    for key in ("dashboard", "skills", "levels", "certifications", "study"):
        page = rw.show_page(key)
        if key == "skills":
            page.open_item(ids[0])  # the milestone with a note and evidence
            assert page.note_edit.isReadOnly()
            assert page.note_edit.toPlainText() == "built it at work"
            assert page.evidence_list.count() == 1
        if key in ("certifications", "study"):
            page.table.selectRow(0)
        assert page.read_only
        assert editing_controls(rw, page) == [], key
    assert not rw.profile_action.isVisible()


def test_keys_clicks_and_menus_change_nothing_and_warn_about_nothing(qtbot, store,
                                                                    progress_file):
    path, ids = progress_file
    rw = open_window(qtbot, store, path, (1024, 700))
    skills = rw.show_page("skills")
    skills.open_item(ids[50])
    tree = skills.tree
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    # the context menu (a real context-menu event) offers no "Mark as"
    rect = tree.visualRect(tree.currentIndex())
    QApplication.sendEvent(tree.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, rect.center(), tree.viewport().mapToGlobal(
            rect.center())))
    menu = skills._menu
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    menu.close()
    assert texts == ["Expand all", "Collapse all"]
    assert "Space" not in (tree.currentIndex().siblingAtColumn(2).data(
        Qt.ItemDataRole.ToolTipRole) or "")
    skills.open_item(ids[0])
    qtbot.keyClick(skills.evidence_list, Qt.Key.Key_Delete)
    assert skills.evidence_list.count() == 1

    certs = rw.show_page("certifications")
    view = certs.table
    view.selectRow(0)
    center = view.visualRect(view.model().index(0, 0)).center()
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert certs.dialog is None  # no edit dialog opens
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert view.model().rowCount() == 1

    study = rw.show_page("study")
    study.table.selectRow(0)
    qtbot.keyClick(study.table, Qt.Key.Key_Delete)
    assert study.table.model().rowCount() == 2

    assert rw.last_error_box is None  # nothing answered with a warning
    assert rw.ctx.undo_stack.count() == 0
    assert rw.ctx.store.states().get(ids[50], "todo") == "todo"
    assert len(rw.ctx.store.certifications()) == 1


def test_the_learners_own_window_keeps_its_editing_controls(qtbot, window):
    """set_read_only is for review mode only: the main window's pages keep every control."""
    skills = window.show_page("skills")
    certs = window.show_page("certifications")
    study = window.show_page("study")
    assert not (skills.read_only or certs.read_only or study.read_only)
    assert not skills.state_combo.isHidden() and not skills.evidence_add.isHidden()
    assert not certs.add_button.isHidden() and not study.form_card.isHidden()
    assert not window.ctx.read_only


def test_set_read_only_false_gives_the_controls_back(qtbot, store, progress_file):
    path, _ = progress_file
    rw = open_window(qtbot, store, path, (1024, 700))
    certs = rw.show_page("certifications")
    assert certs.add_button.isHidden()
    certs.set_read_only(False)
    assert not certs.add_button.isHidden() and not certs.read_only
