"""The welcome dialog (first start) and the profile dialog (Edit > Profile): name, target
level and the learner's stack (which option of each "one of" requirement they work with). Saving goes through ``operations.SetProfile`` so it is one transaction and
undoable. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit,
                               QVBoxLayout, QWidget)

from tracker import readiness as rd
from tracker import validation as v
from tracker.db.errors import InputError
from tracker.ui import theme
from tracker.ui.context import AppContext
from tracker.ui.operations import SetProfile, perform
from tracker.ui.widgets import label

NAME_LIMIT = v.MAX_NAME  # the profile's rule (tracker.validation), as in the CLI and files


class ProfileDialog(QDialog):
    """Asks for the learner's name and target level. ``first_run`` makes it the welcome
    (with a Skip button); ``skipped`` is True after Skip."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 first_run: bool = False):
        super().__init__(parent)
        self.ctx = ctx
        self.skipped = False
        self.setWindowTitle("Welcome" if first_run else "Profile")
        self.setModal(True)
        profile = ctx.store.profile()
        cur = ctx.store.curriculum()

        lay = QVBoxLayout(self)
        lay.setSpacing(theme.SPACING)
        m = theme.MARGIN
        lay.setContentsMargins(m, m, m, m)
        if first_run:
            lay.addWidget(label("Welcome to MLOps Career Tracker", point_delta=4, bold=True))
            lay.addWidget(label("Tick off what you can do and see how ready you are for each "
                                "level, from Junior MLOps Engineer to Director of MLOps. Tell "
                                "the app who you are and where you are heading; you can change "
                                "both later in Edit > Profile.", wrap=True))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit(profile.name)
        self.name.setMaxLength(NAME_LIMIT)
        self.name.setPlaceholderText("Your name")
        self.name.setAccessibleName("Your name")
        self.target = QComboBox()
        self.target.setAccessibleName("Target level")
        self.target.addItem("Not decided yet", None)
        for lv in cur.levels:
            self.target.addItem(lv.title, lv.id)
        index = self.target.findData(profile.target_level)
        self.target.setCurrentIndex(index if index >= 0 else 0)
        form.addRow("&Name:", self.name)
        form.addRow("&Target level:", self.target)
        # The stack: only names which option a "one of" gap suggests; readiness is the
        # same whichever option a learner did.
        self.stack: dict[str, QComboBox] = {}
        current = profile.stack_map
        for key, options in rd.stack_options(cur).items():
            box = QComboBox()
            box.setAccessibleName(f"Your stack: {key}")
            box.addItem("Not set (show every option)", None)
            for value, title in options:
                box.addItem(title, value)
            index = box.findData(current.get(key))
            box.setCurrentIndex(index if index >= 0 else 0)
            self.stack[key] = box
            form.addRow(f"{key.replace('-', ' ').capitalize()}:", box)
        lay.addLayout(form)
        if self.stack:
            lay.addWidget(label("Any option of a \u201cone of\u201d requirement counts; "
                                "your stack only decides which one your next steps name.",
                                role="muted", wrap=True))
        self.hint = label("", role="muted", wrap=True)
        lay.addWidget(self.hint)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Get started" if first_run else "Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        if first_run:
            self.skip_button = self.buttons.addButton("Skip",
                                                      QDialogButtonBox.ButtonRole.RejectRole)
            self.skip_button.clicked.connect(self._skip)
        else:
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.name.textChanged.connect(self._validate)
        self._validate()
        self.setMinimumWidth(460)
        self.name.setFocus()

    def problem(self) -> str | None:
        """Why the name cannot be saved (the Store's rule, one sentence), or None."""
        if not self.name.text().strip():
            return "Enter a name to continue" + (", or skip for now."
                                                 if hasattr(self, "skip_button") else ".")
        try:
            v.check_name(self.name.text())
        except InputError as exc:
            text = str(exc)
            return text[:1].upper() + text[1:] + "."
        return None

    def _validate(self) -> None:
        problem = self.problem()
        self.save_button.setEnabled(problem is None)
        self.hint.setText(problem or "")

    def _skip(self) -> None:
        self.skipped = True
        self.reject()

    def _save(self) -> None:
        name = self.name.text().strip()
        if self.problem() is not None:
            return
        profile = self.ctx.store.profile()
        fields: dict[str, object] = {}
        if name != profile.name:
            fields["name"] = name
        target = self.target.currentData()
        if target != profile.target_level:
            fields["target_level"] = target
        before = profile.stack_map
        stack = {k: box.currentData() for k, box in self.stack.items()
                 if box.currentData() != before.get(k)}
        if stack:
            fields["stack"] = stack
        if fields and not perform(self.ctx, SetProfile(self.ctx, **fields)):
            return
        self.accept()
