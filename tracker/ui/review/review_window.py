"""Review mode: a learner's progress file in the app's own pages, read-only, for a mentor.

:class:`ReviewWindow` is the main window shell (``MainWindow``: sidebar, lazily built pages,
Edit > Undo/Redo, themes) run on a :class:`FileStore` with ``ctx.read_only`` set, so every
page is reused and built read-only (``Page.set_read_only``): it shows the learner's data and
offers no control that would change it (the FileStore refuses any write that still came).
Two columns: the Skills tree, whose rows wrap so whole titles show at 1024 px, and the
mentor's panel, which holds the Skills page's detail pane. Around them:

- a banner: whose progress, when it was exported, integrity (a modified file is a warning)
  and how the file's curriculum differs from the local one;
- a "Mentor review" panel (dock): mark the milestone selected on the Skills page verified or
  needs-work with a comment. Verdicts live in memory as undoable commands on the window's
  undo stack and show in the Skills tree, its detail pane and the Levels gaps (the FileStore
  serves them through ``reviews()``). The panel always shows the Skills tree's *current*
  milestone (the verdict list moves the tree, it never drives the panel by itself). A comment
  typed but not yet given with a verdict is kept as a draft per milestone until the review is
  exported or the mentor agrees to discard it on closing. Review > Verified / Needs Work /
  Remove Verdict (Ctrl+Return, Ctrl+Shift+Return, Ctrl+Shift+Backspace) record the verdict
  and move to the next milestone the Skills filters show;
- File > Export Review File… writes ``*.mlops-review.json`` (atomically, in a worker);
  File > Compare with an Earlier File… shows what changed between two exports.

Every string from the file is shown as plain text. GUI thread only; file reads and writes run
in workers through ``ctx.run_in_worker``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker import APP_NAME
from tracker import readiness as rd
from tracker.db.errors import TrackerError
from tracker.db.types import Review
from tracker.exchange.progress import ProgressReading
from tracker.ui import theme
from tracker.ui.context import Kinds
from tracker.ui.exchange_actions import (
    HTML_FILTER,
    PDF_FILTER,
    PROGRESS_FILTER,
    checked_output,
    last_folder,
    message,
    one_line,
    plural,
    remember_folder,
    report_format,
    with_suffix,
    write_report,
)
from tracker.ui.mainwindow import MainWindow
from tracker.ui.models.skill_tree import (
    LEVEL_COL,
    MILESTONE,
    STATE_COL,
    TITLE_COL,
    IdRole,
    KindRole,
)
from tracker.ui.review.file_store import FileStore, review_items
from tracker.ui.widgets import clip, heading, label, tip
from tracker.ui.widgets.wrap_delegate import wrap_column

VERDICTS = {"verified": "Verified", "needs-work": "Needs work"}
STATE_WORDS = {rd.DONE: "done", rd.LEARNING: "learning", rd.TODO: "to do"}
REVIEW_SUFFIX = ".mlops-review.json"
REVIEW_FILTER = "MLOps review files (*.mlops-review.json);;All files (*)"
# Review menu: (verdict or None to remove, menu text, shortcuts). None of these is a standard
# editing key, so they also work while the comment box or the filter box has the focus.
VERDICT_KEYS = (
    ("verified", "&Verified, Then Next", ("Ctrl+Return", "Ctrl+Enter")),
    ("needs-work", "&Needs Work, Then Next", ("Ctrl+Shift+Return", "Ctrl+Shift+Enter")),
    (None, "&Remove Verdict, Then Next", ("Ctrl+Shift+Backspace",)),
)


def _when(ts: str) -> str:
    """``2024-05-01T10:20:30.123Z`` -> ``2024-05-01 10:20 UTC`` (offsets kept as given)."""
    if len(ts) < 16:
        return ts
    zone = "UTC" if ts.endswith("Z") else ts[19:].lstrip(".0123456789")
    return f"{ts[:10]} {ts[11:16]} {zone}".strip()


# ---------------------------------------------------------------------------- undo
class SetVerdict(QUndoCommand):
    """Set or remove the mentor's verdict on one milestone (in memory; one undo step).

    The comment draft the milestone had is given back on undo, so undoing a verdict does not
    lose the text that went into it."""

    def __init__(self, window: ReviewWindow, milestone: str, review: Review | None,
                 text: str):
        super().__init__(text)
        self.window = window
        self.milestone = milestone
        self.review = review
        self.before: Review | None = None
        self.draft = window.drafts.get(milestone)
        self._first = True

    def redo(self) -> None:
        before = self.window.file_store.set_verdict(self.milestone, self.review)
        if self._first:
            self.before, self._first = before, False
        self.window.settle_draft(self.milestone)
        self.window.ctx.notify(Kinds.REVIEWS, message=self.text())

    def undo(self) -> None:
        self.window.file_store.set_verdict(self.milestone, self.before)
        self.window.settle_draft(self.milestone, given_back=self.draft)
        self.window.ctx.notify(Kinds.REVIEWS, message="Undone: " + self.text())


# ---------------------------------------------------------------------------- banner
class ReviewBanner(QFrame):
    """Whose progress, when exported, integrity, curriculum differences (plain text)."""

    def __init__(self, reading: ProgressReading, local_curriculum: Any = None,
                 parent: QWidget | None = None, *, data_folder: Path | None = None):
        super().__init__(parent)
        self.setObjectName("reviewBanner")
        self._painting = True
        from tracker.exchange.known_pack import KnownPacks

        # The file's curriculum against the pack this computer knows under its id and
        # version (the shipped one, or the one installed in the data folder).
        self.curriculum_check = KnownPacks.for_reader(data_folder).check(reading.curriculum)
        self.curriculum_differs = self.curriculum_check.status == "differs"
        self.integrity_ok = reading.integrity == "ok"
        #: anything to warn about (the banner is tinted): modified, or another curriculum
        self.modified = not self.integrity_ok or self.curriculum_differs
        lay = QHBoxLayout(self)
        lay.setContentsMargins(theme.MARGIN, 10, theme.MARGIN, 10)
        lay.setSpacing(12)
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        std = QStyle.StandardPixmap.SP_MessageBoxWarning if self.modified else \
            QStyle.StandardPixmap.SP_FileDialogInfoView
        self.icon.setPixmap(self.style().standardIcon(std).pixmap(QSize(32, 32)))
        lay.addWidget(self.icon)
        col = QVBoxLayout()
        col.setSpacing(3)
        lay.addLayout(col, 1)

        doc = reading.document
        name = doc.learner.name or "(no name)"
        cur = reading.curriculum
        self.learner_label = label(f"Review of {name}", point_delta=3, bold=True,
                                   selectable=True)
        self.learner_label.setAccessibleName("Learner")
        target = cur.level_by_id.get(doc.learner.target_level or "")
        current = cur.level_by_id.get(reading.current_level or "")
        self.exported_label = label(
            f"Exported {_when(reading.exported_at)} · current level: "
            f"{current.title if current else 'none yet'} · target: "
            f"{target.title if target else 'not set'} · read-only", wrap=True, selectable=True)
        self.exported_label.setAccessibleName("Export")
        if reading.integrity != "ok":
            text = ("⚠ Integrity: modified (modified after export). This file was changed "
                    "after it was exported, so it may not be what the learner's app "
                    "recorded.")
        else:
            text = ("✓ Integrity: ok (unchanged since export; this does not show who wrote "
                    "it)")
        self.integrity_label = label(text, wrap=True, bold=self.modified)
        self.integrity_label.setAccessibleName("Integrity")
        self.curriculum_label = label(self.curriculum_text(reading, local_curriculum),
                                      wrap=True, selectable=True)
        self.curriculum_label.setAccessibleName("Curriculum")
        check = self.curriculum_check
        self.check_label = label(("⚠ Curriculum check: " if check.status != "known" else
                                  "✓ Curriculum check: ") + check.text(),
                                 wrap=True, selectable=True, bold=self.curriculum_differs)
        self.check_label.setAccessibleName("Curriculum check")
        for w in (self.learner_label, self.exported_label, self.integrity_label,
                  self.check_label, self.curriculum_label):
            col.addWidget(w)
        source = label(f"File: {reading.source}", role="muted", selectable=True)
        source.setToolTip(tip(reading.source))
        self.source_label = source
        col.addWidget(source)
        self._paint()
        self._painting = False

    @staticmethod
    def curriculum_text(reading: ProgressReading, local: Any) -> str:
        cur = reading.curriculum
        own = f"{cur.title or cur.id} {cur.version}".strip()
        parts = []
        if local is None:
            parts.append(f"Curriculum: {own} (embedded in the file)")
        else:
            from tracker.exchange.compare import curriculum_differences

            diff = curriculum_differences(cur, local)
            theirs = f"{diff['local']['id']} {diff['local']['version']}"
            mine = f"{diff['file']['id']} {diff['file']['version']}"
            if diff["same"] or (mine == theirs and not diff["only_in_file"]
                                and not diff["only_local"]):
                parts.append(f"Curriculum: {own}, the same version as yours")
            else:
                extra = []
                if diff["only_in_file"]:
                    extra.append(f"{plural(len(diff['only_in_file']), 'milestone')} only in "
                                 "the file")
                if diff["only_local"]:
                    extra.append(f"{plural(len(diff['only_local']), 'milestone')} only in "
                                 "yours")
                parts.append(f"Curriculum: the file uses {mine}, you use {theirs}"
                             + (f" ({', '.join(extra)})" if extra else
                                " (same milestones, different content)")
                             + ". Numbers are computed with the file's curriculum.")
        if reading.unknown_milestones:
            parts.append(f"{plural(len(reading.unknown_milestones), 'milestone id')} in the "
                         "file are not in its curriculum and were ignored.")
        return " ".join(parts)

    def _paint(self) -> None:
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Window)
        tint = theme.warning(pal) if self.modified else theme.accent(pal)
        mix = 0.16 if self.modified else 0.08
        bg = base.red() + (tint.red() - base.red()) * mix, \
            base.green() + (tint.green() - base.green()) * mix, \
            base.blue() + (tint.blue() - base.blue()) * mix
        self.setStyleSheet(
            f"QFrame#reviewBanner {{ background: rgb({int(bg[0])},{int(bg[1])},{int(bg[2])});"
            f" border-bottom: 1px solid {tint.name()}; }}"
            "QFrame#reviewBanner QLabel { background: transparent; }")
        bad = theme.warning(pal).name()
        good = theme.success(pal).name()
        self.integrity_label.setStyleSheet(
            f"color: {good if self.integrity_ok else bad};")
        self.check_label.setStyleSheet(
            f"color: {bad if self.curriculum_differs else good};"
            if self.curriculum_check.status != "unknown" else "")

    def changeEvent(self, ev) -> None:
        super().changeEvent(ev)
        # A theme switch: repaint the tint (setStyleSheet itself sends change events).
        if ev.type() == ev.Type.PaletteChange and hasattr(self, "integrity_label") \
                and not self._painting:
            self._painting = True
            try:
                self._paint()
            finally:
                self._painting = False


# ---------------------------------------------------------------------------- verdict panel
class VerdictPanel(QWidget):
    """The mentor's column: who reviews, the milestone under review (the Skills page's detail
    pane moves in here, see :meth:`set_detail`), the verdict on it, and this review's
    verdicts. Three parts in a vertical splitter, so the Skills tree keeps the window's width
    for itself (two columns, not three)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 8)
        lay.setSpacing(6)

        row = QHBoxLayout()
        who = label("Reviewer:")
        self.reviewer_edit = QLineEdit()
        self.reviewer_edit.setAccessibleName("Reviewer name")
        self.reviewer_edit.setPlaceholderText("Your name (goes in the review file)")
        self.reviewer_edit.setMaxLength(200)
        who.setBuddy(self.reviewer_edit)
        row.addWidget(who)
        row.addWidget(self.reviewer_edit, 1)
        lay.addLayout(row)

        # The milestone's details (the Skills page's detail pane, once that page exists).
        self.detail_box = QWidget()
        self.detail_box.setObjectName("reviewDetail")
        self.detail_layout = QVBoxLayout(self.detail_box)
        self.detail_layout.setContentsMargins(0, 0, 0, 0)
        self.detail_box.hide()
        self.detail: QWidget | None = None
        self._fitted = False  # the parts were sized once the panel was first shown

        # The verdict on it.
        verdict_box = QWidget()
        vlay = QVBoxLayout(verdict_box)
        vlay.setContentsMargins(0, 4, 0, 4)
        vlay.setSpacing(6)
        self.milestone_title = label("", wrap=True, bold=True, selectable=True)
        self.milestone_title.setAccessibleName("Milestone under review")
        self.milestone_meta = label("", role="muted", wrap=True)
        self.existing = label("", wrap=True)
        self.existing.setAccessibleName("Verdict")
        vlay.addWidget(self.milestone_title)
        vlay.addWidget(self.milestone_meta)
        vlay.addWidget(self.existing)

        self.comment_label = label("Co&mment for the learner (optional):")
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setAccessibleName("Comment")
        self.comment_edit.setPlaceholderText("Kept for this milestone until you give a verdict")
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setMinimumHeight(48)
        self.comment_edit.setMaximumHeight(90)
        self.comment_label.setBuddy(self.comment_edit)
        vlay.addWidget(self.comment_label)
        vlay.addWidget(self.comment_edit, 1)

        buttons = QHBoxLayout()
        self.verified_button = QPushButton("Verified")
        self.needs_work_button = QPushButton("Needs work")
        self.clear_button = QPushButton("Remove")
        for b in (self.verified_button, self.needs_work_button, self.clear_button):
            # A click leaves the focus where it was (the tree), so Down goes on to the next row.
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            buttons.addWidget(b)
        self.set_shortcut_tips({})
        vlay.addLayout(buttons)
        self.verdict_box = verdict_box

        # This review's verdicts.
        list_box = QWidget()
        llay = QVBoxLayout(list_box)
        llay.setContentsMargins(0, 4, 0, 0)
        llay.setSpacing(6)
        self.list_heading = heading("Verdicts in this review", 0)
        llay.addWidget(self.list_heading)
        self.verdict_list = QTreeWidget()
        self.verdict_list.setAccessibleName("Verdicts in this review")
        self.verdict_list.setColumnCount(3)
        self.verdict_list.setHeaderLabels(["Milestone", "Verdict", "Comment"])
        self.verdict_list.setRootIsDecorated(False)
        self.verdict_list.setUniformRowHeights(True)
        self.verdict_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verdict_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        head = self.verdict_list.header()
        head.setStretchLastSection(True)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.verdict_list.setColumnWidth(0, 150)
        self.verdict_list.setColumnWidth(1, 80)
        self.verdict_list.setMinimumHeight(60)
        llay.addWidget(self.verdict_list, 1)
        self.empty_hint = label("Select a milestone on the Skills page (or a gap on the "
                                "Levels page), then mark it verified or needs work.",
                                role="muted", wrap=True)
        llay.addWidget(self.empty_hint)
        llay.addStretch(0)  # the hint stays under the heading while the list is hidden

        self.export_button = QPushButton("Export Review File…")
        self.export_button.setDefault(False)
        self.compare_button = QPushButton("Compare with an Earlier File…")
        llay.addWidget(self.export_button)
        llay.addWidget(self.compare_button)
        self.list_box = list_box

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("reviewSplitter")
        self.splitter.setChildrenCollapsible(False)
        for w, stretch in ((self.detail_box, 3), (verdict_box, 0), (list_box, 1)):
            self.splitter.addWidget(w)
            self.splitter.setStretchFactor(self.splitter.indexOf(w), stretch)
        lay.addWidget(self.splitter, 1)

    def set_detail(self, detail: QWidget) -> None:
        """Show ``detail`` (the Skills page's detail pane) as the panel's first part; the
        panel's own title line then goes (the detail shows the title)."""
        if self.detail is detail:
            return
        self.detail = detail
        self.detail_layout.addWidget(detail)
        detail.show()
        self.detail_box.show()
        self.milestone_title.hide()
        self.fit_parts()

    def fit_parts(self) -> None:
        """The detail gets what the verdict part and a short list leave (called when the
        detail arrives and when the panel is first shown)."""
        total = self.splitter.height()
        if total < 200:
            return
        verdict = self.verdict_box.sizeHint().height()
        rest = self.list_box.minimumSizeHint().height() + (80 if self.verdict_list.isVisible()
                                                           else 0)
        self.splitter.setSizes([max(120, total - verdict - rest), verdict, rest])

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self._fitted and self.detail is not None:
            self._fitted = True
            self.fit_parts()

    def show_list(self, has_verdicts: bool) -> None:
        """The list while there are verdicts, else the hint in its place."""
        self.verdict_list.setVisible(has_verdicts)
        self.empty_hint.setVisible(not has_verdicts)

    def set_shortcut_tips(self, keys: dict[str | None, str]) -> None:
        """Button tooltips naming the Review menu's shortcut for each verdict (None: remove)."""
        def then(verdict: str | None) -> str:
            key = keys.get(verdict)
            return f" ({key}: the same, then the next milestone)" if key else ""

        self.verified_button.setToolTip("Mark the milestone verified, with the comment"
                                        + then("verified"))
        self.needs_work_button.setToolTip("Mark the milestone as needing work, with the comment"
                                          + then("needs-work"))
        self.clear_button.setToolTip("Remove your verdict on this milestone" + then(None))


