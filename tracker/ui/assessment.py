"""The self-assessment: a learner marks whole levels or whole skills as "I can do this",
reviews the list of milestones that will be marked done, and saves it as ONE undoable step
(``operations.SetStates``). Offered after the welcome dialog, from Edit > Self-Assessment…
and from the dashboard's getting-started list.

What a checked level marks: its milestones, except the options of a "one of" requirement
(the cloud, the framework...): only the option the learner's stack names is marked, and
none when the stack names none (a learner works with one cloud, not all three). A checked
skill marks every one of its milestones: the learner picked it by name.

:func:`assessment_changes` is pure (no Qt); the dialog only collects the choices.
GUI thread only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QHBoxLayout, QListWidget, QListWidgetItem,
                               QPushButton, QStackedWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from tracker import readiness as rd
from tracker.curriculum.model import Curriculum
from tracker.ui import theme
from tracker.ui.context import AppContext
from tracker.ui.operations import SetStates, perform
from tracker.ui.widgets import heading, label

SkillRole = Qt.ItemDataRole.UserRole + 1


def _stack_option(cur: Curriculum, option: str, stack: Mapping[str, str]) -> bool:
    """Whether the learner's stack names this option of a "one of" requirement."""
    ch = cur.choice_of.get(option)
    if ch is None:
        return False
    want = stack.get(ch.id) or stack.get(rd.stack_key(ch))
    m = cur.milestone_by_id.get(option)
    return bool(want and m is not None and rd.stack_matches(want, m))


def assessment_changes(cur: Curriculum, states: Mapping[str, str],
                       stack: Mapping[str, str], levels: Collection[str],
                       skills: Collection[str]) -> dict[str, str]:
    """Milestone id -> "done" for what the learner says they can do (those already done are
    left out), in the pack's order."""
    out: dict[str, str] = {}
    for m in cur.milestones:
        if states.get(m.id) == rd.DONE:
            continue
        # a whole skill marks all of it; a whole level leaves "one of" options to the stack
        if m.skill in skills or (m.level in levels and (m.id not in cur.choice_of
                                                        or _stack_option(cur, m.id, stack))):
            out[m.id] = rd.DONE
    return out


def skipped_options(cur: Curriculum, states: Mapping[str, str], stack: Mapping[str, str],
                    levels: Collection[str], skills: Collection[str]) -> list[str]:
    """The "one of" requirements of the checked levels that stay for the learner to tick
    (no option done, none chosen by a skill or the stack): their titles."""
    chosen = assessment_changes(cur, states, stack, levels, skills)
    out = []
    for ch in cur.choices:
        if ch.level in levels and not any(o in chosen or states.get(o) == rd.DONE
                                           for o in ch.options):
            out.append(ch.title)
    return out


