"""The Skills page: the Area > Skill > Milestone tree with filters, and a detail pane.

The circle before each milestone is its checkbox: a click goes To do → Learning → Done → To
do. The keys 1, 2 and 3 set To do, Learning and Done on the selected milestones; Space marks
them done and never undoes a done milestone (it says how to instead); the context menu sets
any state. The filter bar narrows the tree by text, level (or everything still needed for a
level, cumulative), state and a mentor's verdict; other pages open it with a filter set
through ``ctx.navigate("skills", TreeFilter(...))``. The detail pane shows the milestone's
description, level, core mark, mentor review, a note saved without a Save button
(debounced, and on focus-out), evidence links and the catalog certifications that evidence
its skill. Every change goes through a named
operation (``perform``), so it is one transaction and one undo step.

After a change the tree model is updated in place (``dataChanged`` on the affected rows and
their parents), so selection and expansion stay as they were.

Threading rule: GUI thread only. The reads here (states, notes, reviews, one milestone's
evidence) are single small queries of a millisecond or two.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from tracker import readiness as rd
from tracker import validation as v
from tracker.curriculum.model import Curriculum
from tracker.db.types import Evidence, Review
from tracker.ui import theme
from tracker.ui.context import AppContext, Kinds
from tracker.ui.keys import is_delete_key
from tracker.ui.models.skill_tree import (
    AREA,
    HEADERS,
    LEVEL_COL,
    MILESTONE,
    NEXT_STATE,
    SKILL,
    STATE_COL,
    STATE_HELP,
    STATE_KEYS,
    STATE_LABELS,
    TITLE_COL,
    VERDICT_LABELS,
    IdRole,
    KindRole,
    MilestoneFilterProxy,
    SkillTreeModel,
    TreeFilter,
    review_icon,
    short_level_titles,
    state_icon,
)
from tracker.ui.operations import (
    AddEvidence,
    RemoveEvidence,
    SetNote,
    SetStates,
    perform,
)
from tracker.ui.pages.base import Page
from tracker.ui.widgets import Card, heading, label

NOTE_DELAY_MS = 600
#: the context menu's actions that only change the view (all a read-only page keeps)
VIEW_ACTIONS = ("Expand all", "Collapse all")
FILTER_DELAY_MS = 150
NEEDED = "needed:"  # level filter data: everything still needed for a level
KEY_STATES = {getattr(Qt.Key, f"Key_{k}"): st for st, k in STATE_KEYS.items()}
CIRCLE_SLACK = 3  # px around the 16 px circle that still count as a click on it


class _TitleDelegate(QStyledItemDelegate):
    """The title column's delegate (ours, so the view can ask where it draws the circle)."""