# ---------------------------------------------------------------------------- compare
class CompareDialog(QDialog):
    """What changed between two exports of one learner (``compare()``), as a plain table."""

    def __init__(self, changes: dict[str, Any], curriculum: Any, older: str, newer: str,
                 parent: QWidget | None = None, note: str = ""):
        super().__init__(parent)
        self.changes = changes
        self.setWindowTitle(f"{APP_NAME} — Changes since {changes['since'][:10]}")
        self.resize(940, 600)
        lay = QVBoxLayout(self)
        summary = (f"From {older} (exported {_when(changes['since'])}) to {newer} "
                   f"(exported {_when(changes['until'])}).")
        if note:
            summary += " " + note
        self.summary = label(summary, wrap=True, selectable=True)
        lay.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Changes")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Change", "Detail"])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 600)
        lay.addWidget(self.tree, 1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        box.accepted.connect(self.accept)
        lay.addWidget(box)
        self._fill(curriculum)

    def _fill(self, cur: Any) -> None:
        ch = self.changes
        levels = cur.level_by_id

        def title(mid: str) -> tuple[str, str]:
            m = cur.milestone_by_id.get(mid)
            if m is None:
                return mid, ""
            lv = levels.get(m.level)
            return m.title, (lv.title if lv else m.level) + (" · core" if m.core else "")

        def section(text: str, detail: str = "") -> QTreeWidgetItem:
            item = QTreeWidgetItem([text, detail])
            f = item.font(0)
            f.setBold(True)
            item.setFont(0, f)
            self.tree.addTopLevelItem(item)
            return item

        def level_title(lid: str | None) -> str:
            return levels[lid].title if lid in levels else "none yet"

        before, after = ch["current_level"]["before"], ch["current_level"]["after"]
        section("Current level", f"{level_title(before)} → {level_title(after)}"
                if before != after else f"{level_title(after)} (unchanged)")
        for key, name in (("newly_done", "Newly done"), ("reverted", "No longer done")):
            ids = ch[key]
            top = section(f"{name} ({len(ids)})", "" if ids else "none")
            for mid in ids:
                QTreeWidgetItem(top, list(title(mid)))
        top = section("Readiness per level")
        for lv in ch["readiness"]:
            mark = lambda r: " ✓ ready" if r else ""  # noqa: E731
            old = "—" if lv["before"] is None else f"{lv['before']:.1f}%{mark(lv['ready_before'])}"
            new = f"{lv['after']:.1f}%{mark(lv['ready_after'])}"
            change = "" if lv["change"] is None else f" ({lv['change']:+.1f})"
            QTreeWidgetItem(top, [level_title(lv["level"]), f"{old} → {new}{change}"])
        certs = ch["certifications"]
        top = section(f"New certifications ({len(certs['new'])})", "" if certs["new"] else "none")
        from tracker.exchange.credential_verify import plain

        for c in certs["new"]:
            QTreeWidgetItem(top, [c["name"], f"{c['issuer']}, earned {c['earned']}"
                                  + (f", expires {c['expires']}" if c["expires"] else "")
                                  + f" · {plain(c['verification'], c['issuer_key'])}"])
        top = section(f"Expired certifications ({len(certs['expired'])})",
                      "" if certs["expired"] else "none")
        for c in certs["expired"]:
            QTreeWidgetItem(top, [c["name"], f"{c['issuer']}, expired {c['expires']}"])
        study = ch["study"]
        h, m = divmod(study["minutes"], 60)
        section("Study time in between",
                f"{h} h {m:02d} min in {plural(study['sessions'], 'session')}" if h else
                f"{m} min in {plural(study['sessions'], 'session')}")
        self.tree.expandAll()

    def text(self) -> str:
        """Everything shown, as plain text (for tests and copying)."""
        lines = [self.summary.text()]

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            lines.append("  " * depth + " — ".join(x for x in (item.text(0), item.text(1)) if x))
            for i in range(item.childCount()):
                walk(item.child(i), depth + 1)

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i), 0)
        return "\n".join(lines)