class AssessmentDialog(QDialog):
    """Two steps: choose (levels, skills), then review the milestones and save."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("What can you already do?")
        self.setModal(True)
        self.cur = ctx.store.curriculum()
        self.states = ctx.store.states()
        self.stack = ctx.store.profile().stack_map
        self.saved = 0

        lay = QVBoxLayout(self)
        m = theme.MARGIN
        lay.setContentsMargins(m, m, m, m)
        lay.setSpacing(theme.SPACING)
        self.pages = QStackedWidget()
        lay.addWidget(self.pages, 1)
        self._build_choose()
        self._build_review()
        self.resize(640, 620)
        self._update()
        first = next(iter(self.level_boxes.values()), None)
        if first is not None:  # Space checks the first level; Tab walks on
            first.setFocus()

    # ------------------------------------------------------------ step 1: choose
    def _build_choose(self) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(label("Mark what you can already do, so your readiness starts where "
                            "you are. Nothing is saved until you have seen the list; Edit > "
                            "Undo takes it all back in one step.", wrap=True))
        box.addWidget(heading("Whole levels", 0))
        self.level_boxes: dict[str, QCheckBox] = {}
        for lv in self.cur.levels:
            n = sum(1 for x in self.cur.milestones if x.level == lv.id)
            cb = QCheckBox(f"I can do everything at {lv.title} ({n} milestones)")
            cb.setAccessibleName(f"I can do everything at {lv.title}")
            cb.toggled.connect(self._update)
            box.addWidget(cb)
            self.level_boxes[lv.id] = cb
        box.addWidget(heading("Or whole skills", 0))
        self.skill_tree = QTreeWidget()
        self.skill_tree.setAccessibleName("Skills you can do")
        self.skill_tree.setHeaderHidden(True)
        by_skill: dict[str, int] = {}
        for x in self.cur.milestones:
            by_skill[x.skill] = by_skill.get(x.skill, 0) + 1
        for area in self.cur.areas:
            skills = [s for s in self.cur.skills if s.area == area.id and by_skill.get(s.id)]
            if not skills:
                continue
            a = QTreeWidgetItem([area.title])
            a.setFlags(a.flags() | Qt.ItemFlag.ItemIsUserCheckable
                       | Qt.ItemFlag.ItemIsAutoTristate)
            a.setCheckState(0, Qt.CheckState.Unchecked)
            for s in skills:
                item = QTreeWidgetItem([f"{s.title} ({by_skill[s.id]})"])
                item.setData(0, SkillRole, s.id)
                item.setToolTip(0, "I can do every milestone of this skill")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Unchecked)
                a.addChild(item)
            self.skill_tree.addTopLevelItem(a)
        self.skill_tree.itemChanged.connect(lambda *_: self._update())
        box.addWidget(self.skill_tree, 1)
        self.summary = label("", role="muted", wrap=True)
        box.addWidget(self.summary)
        row = QHBoxLayout()
        row.addStretch(1)
        self.later_button = QPushButton("Not now")
        self.later_button.setAutoDefault(False)  # Enter must never dismiss the dialog
        self.later_button.clicked.connect(self.reject)
        self.review_button = QPushButton("Review…")
        self.review_button.setDefault(True)
        self.review_button.clicked.connect(self.show_review)
        row.addWidget(self.later_button)
        row.addWidget(self.review_button)
        box.addLayout(row)
        self.pages.addWidget(page)

    # ------------------------------------------------------------ step 2: review
    def _build_review(self) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        self.review_title = label("", bold=True, wrap=True)
        box.addWidget(self.review_title)
        self.review_list = QListWidget()
        self.review_list.setAccessibleName("Milestones that will be marked done")
        self.review_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.review_list.setTextElideMode(Qt.TextElideMode.ElideRight)  # whole in tooltips
        box.addWidget(self.review_list, 1)
        self.review_note = label("", role="muted", wrap=True)
        box.addWidget(self.review_note)
        row = QHBoxLayout()
        self.back_button = QPushButton("Back")
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.show_choices)
        self.save_button = QPushButton("Mark done")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        box.addLayout(row)
        self.pages.addWidget(page)

    # ------------------------------------------------------------ logic
    def chosen_levels(self) -> list[str]:
        return [lv for lv, cb in self.level_boxes.items() if cb.isChecked()]

    def chosen_skills(self) -> list[str]:
        out = []
        for i in range(self.skill_tree.topLevelItemCount()):
            a = self.skill_tree.topLevelItem(i)
            if a is None:
                continue
            for j in range(a.childCount()):
                s = a.child(j)
                if s is not None and s.checkState(0) == Qt.CheckState.Checked:
                    out.append(s.data(0, SkillRole))
        return out

    def changes(self) -> dict[str, str]:
        return assessment_changes(self.cur, self.states, self.stack, self.chosen_levels(),
                                  self.chosen_skills())

    def _update(self) -> None:
        n = len(self.changes())
        self.summary.setText(f"{n} milestone{'s' if n != 1 else ''} will be marked done."
                             if n else "Check a level or a skill you can already do.")
        self.review_button.setEnabled(n > 0)

    def show_review(self) -> None:
        changes = self.changes()
        if not changes:
            return
        n = len(changes)
        self.review_title.setText(f"These {n} milestone{'s' if n != 1 else ''} will be "
                                  "marked done (one step; Edit > Undo takes it back):")
        self.review_list.clear()
        by_level: dict[str, list[str]] = {}
        for mid in changes:
            by_level.setdefault(self.cur.milestone_by_id[mid].level, []).append(mid)
        for lv in self.cur.levels:
            ids = by_level.get(lv.id, [])
            if not ids:
                continue
            head = QListWidgetItem(f"{lv.title} · {len(ids)}")
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.review_list.addItem(head)
            for mid in ids:
                m = self.cur.milestone_by_id[mid]
                item = QListWidgetItem(f"  {m.title}")
                item.setToolTip(m.title)
                item.setData(Qt.ItemDataRole.UserRole, mid)
                self.review_list.addItem(item)
        left = skipped_options(self.cur, self.states, self.stack, self.chosen_levels(),
                               self.chosen_skills())
        self.review_note.setText(
            "Left for you to tick, the option you use of: " + "; ".join(left)
            + " (any one counts; Edit > Profile can name your stack)." if left else "")
        self.review_note.setVisible(bool(left))
        self.save_button.setText(f"Mark {n} done")
        self.pages.setCurrentIndex(1)
        self.review_button.setDefault(False)
        self.save_button.setDefault(True)
        self.save_button.setFocus()

    def show_choices(self) -> None:
        self.pages.setCurrentIndex(0)
        self.save_button.setDefault(False)
        self.review_button.setDefault(True)
        self.review_button.setFocus()

    def review_ids(self) -> list[str]:
        return [self.review_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.review_list.count())
                if self.review_list.item(i).data(Qt.ItemDataRole.UserRole)]

    def save(self) -> bool:
        changes = self.changes()
        if not changes:
            return False
        n = len(changes)
        text = f"Self-assessment: mark {n} milestone{'s' if n != 1 else ''} done"
        if not perform(self.ctx, SetStates(self.ctx, changes, text=text)):
            return False
        self.saved = n
        self.accept()
        return True