class SkillTreeView(QTreeView):
    """The tree. Space asks the page to mark the selected milestones done, 1/2/3 to set a
    state; a click on a milestone's circle asks it to move that milestone to the next
    state (the click also makes the row current, as any click does)."""

    done_requested = Signal()
    state_requested = Signal(str)
    circle_clicked = Signal(str)
    resized = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._pressed: QPersistentModelIndex | None = None
        self.title_delegate = _TitleDelegate(self)
        self.setItemDelegateForColumn(TITLE_COL, self.title_delegate)
        self.setMouseTracking(True)  # the hand cursor over a circle

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self.resized.emit()

    def keyPressEvent(self, e) -> None:
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if e.key() in KEY_STATES and not mods:
            self.state_requested.emit(KEY_STATES[e.key()])
            return
        if e.key() == Qt.Key.Key_Space and not mods:
            ix = self.currentIndex()
            if ix.isValid() and ix.data(KindRole) != MILESTONE and not self._has_milestones():
                self.setExpanded(ix.siblingAtColumn(0), not self.isExpanded(ix.siblingAtColumn(0)))
                return
            self.done_requested.emit()
            return
        super().keyPressEvent(e)

    # ------------------------------------------------------------ the circle
    def circle_rect(self, index: QModelIndex) -> QRect:
        """Where a milestone row's state circle is, in viewport coordinates (empty for area
        and skill rows and rows out of view)."""
        ix = index.siblingAtColumn(TITLE_COL)
        if not ix.isValid() or ix.data(KindRole) != MILESTONE:
            return QRect()
        rect = self.visualRect(ix)
        if not rect.isValid():
            return QRect()
        opt = QStyleOptionViewItem()
        self.initViewItemOption(opt)
        opt.rect = rect
        self.title_delegate.initStyleOption(opt, ix)
        return self.style().subElementRect(QStyle.SubElement.SE_ItemViewItemDecoration,
                                           opt, self)

    def _circle_at(self, pos: QPoint) -> QModelIndex:
        ix = self.indexAt(pos)
        rect = self.circle_rect(ix)
        slack = CIRCLE_SLACK
        if rect.isValid() and rect.adjusted(-slack, -slack, slack, slack).contains(pos):
            return ix.siblingAtColumn(TITLE_COL)
        return QModelIndex()

    def _press_circle(self, e) -> bool:
        plain = not (e.modifiers() & (Qt.KeyboardModifier.ShiftModifier
                                      | Qt.KeyboardModifier.ControlModifier))
        ix = self._circle_at(e.position().toPoint()) \
            if e.button() == Qt.MouseButton.LeftButton and plain else QModelIndex()
        if not ix.isValid():
            self._pressed = None
            return False
        self._pressed = QPersistentModelIndex(ix)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.selectionModel().setCurrentIndex(
            ix, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        e.accept()
        return True

    def mousePressEvent(self, e) -> None:
        if not self._press_circle(e):
            super().mousePressEvent(e)

    def mouseDoubleClickEvent(self, e) -> None:
        # the second click of a quick double click is a click on the circle too
        if not self._press_circle(e):
            super().mouseDoubleClickEvent(e)

    def mouseReleaseEvent(self, e) -> None:
        pressed, self._pressed = self._pressed, None
        if pressed is None:
            super().mouseReleaseEvent(e)
            return
        e.accept()
        ix = self._circle_at(e.position().toPoint())
        if pressed.isValid() and ix.isValid() and pressed == ix:
            self.circle_clicked.emit(ix.data(IdRole))

    def mouseMoveEvent(self, e) -> None:
        if self._pressed is not None:  # no drag-selection from a circle
            e.accept()
            return
        # a hand over a circle: it is a control, not only a picture
        over = self._circle_at(e.position().toPoint()).isValid()
        if over != (self.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor):
            if over:
                self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.viewport().unsetCursor()
        super().mouseMoveEvent(e)

    def _has_milestones(self) -> bool:
        return any(ix.data(KindRole) == MILESTONE for ix in self.selectionModel().selectedRows())


class _MiddleElideDelegate(QStyledItemDelegate):
    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class _ListWithDelete(QListWidget):
    delete_pressed = Signal()

    def keyPressEvent(self, e) -> None:
        if is_delete_key(e):
            self.delete_pressed.emit()
            return
        super().keyPressEvent(e)


class SkillsPage(Page):
    title = "Skills"
    object_name = "skillsPage"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._states: dict[str, str] = {}
        self._notes: dict[str, str] = {}
        self._reviews: dict[str, Review] = {}
        self._held: dict[str, str] = {}  # catalog id -> signature state
        self._evidence: list[Evidence] = []
        self._note_mid: str | None = None
        self._loading_note = False
        self._saved_expansion: set[tuple[str, str]] | None = None
        self._shown: tuple[str, str] | None = None
        self._cur: Curriculum | None = None  # the Curriculum the tree was built from

        self.model = SkillTreeModel(self)
        self.proxy = MilestoneFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self._build_filter_bar()
        self._build_tree()
        self._build_detail()

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.detail_scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([720, 360])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.setSpacing(theme.SPACING)
        top = QHBoxLayout()
        top.addWidget(heading("Skills", 4))
        top.addStretch(1)
        top.addWidget(self.readiness_label)
        layout.addLayout(top)
        layout.addLayout(self.filter_bar)
        layout.addWidget(splitter, 1)

        self.note_timer = QTimer(self)
        self.note_timer.setSingleShot(True)
        self.note_timer.setInterval(NOTE_DELAY_MS)
        self.note_timer.timeout.connect(self.save_note)

        self._connect()
        self._tab_order()
        self.reload()

    # ================================================================ building
    def _build_filter_bar(self) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter milestones (Ctrl+F)")
        self.filter_edit.setAccessibleName("Filter milestones")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.installEventFilter(self)
        # Re-filtering the tree takes up to ~0.1 s: wait for a pause in typing.
        self.filter_timer = QTimer(self)
        self.filter_timer.setSingleShot(True)
        self.filter_timer.setInterval(FILTER_DELAY_MS)
        self.level_filter = QComboBox()
        self.level_filter.setAccessibleName("Filter by level")
        self.level_filter.setToolTip(
            "A level's own milestones, or \u201cNeeded for\u201d a level: every milestone "
            "still needed to be ready for it, including those of the levels below")
        self.level_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.level_filter.setMinimumContentsLength(14)
        self.state_filter = QComboBox()
        self.state_filter.setAccessibleName("Filter by state")
        self.state_filter.addItem("All states", None)
        for st in rd.STATES:
            self.state_filter.addItem(state_icon(st), STATE_LABELS[st], st)
        self.review_filter = QComboBox()
        self.review_filter.setAccessibleName("Filter by mentor review")
        self.review_filter.setToolTip("Milestones your mentor marked \u201cNeeds work\u201d "
                                      "or \u201cVerified\u201d (File > Import Mentor Review)")
        self.review_filter.addItem("Any review", None)
        for verdict in ("needs-work", "verified"):
            self.review_filter.addItem(review_icon(verdict), VERDICT_LABELS[verdict], verdict)
        self.count_label = label(role="muted")
        self.count_label.setAccessibleName("Milestones shown")
        self.readiness_label = label(role="muted")
        self.readiness_label.setAccessibleName("Readiness")
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.filter_edit, 3)
        bar.addWidget(self.level_filter, 2)
        bar.addWidget(self.state_filter, 1)
        bar.addWidget(self.review_filter, 1)
        bar.addWidget(self.count_label)
        self.filter_bar = bar

    def _build_tree(self) -> None:
        tree = SkillTreeView()
        tree.setModel(self.proxy)
        tree.setAccessibleName("Skills and milestones")
        tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setUniformRowHeights(True)
        tree.setAllColumnsShowFocus(True)
        tree.setAlternatingRowColors(True)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.setIconSize(QSize(16, 16))
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE_COL, QHeaderView.ResizeMode.Stretch)
        for col in (LEVEL_COL, STATE_COL):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        # Level ends with "· core": elide in the middle so the mark stays visible.
        self._level_delegate = _MiddleElideDelegate(tree)
        tree.setItemDelegateForColumn(LEVEL_COL, self._level_delegate)
        tree.resized.connect(lambda: self._fit_columns())
        self.tree = tree
        self._size_columns()

    def _size_columns(self) -> None:
        """Ideal widths for the level and state columns (from the pack's level titles)."""
        fm = QFontMetrics(self.tree.font())
        cur = self.ctx.store.curriculum()
        short = short_level_titles(cur.levels)
        level_w = max([fm.horizontalAdvance(t + " · core") for t in short.values()]
                      + [fm.horizontalAdvance(HEADERS[LEVEL_COL])]) + 24
        self._ideal = (min(level_w, 240), fm.horizontalAdvance("Learning · needs work") + 40)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Level and state give up room on a narrow window so titles stay readable."""
        room = self.tree.viewport().width()
        level, state = self._ideal
        share = max(0.0, min(1.0, (room * 0.5) / (level + state)))
        self.tree.setColumnWidth(LEVEL_COL, max(90, int(level * share)))
        self.tree.setColumnWidth(STATE_COL, max(80, int(state * share)))

    def _build_detail(self) -> None:
        content = QWidget()
        content.setObjectName("skillDetail")
        box = QVBoxLayout(content)
        box.setContentsMargins(theme.CARD_PADDING, 4, theme.CARD_PADDING, theme.CARD_PADDING)
        box.setSpacing(8)

        self.placeholder = label("Select a milestone to see its details, write a note and "
                                 "add evidence.\n\nThe circle before a milestone is its "
                                 "checkbox: click it to go To do → Learning → Done. Keys: "
                                 + ", ".join(f"{STATE_KEYS[st]} {STATE_LABELS[st]}"
                                             for st in rd.STATES)
                                 + "; Space marks done.", role="muted", wrap=True)
        self.detail_title = label(wrap=True, point_delta=2, bold=True, selectable=True)
        self.detail_title.setAccessibleName("Selected item")
        self.detail_path = label(role="muted", wrap=True)
        self.detail_meta = label(wrap=True)
        self.detail_desc = label(wrap=True, selectable=True)
        self.detail_desc.setAccessibleName("Description")
        self.detail_links = label(wrap=True, selectable=True)
        self.detail_links.setAccessibleName("Choice and prerequisites")
        for w in (self.placeholder, self.detail_title, self.detail_path, self.detail_meta,
                  self.detail_desc, self.detail_links):
            box.addWidget(w)

        # Milestone-only part.
        self.milestone_box = QWidget()
        mbox = QVBoxLayout(self.milestone_box)
        mbox.setContentsMargins(0, 0, 0, 0)
        mbox.setSpacing(8)

        state_row = QHBoxLayout()
        state_label = label("State:")
        self.state_combo = QComboBox()
        self.state_combo.setAccessibleName("Milestone state")
        for st in rd.STATES:
            self.state_combo.addItem(state_icon(st), STATE_LABELS[st], st)
        state_label.setBuddy(self.state_combo)
        self.state_label = state_label
        state_row.addWidget(state_label)
        state_row.addWidget(self.state_combo)
        state_row.addStretch(1)
        mbox.addLayout(state_row)

        self.review_card = Card("Mentor review")
        self.review_verdict = label(bold=True)
        self.review_verdict.setAccessibleName("Mentor verdict")
        self.review_comment = label(wrap=True, selectable=True)
        self.review_comment.setAccessibleName("Mentor comment")
        self.review_by = label(role="muted", wrap=True)
        verdict_row = QHBoxLayout()
        self.review_icon = label()
        verdict_row.addWidget(self.review_icon)
        verdict_row.addWidget(self.review_verdict, 1)
        self.review_card.body.addLayout(verdict_row)
        self.review_card.body.addWidget(self.review_comment)
        self.review_card.body.addWidget(self.review_by)
        mbox.addWidget(self.review_card)

        mbox.addWidget(heading("Note", 0))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setAccessibleName("Note")
        self.note_edit.setPlaceholderText("Your notes on this milestone: saved as you type.")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMinimumHeight(90)
        self.note_edit.setMaximumHeight(160)
        self.note_edit.installEventFilter(self)
        self.note_status = label(role="muted")
        mbox.addWidget(self.note_edit)
        mbox.addWidget(self.note_status)

        self.evidence_list = _ListWithDelete()
        self.evidence_list.setAccessibleName("Evidence links")
        self.evidence_list.setMaximumHeight(110)
        self.evidence_list.setWordWrap(False)
        self.evidence_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.evidence_edit = QLineEdit()
        self.evidence_edit.setAccessibleName("New evidence")
        self.evidence_edit.setPlaceholderText("A link or a short description")
        self.evidence_edit.setMaxLength(v.MAX_URL)
        self.evidence_add = QPushButton("Add")
        self.evidence_add.setAccessibleName("Add evidence")
        self.evidence_remove = QPushButton("Remove")
        self.evidence_remove.setAccessibleName("Remove evidence")
        self.evidence_remove.setToolTip("Remove the selected evidence (Delete)")
        ev_head = QHBoxLayout()
        ev_head.addWidget(heading("Evidence", 0))
        ev_head.addStretch(1)
        ev_head.addWidget(self.evidence_remove)
        ev_row = QHBoxLayout()
        ev_row.addWidget(self.evidence_edit, 1)
        ev_row.addWidget(self.evidence_add)
        mbox.addLayout(ev_head)
        mbox.addWidget(self.evidence_list)
        mbox.addLayout(ev_row)
        box.addWidget(self.milestone_box)

        # Certifications that evidence the skill (milestones and skills).
        self.certs_heading = heading("Certifications for this skill", 0)
        self.certs_label = label(wrap=True)
        self.certs_label.setAccessibleName("Certifications for this skill")
        box.addWidget(self.certs_heading)
        box.addWidget(self.certs_label)
        box.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setMinimumWidth(300)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.detail_scroll = scroll
        self._show_nothing()

    def _connect(self) -> None:
        self.filter_edit.textChanged.connect(lambda _text: self.filter_timer.start())
        self.filter_timer.timeout.connect(self._apply_filters)
        self.level_filter.currentIndexChanged.connect(self._apply_filters)
        self.state_filter.currentIndexChanged.connect(self._apply_filters)
        self.review_filter.currentIndexChanged.connect(self._apply_filters)
        self.tree.done_requested.connect(self.mark_selected_done)
        self.tree.state_requested.connect(self.set_selected_state)
        self.tree.circle_clicked.connect(self.cycle_state)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)
        self.state_combo.activated.connect(self._state_chosen)
        self.note_edit.textChanged.connect(self._note_edited)
        self.evidence_add.clicked.connect(self.add_evidence)
        self.evidence_edit.returnPressed.connect(self.add_evidence)
        self.evidence_remove.clicked.connect(self.remove_evidence)
        self.evidence_list.delete_pressed.connect(self.remove_evidence)
        self.evidence_list.itemActivated.connect(self._open_evidence)
        self.evidence_list.currentRowChanged.connect(self._update_evidence_buttons)
        self.evidence_edit.textChanged.connect(self._update_evidence_buttons)

    def _tab_order(self) -> None:
        order = (self.filter_edit, self.level_filter, self.state_filter, self.review_filter,
                 self.tree,
                 self.state_combo, self.note_edit, self.evidence_list, self.evidence_edit,
                 self.evidence_add, self.evidence_remove)
        for a, b in zip(order, order[1:]):
            self.setTabOrder(a, b)

    # ================================================================ data
    def reload(self) -> None:
        """Rebuild from the Store (start, new curriculum); keeps selection and expansion."""
        cur = self._cur = self.ctx.store.curriculum()
        expanded = self._expanded_ids() if self.model.rowCount() else None
        current = self._current_key()
        selected = self.selected_milestones()
        self._read_progress()
        self._reviews = self.ctx.store.reviews()
        self._held = self._held_certs()
        self.level_filter.blockSignals(True)
        keep_level = self.level_filter.currentData()
        self.level_filter.clear()
        self.level_filter.addItem("All levels", None)
        for lv in cur.levels:
            self.level_filter.addItem(lv.title, lv.id)
        self.level_filter.insertSeparator(self.level_filter.count())
        for lv in cur.levels:
            self.level_filter.addItem(f"Needed for {lv.title}", NEEDED + lv.id)
            self.level_filter.setItemData(
                self.level_filter.count() - 1,
                f"Everything still needed to be ready for {lv.title}: its own milestones "
                "and those of the levels below", Qt.ItemDataRole.ToolTipRole)
        self.level_filter.setCurrentIndex(max(0, self.level_filter.findData(keep_level)))
        self.level_filter.blockSignals(False)
        self.model.load(cur, self._states, self._verdicts())
        self.model.set_review_notes(self._review_notes())
        self._set_level_filter()
        self._size_columns()
        if expanded is None:
            self._expand_default()
        else:
            self._restore_expansion(expanded)
        self._select_milestones(selected, current)
        if current is None or not self.tree.currentIndex().isValid():
            self._show_nothing()
        self._update_count()
        self._update_readiness()

    def _read_progress(self) -> None:
        progress = self.ctx.store.progress()
        self._states = {k: p.state for k, p in progress.items()}
        self._notes = {k: p.note for k, p in progress.items()}

    def _verdicts(self) -> dict[str, str]:
        return {k: r.verdict for k, r in self._reviews.items()}

    def _review_notes(self) -> dict[str, str]:
        """Milestone id -> why its "verified" verdict is not proven, for the State column."""
        from tracker.exchange.signing import OTHER_KEY

        out = {}
        for k, r in self._reviews.items():
            if r.verdict != "verified":
                continue
            state, _ = self._review_signature(r)
            if state != "signed":
                out[k] = {"unsigned": "unsigned", OTHER_KEY: "signed with another key"}.get(
                    state, "signature not valid")
        return out

    def on_changed(self, kinds: frozenset[str]) -> None:
        if Kinds.CURRICULUM in kinds:
            if self.ctx.store.curriculum() is not self._cur:
                self.reload()
                return
            # Same pack (e.g. "everything may have changed" after the command line wrote):
            # update in place so selection, expansion and filters stay.
            kinds = kinds | {Kinds.PROGRESS, Kinds.NOTES, Kinds.REVIEWS, Kinds.CERTS}
        if Kinds.PROGRESS in kinds or Kinds.NOTES in kinds:
            self._read_progress()
        if Kinds.PROGRESS in kinds or Kinds.PROFILE in kinds:
            self._set_level_filter()  # "Needed for" follows the states (and the stack)
        if Kinds.PROGRESS in kinds:
            self.model.set_states(self._states)
            self._update_count()
            self._update_readiness()
        if Kinds.REVIEWS in kinds:
            self._reviews = self.ctx.store.reviews()
            self.model.set_reviews(self._verdicts())
            self.model.set_review_notes(self._review_notes())
        if Kinds.CERTS in kinds:
            self._held = self._held_certs()
        if Kinds.PROFILE in kinds:
            self._update_readiness()
        if kinds & {Kinds.PROGRESS, Kinds.NOTES, Kinds.REVIEWS, Kinds.CERTS}:
            self._refresh_detail(reload_evidence=Kinds.NOTES in kinds)

    # ================================================================ navigation
    def focus_filter(self) -> None:
        """Edit > Find (Ctrl+F)."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def open_item(self, arg: object) -> None:
        """Select and reveal a milestone (by id) and show its details; or, for a
        :class:`TreeFilter`, show the tree with that filter alone."""
        if isinstance(arg, TreeFilter):
            self.show_filter(arg)
            return
        if not isinstance(arg, str):
            return
        src = self.model.index_for(arg)
        if not src.isValid():
            self.ctx.status_message.emit(f"No milestone {arg!r} in the current curriculum")
            return
        px = self.proxy.mapFromSource(src)
        if not px.isValid():  # hidden by the filters: clear them
            self.clear_filters()
            px = self.proxy.mapFromSource(src)
        parent = px.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()
        sel = self.tree.selectionModel()
        sel.setCurrentIndex(px, QItemSelectionModel.SelectionFlag.ClearAndSelect
                            | QItemSelectionModel.SelectionFlag.Rows)
        self.tree.scrollTo(px, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_filters(self) -> None:
        for box in (self.level_filter, self.state_filter, self.review_filter):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.filter_edit.clear()
        self._apply_filters()

    def show_filter(self, f: TreeFilter) -> None:
        """Clear the filters, set ``f``'s and make the first milestone shown current (so
        the keys 1/2/3 and the detail pane work at once)."""
        for box, data in ((self.level_filter, NEEDED + f.needed_for if f.needed_for else None),
                          (self.state_filter, None), (self.review_filter, f.review)):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(data)))
            box.blockSignals(False)
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self._apply_filters()
        shown = self.visible_milestone_ids()
        if shown:
            px = self.proxy.mapFromSource(self.model.index_for(shown[0]))
            self.tree.selectionModel().setCurrentIndex(
                px, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.tree.scrollTo(px)
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def needed_level(self) -> str | None:
        """The level whose "Needed for" filter is on, or None."""
        data = self.level_filter.currentData()
        return data[len(NEEDED):] if isinstance(data, str) and data.startswith(NEEDED) else None

    def _set_level_filter(self) -> None:
        """Push the level combo's choice into the proxy: one level, or the milestones
        still needed for one (recomputed from the current states)."""
        needed = self.needed_level()
        cur = self.ctx.store.curriculum()
        if needed is not None and needed in cur.level_by_id:
            stack = self.ctx.store.profile().stack_map
            self.proxy.set_level(None)
            self.proxy.set_needed(rd.needed_milestones(cur, self._states, needed, stack))
            self._needed_units = sum(1 for g in rd.level_readiness(
                cur, self._states, needed, stack).gaps if not g.elective)
        else:
            self.proxy.set_needed(None)
            self.proxy.set_level(self.level_filter.currentData() if needed is None else None)

    # ================================================================ filters
    def _apply_filters(self, *_args) -> None:
        self.filter_timer.stop()
        was = self.proxy.is_filtering()
        if not was and self._saved_expansion is None:
            self._saved_expansion = self._expanded_ids()
        self.proxy.set_text(self.filter_edit.text())
        self._set_level_filter()
        self.proxy.set_state(self.state_filter.currentData())
        self.proxy.set_review(self.review_filter.currentData())
        if self.proxy.is_filtering():
            self.tree.expandAll()
        elif self._saved_expansion is not None:
            self._restore_expansion(self._saved_expansion)
            self._saved_expansion = None
            cur = self.tree.currentIndex()
            if cur.isValid():
                self.tree.scrollTo(cur)
        self._update_count()

    def visible_milestone_ids(self) -> list[str]:
        """Milestones the filters let through, in tree order (through the proxy)."""
        out: list[str] = []

        def walk(parent: QModelIndex) -> None:
            for r in range(self.proxy.rowCount(parent)):
                ix = self.proxy.index(r, 0, parent)
                if ix.data(KindRole) == MILESTONE:
                    out.append(ix.data(IdRole))
                else:
                    walk(ix)

        walk(QModelIndex())
        return out

    def _update_count(self, *_args) -> None:
        done, total = self.model.totals()
        if self.proxy.is_filtering():
            shown = len(self.visible_milestone_ids())
            self.count_label.setText(f"{shown} of {total} shown")
            needed = self.needed_level()
            cur = self.ctx.store.curriculum()
            if needed in cur.level_by_id and not self.filter_edit.text().strip() and \
                    self.state_filter.currentData() is None and \
                    self.review_filter.currentData() is None:
                units = getattr(self, "_needed_units", shown)
                short = short_level_titles(cur.levels).get(needed, needed)
                self.count_label.setText(f"{units} still needed for {short}")
                self.count_label.setToolTip(
                    f"Every requirement left for {cur.level_by_id[needed].title} and the "
                    f"levels below it: {units}, shown as {shown} milestones (a \u201cone "
                    "of\u201d requirement shows each option; any one counts)")
                return
        else:
            self.count_label.setText(f"{done} of {total} done")
        self.count_label.setToolTip("")

    def _update_readiness(self) -> None:
        cur = self.ctx.store.curriculum()
        if not cur.levels:
            self.readiness_label.setText("")
            return
        # Percent and ready of every level at once, in O(done milestones): the numbers of
        # rd.level_readiness without its gaps (a property test holds them equal); built
        # once per curriculum, this line costs a tick little even on a large pack.
        summary = {s.level: s for s in rd.CurriculumIndex.of(cur).summarize(self._states)}
        target = self.ctx.store.profile().target_level
        if target not in cur.level_by_id:
            current = None
            for lv in sorted(cur.levels, key=lambda lv: lv.rank):  # as rd.current_level
                if not summary[lv.id].ready:
                    break
                current = lv
            nxt = rd.next_level(cur, current)
            target = (nxt or cur.levels[-1]).id
        r = summary[target]
        level = cur.level_by_id[target]
        mark = "ready" if r.ready else f"threshold {level.threshold:g}%"
        self.readiness_label.setText(f"{level.title}: {r.percent:.1f}% ({mark})")

    # ================================================================ expansion
    def _expanded_ids(self) -> set[tuple[str, str]]:
        out = set()
        for r in range(self.model.rowCount()):
            a = self.model.index(r, 0)
            if self.tree.isExpanded(self.proxy.mapFromSource(a)):
                out.add((AREA, a.data(IdRole)))
            for s in range(self.model.rowCount(a)):
                sk = self.model.index(s, 0, a)
                if self.tree.isExpanded(self.proxy.mapFromSource(sk)):
                    out.add((SKILL, sk.data(IdRole)))
        return out

    def _restore_expansion(self, ids: set[tuple[str, str]]) -> None:
        self.tree.collapseAll()
        for kind, ident in ids:
            px = self.proxy.mapFromSource(self.model.index_for_group(kind, ident))
            if px.isValid():
                self.tree.expand(px)

    def _expand_default(self) -> None:
        """Areas open, skills closed: the whole curriculum at a glance."""
        for r in range(self.proxy.rowCount()):
            self.tree.expand(self.proxy.index(r, 0))

    # ================================================================ selection
    def selected_milestones(self) -> list[str]:
        sel = self.tree.selectionModel()
        if sel is None:
            return []
        ids = [ix.data(IdRole) for ix in sel.selectedRows() if ix.data(KindRole) == MILESTONE]
        if not ids:
            cur = self.tree.currentIndex()
            if cur.isValid() and cur.data(KindRole) == MILESTONE:
                ids = [cur.data(IdRole)]
        return ids

    def _current_key(self) -> tuple[str, str] | None:
        ix = self.tree.currentIndex()
        return (ix.data(KindRole), ix.data(IdRole)) if ix.isValid() else None

    def _select_milestones(self, ids: list[str], current: tuple[str, str] | None) -> None:
        sel = self.tree.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for mid in ids:
            px = self.proxy.mapFromSource(self.model.index_for(mid))
            if px.isValid():
                sel.select(px, flags)
        if current:
            kind, ident = current
            src = self.model.index_for(ident) if kind == MILESTONE else \
                self.model.index_for_group(kind, ident)
            px = self.proxy.mapFromSource(src)
            if px.isValid():
                sel.setCurrentIndex(px, QItemSelectionModel.SelectionFlag.NoUpdate)

    # ================================================================ state changes
    def mark_selected_done(self) -> bool:
        """Space: mark the selected milestones done. When all of them are done already it
        changes nothing and says which keys do (Space never silently undoes done)."""
        ids = self.selected_milestones()
        if not ids:
            return False
        if not self.ctx.read_only and all(self._states.get(m) == rd.DONE for m in ids):
            what = "Already done" if len(ids) == 1 else f"All {len(ids)} already done"
            self.ctx.status_message.emit(
                f"{what}: press {STATE_KEYS[rd.TODO]} for To do or {STATE_KEYS[rd.LEARNING]} "
                "for Learning (nothing was changed)")
            return False
        return self.set_state(ids, rd.DONE)

    def set_selected_state(self, state: str) -> bool:
        """The keys 1, 2, 3: this state for the selected milestones (one undo step)."""
        ids = self.selected_milestones()
        return self.set_state(ids, state) if ids else False

    def cycle_state(self, mid: str) -> bool:
        """A click on a milestone's circle: To do → Learning → Done → To do."""
        if self.ctx.read_only:  # review mode: the click only selects the row
            self.ctx.status_message.emit("A read-only review: states are the learner's")
            return False
        return self.set_state([mid], NEXT_STATE[self._states.get(mid, rd.TODO)])

    def set_state(self, ids: list[str], state: str) -> bool:
        if self.read_only:
            return False
        changes = {m: state for m in ids if self._states.get(m, rd.TODO) != state}
        if not changes:
            return False
        label_ = STATE_LABELS[state].lower()
        if len(changes) == 1:
            node = self.model.milestone_node(next(iter(changes)))
            text = f"Mark “{node.title if node else next(iter(changes))}” {label_}"
        else:
            text = f"Mark {len(changes)} milestones {label_}"
        return perform(self.ctx, SetStates(self.ctx, changes, text=text))

    def _state_chosen(self, index: int) -> None:
        if self._note_mid:
            self.set_state([self._note_mid], self.state_combo.itemData(index))

    def _context_menu(self, pos: QPoint) -> None:
        ids = self.selected_milestones()
        menu = QMenu(self)
        for st in rd.STATES:
            act = menu.addAction(state_icon(st), f"Mark as {STATE_LABELS[st]}")
            act.setShortcut(QKeySequence(STATE_KEYS[st]))
            act.setToolTip(STATE_HELP)
            act.setEnabled(bool(ids))
            act.triggered.connect(lambda _=False, st=st: self.set_state(ids, st))
        menu.addSeparator()
        menu.addAction("Expand all", self.tree.expandAll)
        menu.addAction("Collapse all", self.tree.collapseAll)
        if pos.isNull() or not self.tree.viewport().rect().contains(pos):
            rect = self.tree.visualRect(self.tree.currentIndex())
            pos = rect.bottomLeft() if rect.isValid() else QPoint(0, 0)
        if self.read_only:  # review mode: only what changes the view, nothing to mark
            for act in menu.actions():
                if act.text() not in VIEW_ACTIONS:
                    menu.removeAction(act)
        self._menu = menu
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    # ================================================================ details
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.save_note()
        if not current.isValid():
            self._show_nothing()
            return
        self._shown = (current.data(KindRole), current.data(IdRole))
        self._refresh_detail(reload_evidence=True)

    def _show_nothing(self) -> None:
        self._shown = None
        self._note_mid = None
        self.placeholder.show()
        for w in (self.detail_title, self.detail_path, self.detail_meta, self.detail_desc,
                  self.detail_links, self.milestone_box, self.certs_heading, self.certs_label):
            w.hide()

    def _refresh_detail(self, *, reload_evidence: bool = False) -> None:
        if self._shown is None:
            return
        kind, ident = self._shown
        cur = self.ctx.store.curriculum()
        self.placeholder.hide()
        for w in (self.detail_title, self.detail_path, self.detail_meta):
            w.show()
        if kind == MILESTONE:
            m = cur.milestone_by_id.get(ident)
            if m is None:
                self._show_nothing()
                return
            skill = cur.skill_by_id[m.skill]
            area = cur.area_by_id.get(skill.area)
            level = cur.level_by_id.get(m.level)
            self.detail_title.setText(m.title)
            self.detail_path.setText(f"{area.title if area else skill.area} › {skill.title}")
            meta = [f"Level: {level.title if level else m.level}"]
            ch = cur.choice_of.get(m.id)
            if ch is not None:
                if ch.core:
                    meta.append("Core requirement, met by any one of its options")
                if ch.weight != 1:
                    meta.append(f"Weight {ch.weight}")
            else:
                if m.core:
                    meta.append("Core milestone (needed to be ready for its level)")
                if m.elective:
                    meta.append("Elective: counts for breadth, never required")
                if m.weight != 1:
                    meta.append(f"Weight {m.weight}")
            self.detail_meta.setText(" · ".join(meta))
            self.detail_desc.setText(m.description)
            self.detail_desc.setVisible(bool(m.description))
            self.detail_links.setText(self._links_text(cur, m))
            self.detail_links.setVisible(bool(self.detail_links.text()))
            self.milestone_box.show()
            if reload_evidence or self._note_mid != ident:
                self._evidence = self.ctx.store.evidence(ident)
            self._show_state(ident)
            self._show_review(self._reviews.get(ident))
            self._show_note(ident)
            self._show_evidence()
            self._show_certs(m.skill)
        else:
            self._note_mid = None
            self.milestone_box.hide()
            if kind == SKILL:
                group = cur.skill_by_id.get(ident)
                if group is None:
                    self._show_nothing()
                    return
                area = cur.area_by_id.get(group.area)
                title, desc, path = group.title, group.description, area.title if area else ""
            else:
                area = cur.area_by_id.get(ident)
                if area is None:
                    self._show_nothing()
                    return
                title, desc, path = area.title, area.description, "Skill area"
            node_ix = self.model.index_for_group(kind, ident)
            done = self.model.data(node_ix.siblingAtColumn(STATE_COL))
            self.detail_title.setText(title)
            self.detail_path.setText(path)
            self.detail_meta.setText(f"Milestones: {done}")
            self.detail_desc.setText(desc)
            self.detail_desc.setVisible(bool(desc))
            self.detail_links.hide()
            if kind == SKILL:
                self._show_certs(ident)
            else:
                self.certs_heading.hide()
                self.certs_label.hide()

    def _show_state(self, mid: str) -> None:
        state = self._states.get(mid, rd.TODO)
        self.state_combo.blockSignals(True)
        self.state_combo.setCurrentIndex(max(0, self.state_combo.findData(state)))
        self.state_combo.blockSignals(False)

    def _show_review(self, review: Review | None) -> None:
        self.review_card.setVisible(review is not None)
        if review is None:
            return
        self.review_icon.setPixmap(review_icon(review.verdict).pixmap(16, 16))
        state, key = self._review_signature(review)
        label = VERDICT_LABELS.get(review.verdict, review.verdict)
        if state != "signed" and review.verdict == "verified":
            label += " (not proven: see the signature)"  # never shown as verified
        self.review_verdict.setText(label)
        self.review_comment.setText(review.comment)
        self.review_comment.setVisible(bool(review.comment))
        by = f"by {review.reviewer}" if review.reviewer else ""
        when = review.reviewed_at[:10] if review.reviewed_at else ""
        from tracker.exchange.signing import describe, fingerprint

        signature = describe(state, review.reviewer, fingerprint(key) if key else "")
        self.review_by.setText(" on ".join(x for x in (by, when) if x)
                               + f"\nSignature: {signature}")

    def _review_signature(self, review: Review) -> tuple[str, str]:
        """(state, public key) of an imported verdict; a mentor's own review mode (a file
        store) has no signature records: its verdicts are the mentor's own, unsigned yet."""
        lookup = getattr(self.ctx.store, "review_signature", None)
        if lookup is None:
            return "unsigned", ""
        try:
            return lookup(review)
        except Exception:  # a read error here must not hide the verdict itself
            return "unsigned", ""

    def _show_note(self, mid: str) -> None:
        stored = self._notes.get(mid, "")
        # Same milestone: only replace the text when it changed elsewhere (undo, the
        # command line) and the learner has nothing unsaved.
        if self._note_mid == mid and (self.note_timer.isActive()
                                      or self.note_edit.toPlainText() == stored):
            return
        self._note_mid = mid
        self._loading_note = True
        self.note_edit.setPlainText(stored)
        self._loading_note = False
        self.note_status.setText("")

    def _show_evidence(self) -> None:
        self.evidence_list.clear()
        for ev in self._evidence:
            item = QListWidgetItem(ev.text)
            item.setData(Qt.ItemDataRole.UserRole, ev.id)
            if v.URL_RE.match(ev.text):
                item.setToolTip("Double-click or press Enter to open in the browser")
            self.evidence_list.addItem(item)
        if not self._evidence:
            item = QListWidgetItem("No evidence yet")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.evidence_list.addItem(item)
        self._update_evidence_buttons()

    def _links_text(self, cur, m) -> str:
        """Plain text: the choice this milestone is an option of, and its prerequisites
        with their state."""
        lines = []
        ch = cur.choice_of.get(m.id)
        if ch is not None:
            lines.append(f"One of {len(ch.options)} ways to meet \u201c{ch.title}\u201d; "
                         "any one counts:")
            for o in ch.options:
                om = cur.milestone_by_id.get(o)
                state = self._states.get(o, "todo")
                mark = "✓" if state == "done" else ("→" if o == m.id else "·")
                lines.append(f"  {mark} {om.title if om else o}")
        if m.requires:
            lines.append("Needs first:")
            for r in m.requires:
                rm = cur.milestone_by_id.get(r)
                done = self._states.get(r) == "done"
                lines.append(f"  {'✓' if done else '·'} {rm.title if rm else r}"
                             + ("" if done else " (not done yet)"))
        return "\n".join(lines)

    def _held_certs(self) -> dict[str, str]:
        """Catalog id -> the signature state of the held certification (see levels)."""
        from tracker.ui.pages.levels import held_certifications

        return held_certifications(self.ctx.store.curriculum(), self.ctx.store.certifications())

    def _show_certs(self, skill_id: str) -> None:
        cur = self.ctx.store.curriculum()
        certs = [c for c in cur.certifications if skill_id in c.skills]
        self.certs_heading.setVisible(True)
        self.certs_label.setVisible(True)
        if not certs:
            self.certs_label.setText("None in the catalog.")
            return
        lines = []
        for c in certs:
            line = f"• {c.name} ({c.issuer})"
            if c.retired:
                line += f", retired by the issuer on {c.retired_on}"
                if c.replaced_by in cur.certification_by_id:
                    line += f" (successor: {cur.certification_by_id[c.replaced_by].name})"
            elif c.level in cur.level_by_id:
                line += f", recommended at {cur.level_by_id[c.level].title}"
            if c.id in self._held:
                from tracker.ui.pages.levels import HELD_MARKS

                line += (" ✓ you hold this" + (" (still yours; retired by the issuer)"
                                               if c.retired else "")
                         + f"; {HELD_MARKS[self._held[c.id]][1]}")
            lines.append(line)
        self.certs_label.setText("\n".join(lines))

    # ================================================================ notes
    def _note_edited(self) -> None:
        if self._loading_note or self._note_mid is None:
            return
        self.note_status.setText("Editing…")
        self.note_timer.start()

    def save_note(self) -> bool:
        """Save the note being edited (debounce timeout, focus-out, selection change)."""
        self.note_timer.stop()
        mid = self._note_mid
        if mid is None or self.read_only:
            return False
        text = self.note_edit.toPlainText()
        if text == self._notes.get(mid, ""):
            if self.note_status.text() == "Editing…":
                self.note_status.setText("Saved")
            return False
        if len(text) > v.MAX_NOTE:
            self.note_status.setText(f"Too long to save ({len(text):,} characters; at most "
                                     f"{v.MAX_NOTE:,})")
            return False
        if self._save_note_op(mid, text):
            self._notes[mid] = text
            if self._note_mid == mid:
                self.note_status.setText("Saved")
            return True
        self.note_status.setText("Not saved")
        return False

    def _save_note_op(self, mid: str, text: str) -> bool:
        """Save through SetNote; consecutive edits of one note merge into one undo step
        (SetNote.mergeWith)."""
        return perform(self.ctx, SetNote(self.ctx, mid, text))

    def eventFilter(self, obj, event) -> bool:
        if obj is self.note_edit and event.type() == QEvent.Type.FocusOut:
            self.save_note()
        elif obj is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape and self.filter_edit.text():
                self.filter_edit.clear()
                self._apply_filters()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._apply_filters()
                return True
            if event.key() == Qt.Key.Key_Down:
                if self.filter_timer.isActive():
                    self._apply_filters()
                self.tree.setFocus(Qt.FocusReason.TabFocusReason)
                if not self.tree.currentIndex().isValid() and self.proxy.rowCount():
                    self.tree.setCurrentIndex(self.proxy.index(0, 0))
                return True
        return super().eventFilter(obj, event)

    def hideEvent(self, e) -> None:
        self.save_note()  # leaving the page keeps what was typed
        super().hideEvent(e)

    # ================================================================ evidence
    def _update_evidence_buttons(self, *_args) -> None:
        item = self.evidence_list.currentItem()
        self.evidence_remove.setEnabled(
            item is not None and item.data(Qt.ItemDataRole.UserRole) is not None)
        self.evidence_add.setEnabled(bool(self.evidence_edit.text().strip()))

    def add_evidence(self) -> bool:
        text = self.evidence_edit.text().strip()
        if not text or self._note_mid is None or self.read_only:
            return False
        if perform(self.ctx, AddEvidence(self.ctx, self._note_mid, text)):
            self.evidence_edit.clear()
            return True
        return False

    def remove_evidence(self) -> bool:
        item = self.evidence_list.currentItem()
        ev_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        ev = next((e for e in self._evidence if e.id == ev_id), None)
        if ev is None or self.read_only:
            return False
        row = self.evidence_list.currentRow()
        if perform(self.ctx, RemoveEvidence(self.ctx, ev)):
            if self._evidence:
                self.evidence_list.setCurrentRow(min(row, len(self._evidence) - 1))
            return True
        return False

    def _open_evidence(self, item: QListWidgetItem) -> None:
        text = item.text()
        if v.URL_RE.match(text):
            QDesktopServices.openUrl(QUrl(text))

    # ================================================================ review mode
    def set_read_only(self, read_only: bool) -> None:
        """Review mode: the learner's states, note and evidence are shown, never offered for
        editing (no state box, no evidence field or buttons, a read-only note, no "Mark as"
        in the context menu; Space and Delete do nothing)."""
        super().set_read_only(read_only)
        for w in (self.state_label, self.state_combo, self.evidence_edit, self.evidence_add,
                  self.evidence_remove):
            w.setVisible(not read_only)
        self.note_edit.setReadOnly(read_only)
        self.note_edit.setPlaceholderText(
            "No note from the learner." if read_only
            else "Your notes on this milestone: saved as you type.")
        self.placeholder.setText(
            "Select a milestone to see its details, the learner's note and evidence."
            if read_only else
            "Select a milestone to see its details, write a note and add evidence.")
        self.model.edit_hints = not read_only
