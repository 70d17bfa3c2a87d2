"""The dashboard's getting-started list: three steps (mark what you can already do, set a
target level, log study time), each ticked once done, the whole card gone when all three
are. :func:`checklist` is pure; the card draws it and opens the place where each step is
done (the self-assessment, the profile dialog, the Study log). "Hide this list" puts it away
for good (``ui.ini`` in the data folder); review mode (someone else's progress) never shows it.

GUI thread only for the card.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QHBoxLayout

from tracker import readiness as rd
from tracker.ui import theme
from tracker.ui.context import AppContext
from tracker.ui.widgets import Card, LinkButton, label

ASSESS, TARGET, STUDY = "assess", "target", "study"
HIDDEN_KEY = "dashboard/gettingStartedHidden"


@dataclass(frozen=True)
class Step:
    key: str
    text: str       # the link, while the step is open
    done_text: str  # once it is done
    done: bool


def checklist(states: Mapping[str, str], target_level: str | None, studied: bool,
              levels: Mapping[str, object]) -> list[Step]:
    """The three steps and whether each is done: a milestone done or learning; a target
    level of the current curriculum; any study time logged."""
    assessed = any(s in (rd.DONE, rd.LEARNING) for s in states.values())
    return [
        Step(ASSESS, "Mark what you can already do", "Marked what you can already do",
             assessed),
        Step(TARGET, "Set a target level", "Target level set",
             bool(target_level and target_level in levels)),
        Step(STUDY, "Log your first study session", "Study time logged", studied),
    ]


class ChecklistCard(Card):
    """Getting started: one row per step, a ✓ when it is done; hidden when all are."""

    def __init__(self, ctx: AppContext):
        super().__init__("Getting started")
        self.ctx = ctx
        self.setAccessibleName("Getting started")
        self.intro = label("Three steps to make the numbers yours:", role="muted", wrap=True)
        self.body.addWidget(self.intro)
        self.rows: dict[str, tuple] = {}
        for key in (ASSESS, TARGET, STUDY):
            row = QHBoxLayout()
            row.setSpacing(8)
            mark = label("")
            mark.setMinimumWidth(18)
            link = LinkButton()
            link.setProperty("step", key)
            link.clicked.connect(self._open)
            done = label("", role="muted")
            row.addWidget(mark)
            row.addWidget(link, 1)
            row.addWidget(done, 1)
            self.body.addLayout(row)
            self.rows[key] = (mark, link, done)
        self.hide_link = LinkButton("Hide this list")
        self.hide_link.setToolTip("Put this list away for good (the steps stay in the menus: "
                                  "Edit > Self-Assessment…, Edit > Profile…, the Study log)")
        self.hide_link.clicked.connect(self.put_away)
        foot = QHBoxLayout()
        foot.addStretch(1)
        foot.addWidget(self.hide_link)
        self.body.addLayout(foot)
        self.finish()
        self.steps: list[Step] = []

    def set_steps(self, steps: list[Step]) -> None:
        self.steps = list(steps)
        pal = self.palette()
        for i, st in enumerate(self.steps, 1):
            mark, link, done = self.rows[st.key]
            mark.setText("✓" if st.done else f"{i}.")
            mark.setStyleSheet(f"color: {theme.success(pal).name()};" if st.done else "")
            link.set_full_text(st.text)
            link.setVisible(not st.done)
            done.setText(st.done_text)
            done.setVisible(st.done)
        left = sum(1 for st in self.steps if not st.done)
        if self.title_label is not None:
            self.title_label.setText(f"Getting started · {3 - left} of 3 done")
        self.setVisible(left > 0 and not self.ctx.read_only and not self.put_away_before())

    def _settings(self):
        from tracker.ui.mainwindow import ui_settings

        return ui_settings(self.ctx.store)

    def put_away_before(self) -> bool:
        return str(self._settings().value(HIDDEN_KEY, "false")).lower() == "true"

    def put_away(self) -> None:
        settings = self._settings()
        settings.setValue(HIDDEN_KEY, "true")
        settings.sync()
        self.hide()

    def _open(self) -> None:
        key = self.sender().property("step")
        window = self.window()
        if key == ASSESS:
            from tracker.ui.assessment import AssessmentDialog

            dlg: QDialog = AssessmentDialog(self.ctx, window)
        elif key == TARGET:
            from tracker.ui.welcome import ProfileDialog

            profile = ProfileDialog(self.ctx, window)
            profile.target.setFocus()
            dlg = profile
        else:
            self.ctx.navigate.emit("study", None)
            return
        from PySide6.QtCore import Qt

        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dlg
        dlg.open()