# ---------------------------------------------------------------------------- the window
class ReviewWindow(MainWindow):
    """A progress file opened read-only, with the mentor's review panel.

    ``settings_folder`` is the viewing app's data folder (theme only; this window never
    writes the main window's remembered geometry or page). ``local_curriculum`` is compared
    with the file's in the banner. ``opener`` (the main window's ExchangeActions) opens
    further files and cohorts.
    """

    review_mode = True
    finished = Signal(str)

    def __init__(self, reading: ProgressReading, *, settings_folder: str | Path,
                 path: str | Path | None = None, local_curriculum: Any = None,
                 opener: Any = None, reviewer: str | None = None):
        self.reading = reading
        self.local_curriculum = local_curriculum
        self.opener = opener
        self.file_store = FileStore(reading, folder=settings_folder, path=path)
        self._skills_hooked = False
        self._discard_ok = False  # close without asking (the user agreed, or test teardown)
        self.current_milestone: str | None = None
        # Comments typed but not given with a verdict (milestone id -> text), the one being
        # typed included: kept across moves until the review is exported or discarded.
        self.drafts: dict[str, str] = {}
        self._loading_comment = False
        self.verdict_actions: list[QAction] = []
        self.last_dialog: QDialog | None = None
        self.discard_box: QMessageBox | None = None
        super().__init__(self.file_store, welcome=False, page="dashboard")
        self.ctx.read_only = True
        # Review windows come and go: the main window's remembered page stays its own.
        self._remember_page = False

        self.banner = ReviewBanner(reading, local_curriculum,
                                   data_folder=Path(settings_folder))
        shell = self.takeCentralWidget()
        central = QWidget()
        col = QVBoxLayout(central)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.banner)
        col.addWidget(shell, 1)
        self.setCentralWidget(central)

        self.panel = VerdictPanel()
        if reviewer is None and opener is not None:
            store = opener.ctx.store
            reviewer = "" if getattr(store, "read_only", False) else store.profile().name
        self.panel.reviewer_edit.setText(reviewer or "")
        self.dock = QDockWidget("Mentor review", self)
        self.dock.setObjectName("verdictDock")
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.dock.setWidget(self.panel)
        self.dock.setMinimumWidth(300)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.resizeDocks([self.dock], [330], Qt.Orientation.Horizontal)
        self._dock_fitted = False

        self._build_review_menu()
        self._build_verdict_menu()
        self.profile_action.setVisible(False)  # the profile is the learner's
        self._connect_panel()
        self.ctx.changed.connect(self._on_review_changed)
        self._show_milestone(None)
        self._fill_verdicts()
        self._update_title()
        self.statusBar().showMessage(
            "Read-only review: mark milestones in the Mentor review panel, then "
            "File > Export Review File…", 15000)
        # The Skills page is the review's work place: built now, so its detail pane is the
        # panel's first part from the start (the window still opens on the dashboard).
        self._hook_skills(self.page("skills"))

    # ------------------------------------------------------------------ shell overrides
    def _update_title(self) -> None:
        reading = getattr(self, "reading", None)
        name = (reading.learner_name if reading is not None else "") or "(no name)"
        self.setWindowTitle(f"{APP_NAME} — Review of {name}")

    def page(self, key: str):
        built = super().page(key)  # read-only: MainWindow.page calls set_read_only(True)
        if key == "skills" and hasattr(self, "panel"):
            self._hook_skills(built)
        return built

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self._dock_fitted:
            # The panel: 30% of the window, 300 px at 1024 and 400 at 1366 (the tree gets
            # the rest); the mentor can drag it wider.
            self._dock_fitted = True
            self.resizeDocks([self.dock], [max(300, min(400, int(self.width() * 0.3)))],
                             Qt.Orientation.Horizontal)

    def unsaved(self) -> tuple[int, int]:
        """(verdicts not yet exported, comment drafts given with no verdict)."""
        verdicts = 0 if self.ctx.undo_stack.isClean() else len(self.file_store.verdicts())
        return verdicts, len(self.drafts)

    def closeEvent(self, ev) -> None:
        verdicts, drafts = self.unsaved()
        if not self._discard_ok and (verdicts or drafts):
            ev.ignore()
            self._ask_discard(verdicts, drafts)
            return
        # Not MainWindow.closeEvent: the main window's geometry and page stay as they are.
        QMainWindow.closeEvent(self, ev)

    def _ask_discard(self, verdicts: int, drafts: int) -> None:
        """Save / Discard / Cancel (Save only when there are verdicts to export), without
        blocking: the answer arrives in ``answered``."""
        if self.discard_box is not None:
            self.discard_box.raise_()
            self.discard_box.activateWindow()
            return
        Button = QMessageBox.StandardButton
        parts = []
        if verdicts:
            parts.append(f"{plural(verdicts, 'verdict')} not exported to a review file yet.")
        if drafts:
            parts.append(f"{plural(drafts, 'comment')} typed without a verdict: a review file "
                         "holds verdicts only, so "
                         + ("it is" if drafts == 1 else "they are")
                         + " discarded either way.")
        buttons = (Button.Save if verdicts else Button.NoButton) | Button.Discard | Button.Cancel
        # The learner's name is the file's: plain text, and only in the main text.
        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME,
                          f"Save your review of {self.reading.learner_name or 'this file'} "
                          "before closing?", buttons, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(" ".join(parts))
        box.setDefaultButton(Button.Save if verdicts else Button.Cancel)
        box.setEscapeButton(Button.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(_code: int) -> None:  # after the box is hidden
            self.discard_box = None
            clicked = box.clickedButton()
            choice = box.standardButton(clicked) if clicked is not None else Button.Cancel
            if choice == Button.Discard:
                self._discard_ok = True
                self.close()
            elif choice == Button.Save:
                # Closes once the file is written; a cancelled or failed export keeps the
                # window (and everything in it) open.
                self.export_review(then=self.close)

        box.finished.connect(answered)
        self.discard_box = box
        box.open()

    # ------------------------------------------------------------------ menus
    def _build_review_menu(self) -> None:
        file_menu = self.menuBar().actions()[0].menu()
        file_menu.clear()

        def act(text: str, slot: Any, tip: str, shortcut: str | None = None) -> QAction:
            a = QAction(text, self)
            a.setStatusTip(tip)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            a.triggered.connect(lambda _=False: slot())
            file_menu.addAction(a)
            return a

        self.export_review_action = act(
            "&Export Review File…", self.export_review,
            "Save your verdicts to a review file for the learner to import", "Ctrl+S")
        self.compare_action = act(
            "Com&pare with an Earlier File…", self.compare_with,
            "What changed since an earlier export of the same learner")
        file_menu.addSeparator()
        self.export_report_action = act(
            "Export &Report…", self.export_report,
            "Save a readable report of this file as HTML or PDF")
        if self.opener is not None:
            file_menu.addSeparator()
            self.open_progress_action = act(
                "&Open Progress File…", self.opener.open_progress,
                "Open another learner's progress file", "Ctrl+O")
            self.open_cohort_action = act(
                "Open Co&hort Folder…", self.opener.open_cohort,
                "Compare every learner's progress file in a folder")
        file_menu.addSeparator()
        self.quit_action.setText("&Close Review")
        self.quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        self.quit_action.setMenuRole(QAction.MenuRole.NoRole)
        file_menu.addAction(self.quit_action)

    def _build_verdict_menu(self) -> None:
        """Review menu (before Help): a verdict on the milestone under review, then the next.
        Window shortcuts: Qt counts a floating dock as part of its main window, so they work
        from the floating panel too."""
        menu = QMenu("&Review", self)
        self.menuBar().insertMenu(self.menuBar().actions()[-1], menu)  # before Help
        self.review_menu = menu
        tips: dict[str | None, str] = {}
        for verdict, text, keys in VERDICT_KEYS:
            a = QAction(text, self)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setStatusTip("Give this verdict (with the comment) to the milestone under review "
                           "and go on to the next milestone" if verdict else
                           "Remove your verdict on the milestone under review (if any) and go "
                           "on to the next milestone")
            a.triggered.connect(lambda _=False, v=verdict: self.verdict_and_next(v))
            menu.addAction(a)
            self.verdict_actions.append(a)
            tips[verdict] = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.panel.set_shortcut_tips(tips)

    # ------------------------------------------------------------------ skills page
    def _hook_skills(self, skills: Any) -> None:
        if self._skills_hooked:
            return
        self._skills_hooked = True
        tree = getattr(skills, "tree", None)
        if tree is not None and tree.selectionModel() is not None:
            # The panel follows the index the signal carries. Not the selection: a mouse
            # press makes the row current *before* it updates the selection, so reading
            # the selection here gave the previously selected milestone (issue 9 §2).
            tree.selectionModel().currentRowChanged.connect(self._tree_current_changed)
        # Two columns, not three: the tree gets the page's width, its detail pane moves into
        # the mentor's panel, and long titles wrap instead of ending in "…".
        detail = getattr(skills, "detail_scroll", None)
        if isinstance(detail, QWidget):
            detail.setMinimumWidth(0)
            self.panel.set_detail(detail)
        for combo in (getattr(skills, "level_filter", None),
                      getattr(skills, "state_filter", None),
                      getattr(skills, "review_filter", None)):
            if isinstance(combo, QComboBox):  # narrow windows: the filter box keeps room
                combo.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.setMinimumContentsLength(6)
        box = getattr(skills, "filter_edit", None)
        if isinstance(box, QWidget):  # room for a search of two words
            box.setMinimumWidth(box.fontMetrics().horizontalAdvance("kubernetes rollout") + 24)
        if tree is not None:
            for col in (TITLE_COL, LEVEL_COL, STATE_COL):
                wrap_column(tree, col)
            self._fit_tree_columns(skills)
            tree.resized.connect(lambda: self._fit_tree_columns(skills))

    @staticmethod
    def _fit_tree_columns(skills: Any) -> None:
        """Every column wraps here, so Level and State need no more than a sixth of the tree
        each (a long level title or verdict takes two lines) and the title gets the rest."""
        tree = skills.tree
        room = tree.viewport().width()
        ideal = getattr(skills, "_ideal", (160, 170))
        for col, want in zip((LEVEL_COL, STATE_COL), ideal):
            tree.setColumnWidth(col, max(80, min(want, room // 6)))

    def _tree_current_changed(self, current: Any, _previous: Any = None) -> None:
        """The Skills tree's current row (a proxy index) is the milestone under review."""
        is_milestone = current.isValid() and current.data(KindRole) == MILESTONE
        self._show_milestone(current.data(IdRole) if is_milestone else None)

    def select_milestone(self, mid: str) -> None:
        """Make ``mid`` the Skills tree's current row (the panel follows), leaving the keyboard
        focus where it is (the comment box, the verdict list)."""
        skills = self.page("skills")
        focus = QApplication.focusWidget()
        skills.open_item(mid)
        if focus is not None and focus is not skills.tree:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def next_milestone(self, mid: str) -> str | None:
        """The milestone after ``mid`` among those the Skills page's filters show."""
        shown = self.page("skills").visible_milestone_ids()
        if mid not in shown:
            return None
        i = shown.index(mid) + 1
        return shown[i] if i < len(shown) else None

    # ------------------------------------------------------------------ the panel
    def _connect_panel(self) -> None:
        p = self.panel
        p.verified_button.clicked.connect(lambda: self.mark("verified"))
        p.needs_work_button.clicked.connect(lambda: self.mark("needs-work"))
        p.clear_button.clicked.connect(lambda: self.clear_verdict())
        p.export_button.clicked.connect(lambda: self.export_review())
        p.compare_button.clicked.connect(lambda: self.compare_with())
        p.comment_edit.textChanged.connect(self._comment_edited)
        p.verdict_list.itemActivated.connect(self._verdict_activated)
        p.verdict_list.currentItemChanged.connect(self._verdict_selected)

    def _show_milestone(self, mid: str | None) -> None:
        """Show ``mid`` (None: nothing) as the milestone under review, with its draft."""
        p = self.panel
        cur = self.reading.curriculum
        m = cur.milestone_by_id.get(mid or "")
        self.current_milestone = m.id if m else None
        for b in (p.verified_button, p.needs_work_button, p.comment_edit, *self.verdict_actions):
            b.setEnabled(m is not None)
        self._load_comment()
        self._sync_verdict_list()
        # With the Skills detail above, "nothing selected" is said there once.
        p.milestone_meta.setVisible(m is not None or p.detail is None)
        if m is None:
            p.milestone_title.setText("No milestone selected")
            p.milestone_meta.setText("Select a milestone on the Skills page, or a gap on the "
                                     "Levels page.")
            p.existing.setText("")
            p.existing.hide()
            p.clear_button.setEnabled(False)
            return
        lv = cur.level_by_id.get(m.level)
        state = STATE_WORDS.get(self.reading.states.get(m.id, rd.TODO), "to do")
        p.milestone_title.setText(m.title)
        if p.detail is not None:  # the detail above names the level and the core mark
            p.milestone_meta.setText(f"The learner marked it {state}")
        else:
            p.milestone_meta.setText(f"{lv.title if lv else m.level}"
                                     f"{' · core' if m.core else ''} · the learner marked it "
                                     f"{state}")
        mine = self.file_store.verdict(m.id)
        earlier = self.file_store.reviews().get(m.id) if mine is None else None
        if mine is not None:
            p.existing.setText(f"Your verdict: {VERDICTS[mine.verdict]}")
        elif earlier is not None:
            by = f" by {earlier.reviewer}" if earlier.reviewer else ""
            p.existing.setText(f"Earlier verdict{by}: {VERDICTS.get(earlier.verdict, '')}"
                               + (f" ({earlier.comment})" if earlier.comment else ""))
        else:
            p.existing.setText("No verdict yet")
        p.existing.show()
        p.clear_button.setEnabled(mine is not None)

    # ------------------------------------------------------------------ comment drafts
    def _saved_comment(self, mid: str) -> str:
        mine = self.file_store.verdict(mid)
        return mine.comment if mine is not None else ""

    def _load_comment(self) -> None:
        """The comment box shows the milestone's draft, else its verdict's comment."""
        mid = self.current_milestone
        text = "" if mid is None else self.drafts.get(mid, self._saved_comment(mid))
        edit = self.panel.comment_edit
        if edit.toPlainText().strip() == text.strip():
            return  # the same words: leave the cursor where the mentor is typing
        self._loading_comment = True
        try:
            edit.setPlainText(text)
        finally:
            self._loading_comment = False

    def _comment_edited(self) -> None:
        mid = self.current_milestone
        if self._loading_comment or mid is None:
            return
        text = self.panel.comment_edit.toPlainText()
        if text.strip() == self._saved_comment(mid):
            self.drafts.pop(mid, None)
        else:
            self.drafts[mid] = text

    def settle_draft(self, mid: str, given_back: str | None = None) -> None:
        """After the verdict on ``mid`` changed: a draft the verdict now holds is no longer a
        draft; an undone verdict gives back the draft it took (unless a newer one was typed)."""
        if given_back is not None and mid not in self.drafts:
            self.drafts[mid] = given_back
        draft = self.drafts.get(mid)
        if draft is not None and draft.strip() == self._saved_comment(mid):
            del self.drafts[mid]

    # ------------------------------------------------------------------ verdict list
    def _fill_verdicts(self) -> None:
        p = self.panel
        cur = self.reading.curriculum
        verdicts = self.file_store.verdicts()
        p.verdict_list.blockSignals(True)
        p.verdict_list.clear()
        for mid, r in verdicts.items():
            m = cur.milestone_by_id.get(mid)
            item = QTreeWidgetItem([m.title if m else mid, VERDICTS[r.verdict],
                                    " ".join(r.comment.split())])
            item.setData(0, Qt.ItemDataRole.UserRole, mid)
            item.setToolTip(0, "")
            p.verdict_list.addTopLevelItem(item)
        p.verdict_list.blockSignals(False)
        self._sync_verdict_list()
        p.list_heading.setText(f"Verdicts in this review ({len(verdicts)})")
        p.show_list(bool(verdicts))
        p.export_button.setEnabled(bool(verdicts))

    def _sync_verdict_list(self) -> None:
        """The list's current row is the milestone under review, or none (so that clicking
        any row of the list is a change the tree follows)."""
        lst = self.panel.verdict_list
        target = next((lst.topLevelItem(i) for i in range(lst.topLevelItemCount())
                       if lst.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                       == self.current_milestone), None)
        if lst.currentItem() is target:
            return
        lst.blockSignals(True)
        try:
            if target is None:
                lst.setCurrentIndex(QModelIndex())
                lst.clearSelection()
            else:
                lst.setCurrentItem(target)
        finally:
            lst.blockSignals(False)

    def _on_review_changed(self, kinds: frozenset[str]) -> None:
        if Kinds.REVIEWS in kinds:
            self._fill_verdicts()
            self._show_milestone(self.current_milestone)

    def _verdict_selected(self, item: QTreeWidgetItem | None, _prev: Any = None) -> None:
        # The tree moves to the milestone and the panel follows the tree: one source.
        if item is not None:
            self.select_milestone(item.data(0, Qt.ItemDataRole.UserRole))

    def _verdict_activated(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        self.navigate("skills", item.data(0, Qt.ItemDataRole.UserRole))

    # ------------------------------------------------------------------ verdicts
    def mark(self, verdict: str, milestone: str | None = None,
             comment: str | None = None) -> bool:
        """Give ``verdict`` to the milestone (default: the one under review) with ``comment``
        (default: its draft, else its current comment); one undo step."""
        from tracker.exchange.models import MAX_TEXT
        from tracker.exchange.progress import iso_now

        mid = milestone or self.current_milestone
        m = self.reading.curriculum.milestone_by_id.get(mid or "")
        if m is None:
            self.statusBar().showMessage("Select a milestone first", 6000)
            return False
        if comment is None:
            comment = self.drafts.get(m.id, self._saved_comment(m.id))
        text = comment.strip()
        if len(text) > MAX_TEXT:
            self.show_error(f"The comment is too long ({len(text):,} characters; at most "
                            f"{MAX_TEXT:,}).")
            return False
        review = Review(m.id, verdict, text, self.panel.reviewer_edit.text().strip(),
                        iso_now())
        self.ctx.undo_stack.push(SetVerdict(
            self, m.id, review, f"Mark “{clip(m.title)}” {VERDICTS[verdict].lower()}"))
        return True

    def clear_verdict(self, milestone: str | None = None) -> bool:
        mid = milestone or self.current_milestone
        if mid is None or self.file_store.verdict(mid) is None:
            return False
        m = self.reading.curriculum.milestone_by_id[mid]
        self.ctx.undo_stack.push(SetVerdict(self, mid, None,
                                            f"Remove the verdict on “{clip(m.title)}”"))
        return True

    def verdict_and_next(self, verdict: str | None) -> bool:
        """Review menu: ``verdict`` (None: remove mine, if any) on the milestone under review,
        then on to the next milestone the Skills page shows. False when nothing is under
        review or the verdict was refused (then the panel stays where it is)."""
        mid = self.current_milestone
        if mid is None:
            self.statusBar().showMessage("Select a milestone on the Skills page first", 6000)
            return False
        if verdict is None:
            self.clear_verdict(mid)
        elif not self.mark(verdict, mid):
            return False
        nxt = self.next_milestone(mid)
        if nxt is None:
            self.statusBar().showMessage("That was the last milestone the Skills page shows",
                                         6000)
        else:
            self.select_milestone(nxt)
        return True

    # ------------------------------------------------------------------ file actions
    def _fail(self, name: str) -> Any:
        def failed(exc: BaseException) -> None:
            self.show_error(one_line(exc))
            self.finished.emit(name)
        return failed

    def export_review(self, path: str | None = None,
                      then: Callable[[], Any] | None = None) -> None:
        """Write the verdicts to a review file (in a worker). Comment drafts without a verdict
        are not part of it: they are discarded once the file is written. ``then`` runs after
        a successful write only (closing asks to save this way)."""
        from tracker.exchange.progress import default_file_name, write_document
        from tracker.exchange.review import build_review_document

        verdicts = self.file_store.verdicts()
        if not verdicts:
            self.show_error("Mark at least one milestone verified or needs work first.")
            self.finished.emit("export-review")
            return
        reviewer = self.panel.reviewer_edit.text().strip()
        if not reviewer:
            self.panel.reviewer_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.show_error("Enter your name as the reviewer first.")
            self.finished.emit("export-review")
            return
        try:
            doc = build_review_document(self.reading, review_items(verdicts), reviewer)
        except Exception as exc:  # noqa: BLE001 - InputError, shown as one line
            self.show_error(one_line(exc))
            self.finished.emit("export-review")
            return
        if path is None:
            name = default_file_name(self.reading.learner_name).removesuffix(
                ".mlops-progress.json") + REVIEW_SUFFIX
            path, _ = QFileDialog.getSaveFileName(
                self, "Export review file", str(Path(last_folder(self)) / name), REVIEW_FILTER)
            if not path:
                self.finished.emit("export-review")
                return
        out = with_suffix(path, REVIEW_SUFFIX) if not path.lower().endswith(".json") \
            else Path(path)
        remember_folder(self, out)
        try:  # never the viewing app's database or backups, nor the file under review
            out = checked_output(self.ctx, out, self._inputs())
        except TrackerError as exc:
            self._fail("export-review")(exc)
            return
        step = self.ctx.undo_stack.index()
        drafts = dict(self.drafts)

        def done(written: Path) -> None:
            if self.ctx.undo_stack.index() == step:  # no verdict changed while writing
                self.ctx.undo_stack.setClean()
            dropped = [mid for mid, text in drafts.items() if self.drafts.get(mid) == text]
            for mid in dropped:
                del self.drafts[mid]
            self._load_comment()
            self.statusBar().showMessage(
                f"Review file with {plural(len(doc['verdicts']), 'verdict')} saved to "
                f"{written}" + (f", signed with key {signed_with[0]}" if signed_with else "")
                + (f"; {plural(len(dropped), 'comment')} without a verdict "
                   "discarded" if dropped else ""), 10000)
            self.finished.emit("export-review")
            if then is not None:
                then()

        folder = self.file_store.folder
        signed_with: list[str] = []

        def work() -> Path:
            # Signed with the mentor's key, made in the data folder on the first review
            # (DESIGN.md, "Signatures"); the learner's app shows who signed with which key.
            from tracker.exchange.signing import fingerprint, load_or_create_key, sign_document

            signed = sign_document(doc, load_or_create_key(folder))
            signed_with.append(fingerprint(signed["signature"]["public_key"]))
            return write_document(out, signed)

        self.ctx.run_in_worker(work, done, self._fail("export-review"))

    def export_report(self, path: str | None = None, chosen_filter: str = HTML_FILTER) -> None:
        if path is None:
            from tracker.exchange.progress import default_file_name

            stem = default_file_name(self.reading.learner_name).removesuffix(
                ".mlops-progress.json")
            path, chosen_filter = QFileDialog.getSaveFileName(
                self, "Export report", str(Path(last_folder(self)) / f"{stem}-report.html"),
                f"{HTML_FILTER};;{PDF_FILTER}")
            if not path:
                self.finished.emit("export-report")
                return
        out, kind = report_format(path, chosen_filter)
        remember_folder(self, out)

        def saved(written: Path) -> None:
            self.statusBar().showMessage(f"{kind.upper()} report saved to {written}", 10000)
            self.finished.emit("export-report")

        write_report(self.ctx, self, lambda: self.reading, out, kind, saved,
                     self._fail("export-report"), inputs=self._inputs())

    def _inputs(self) -> tuple[Path, ...]:
        """The file this window shows: no output of it may overwrite it."""
        src = self.file_store.source_path
        return (src,) if src is not None else ()

    def compare_with(self, path: str | None = None) -> None:
        """Show what changed between an earlier export of this learner and this file."""
        from tracker.exchange.compare import compare
        from tracker.exchange.progress import read_progress_file

        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Compare with an earlier progress file", last_folder(self),
                PROGRESS_FILTER)
            if not path:
                self.finished.emit("compare")
                return
        other_path = Path(path)
        remember_folder(self, other_path)
        this = self.reading

        def work() -> tuple[dict[str, Any], Any, Any, bool]:
            other = read_progress_file(other_path)
            swapped = other.exported_at > this.exported_at
            older, newer = (this, other) if swapped else (other, this)
            return compare(older, newer), older, newer, swapped

        def done(result: tuple[dict[str, Any], Any, Any, bool]) -> None:
            changes, older, newer, swapped = result
            note = ("The file you chose was exported after this one, so the changes run "
                    "from this file to it.") if swapped else ""
            if older.integrity != "ok" or newer.integrity != "ok":
                note += " Warning: a file was modified after it was exported."
            dlg = CompareDialog(changes, newer.curriculum, older.source, newer.source, self,
                                note.strip())
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.last_dialog = dlg
            dlg.open()
            self.finished.emit("compare")

        self.statusBar().showMessage(f"Reading {other_path.name}…", 5000)
        self.ctx.run_in_worker(work, done, self._fail("compare"))


__all__ = ["ReviewWindow", "ReviewBanner", "VerdictPanel", "CompareDialog", "SetVerdict",
           "message"]
