"""The Certifications page: the learner's certifications with their status, add / edit /
delete through a dialog, and Open Badges import.

Slots collect input and call named operations (:mod:`tracker.ui.operations`) through
``perform``; reading a badge file happens in ``ctx.run_in_worker`` and only the resulting
AddCertification runs on the GUI thread.

Threading rule: GUI thread only (the worker function touches no widget).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker.db.errors import TrackerError
from tracker.db.types import Certification
from tracker.exchange.openbadges import BADGE_FILE_FILTER, already_imported, load_badge
from tracker.ui import theme
from tracker.ui.context import AppContext, Kinds
from tracker.ui.dialogs.certification import CertificationDialog
from tracker.ui.keys import is_delete_key
from tracker.ui.models.cert_table import (
    EARNED_COL,
    EXPIRES_COL,
    ISSUER_COL,
    NAME_COL,
    SIGNATURE_COL,
    STATUS_COL,
    CertIdRole,
    CertTableModel,
    SortRole,
    StatusRole,
    VerificationRole,
)
from tracker.ui.operations import (
    AddCertification,
    DeleteCertification,
    EditCertification,
    perform,
)
from tracker.ui.pages.base import Page
from tracker.ui.widgets import heading, label


_SELECT_ROW = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows


# (ideal width, least width) of every column but the name, which takes the rest.
COLUMN_ROOM = {ISSUER_COL: (190, 100), EARNED_COL: (100, 0), EXPIRES_COL: (100, 0),
               STATUS_COL: (180, 130), SIGNATURE_COL: (175, 120)}
NAME_SHARE = 0.34  # of the table's width the name keeps, when the others can give it up


def fit_columns(width: int, date_w: int) -> dict[int, int]:
    """Widths for the columns after the name in a table ``width`` pixels wide: their ideal
    widths while the name keeps at least NAME_SHARE of the table, else shrunk in proportion
    to what each can give up (never below its least; dates never below ``date_w``)."""
    ideal = {c: max(i, date_w) if not least else i for c, (i, least) in COLUMN_ROOM.items()}
    floor = {c: least or date_w for c, (_i, least) in COLUMN_ROOM.items()}
    need = max(180, int(width * NAME_SHARE)) - (width - sum(ideal.values()))
    if need <= 0:
        return ideal
    slack = {c: ideal[c] - floor[c] for c in ideal}
    total = sum(slack.values()) or 1
    give = min(need, total)
    return {c: ideal[c] - round(give * slack[c] / total) for c in ideal}


class _Table(QTableView):
    """A table that reports Delete and Enter (the page decides what they mean) and keeps
    room for the name column when it gets narrow."""

    delete_pressed = Signal()
    enter_pressed = Signal()

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self.fit_columns()

    def fit_columns(self) -> None:
        date_w = self.fontMetrics().horizontalAdvance("0000-00-00") + 24
        for col, width in fit_columns(self.viewport().width(), date_w).items():
            self.setColumnWidth(col, width)

    def keyPressEvent(self, e) -> None:
        if is_delete_key(e):
            self.delete_pressed.emit()
            return
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.enter_pressed.emit()
            return
        super().keyPressEvent(e)


def retired_by_issuer(cur, certs) -> dict[int, str]:
    """Held certifications whose catalog entry (by catalog id, else by name) the issuer
    has retired: id -> retired_on."""
    by_name = {e.name.casefold(): e for e in cur.certifications}
    out = {}
    for c in certs:
        e = cur.certification_by_id.get(c.catalog_id or "") or by_name.get(
            c.name.strip().casefold())
        if e is not None and e.retired:
            out[c.id] = e.retired_on or "an unknown date"
    return out


class CertificationsPage(Page):
    title = "Certifications"
    object_name = "certificationsPage"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today):
        super().__init__(ctx, parent)
        self._today = today
        self._loaded_day = ""
        self.dialog: CertificationDialog | None = None

        self.model = CertTableModel(today, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)

        self.table = _Table()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Certifications")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(EARNED_COL, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(False)  # the status tint is the row colour
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NAME_COL, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.fit_columns()

        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        self.import_button = QPushButton("&Import Open Badge…")
        self.add_button.setToolTip("Add a certification")
        self.edit_button.setToolTip("Edit the selected certification (double-click or Enter)")
        self.delete_button.setToolTip("Delete the selected certifications (Delete); undo "
                                      "brings them back")
        self.import_button.setToolTip("Read an Open Badge (JSON, JWT, baked PNG or SVG); its "
                                      "signature is checked offline, with the key the file "
                                      "carries")

        self.summary = label(role="muted")
        self.message = label(wrap=True)
        self.message.setAccessibleName("Import result")
        self.message.hide()
        self.empty = label("No certifications yet. Add one, or import an Open Badge file "
                           "exported from the issuer's site.", role="muted", wrap=True)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        for b in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(heading("Certifications", 4))
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self._filler = QWidget()  # takes the table's room while there is no table
        self._filler.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        layout.addWidget(self._filler, 1)

        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(self.choose_badge)
        self.table.doubleClicked.connect(lambda _ix: self.edit_selected())
        self.table.enter_pressed.connect(self.edit_selected)
        self.table.delete_pressed.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.setTabOrder(self.add_button, self.edit_button)
        self.setTabOrder(self.edit_button, self.delete_button)
        self.setTabOrder(self.delete_button, self.import_button)
        self.setTabOrder(self.import_button, self.table)
        self.reload()

    # -------------------------------------------------------- data
    def reload(self) -> None:
        keep = set(self.selected_ids())
        current = self.table.currentIndex().data(CertIdRole)
        certs = self.ctx.store.certifications()
        self._loaded_day = self._today().isoformat()
        self.model.set_certifications(certs, retired_by_issuer(self.ctx.store.curriculum(),
                                                               certs))
        self._select_ids(keep, current)
        self.empty.setVisible(not certs)
        self.table.setVisible(bool(certs))
        self._filler.setVisible(not certs)
        statuses = [self.model.data(self.model.index(r, 0), StatusRole)
                    for r in range(self.model.rowCount())]
        parts = [f"{len(certs)} certification{'s' if len(certs) != 1 else ''}"]
        if statuses.count("expiring"):
            parts.append(f"{statuses.count('expiring')} expiring within 60 days")
        if statuses.count("expired"):
            parts.append(f"{statuses.count('expired')} expired")
        checks = [self.model.data(self.model.index(r, 0), VerificationRole)
                  for r in range(self.model.rowCount())]
        if checks.count("verified"):
            parts.append(f"{checks.count('verified')} signature-verified")
        if checks.count("invalid-signature"):
            n = checks.count("invalid-signature")
            parts.append(f"{n} whose signature does not match")
        self.summary.setText(" · ".join(parts))
        self._update_buttons()

    def on_changed(self, kinds: frozenset[str]) -> None:
        if Kinds.CERTS in kinds:
            self.reload()

    def open_item(self, arg: object) -> None:
        if isinstance(arg, int):
            self._select_ids({arg}, arg)
        self.table.setFocus()

    def showEvent(self, e) -> None:
        super().showEvent(e)
        if self._loaded_day != self._today().isoformat():  # statuses depend on the date
            self.reload()

    # -------------------------------------------------------- selection
    def selected_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [ix.data(CertIdRole) for ix in sorted(rows, key=lambda i: i.row())]

    def selected_certifications(self) -> list[Certification]:
        out = []
        for cid in self.selected_ids():
            row = self.model.row_of(cid)
            if row >= 0:
                out.append(self.model.certification(row))
        return out

    def _select_ids(self, ids: set[int], current: int | None) -> None:
        sel = self.table.selectionModel()
        sel.clearSelection()
        for cid in ids:
            row = self.model.row_of(cid)
            if row >= 0:
                ix = self.proxy.mapFromSource(self.model.index(row, 0))
                sel.select(ix, _SELECT_ROW)
        if current is not None and self.model.row_of(current) >= 0:
            ix = self.proxy.mapFromSource(self.model.index(self.model.row_of(current), 0))
            sel.setCurrentIndex(ix, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(ix)

    def _update_buttons(self, *_args) -> None:
        n = len(self.table.selectionModel().selectedRows())
        self.edit_button.setEnabled(n == 1)
        self.delete_button.setEnabled(n >= 1)

    # -------------------------------------------------------- actions
    def _catalog(self):
        return self.ctx.store.curriculum().certifications

    def add(self) -> CertificationDialog | None:
        """Open the add dialog (window-modal, non-blocking); returns it (None when read-only)."""
        return None if self.read_only else self._open_dialog(None)

    def edit_selected(self) -> CertificationDialog | None:
        certs = self.selected_certifications()
        if len(certs) != 1 or self.read_only:  # review mode: double-click and Enter too
            return None
        return self._open_dialog(certs[0])

    def _open_dialog(self, cert: Certification | None) -> CertificationDialog:
        if self.dialog is not None:
            self.dialog.close()
        dialog = CertificationDialog(self._catalog(), cert, self, today=self._today)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._save(dialog, cert))
        dialog.destroyed.connect(lambda *_: self._forget_dialog(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _save(self, dialog: CertificationDialog, cert: Certification | None) -> None:
        value = dialog.value()
        if cert is None:
            op = AddCertification(self.ctx, value)
            if perform(self.ctx, op) and op.added is not None:
                self._select_ids({op.added.id}, op.added.id)
        else:
            if perform(self.ctx, EditCertification(self.ctx, cert.id, value)):
                self._select_ids({cert.id}, cert.id)
        self.table.setFocus()

    def delete_selected(self) -> None:
        certs = self.selected_certifications()
        if not certs or self.read_only:
            return
        # The row after the deleted ones keeps the keyboard where it was.
        next_row = self.table.currentIndex().row()
        stack = self.ctx.undo_stack
        if len(certs) > 1:
            stack.beginMacro(f"Delete {len(certs)} certifications")
        try:
            for c in certs:
                if not perform(self.ctx, DeleteCertification(self.ctx, c)):
                    break
        finally:
            if len(certs) > 1:
                stack.endMacro()
        rows = self.proxy.rowCount()
        if rows:
            ix = self.proxy.index(min(max(next_row, 0), rows - 1), 0)
            self.table.setCurrentIndex(ix)
            self.table.selectRow(ix.row())
        self.table.setFocus()

    # -------------------------------------------------------- Open Badges import
    def choose_badge(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Import Open Badge", str(Path.home()),
            f"{BADGE_FILE_FILTER};;All files (*)")
        if path:
            self.import_badge(path)

    def import_badge(self, path: str | Path) -> None:
        """Read the file in a worker; add the certification on the GUI thread."""
        path = Path(path)
        self.import_button.setEnabled(False)
        self._show_message(f"Importing {path.name}…")
        self.ctx.run_in_worker(lambda: load_badge(path), self._badge_loaded,
                               lambda exc: self._badge_failed(path, exc))

    def _badge_loaded(self, cert) -> None:
        if not shiboken6.isValid(self):
            return
        self.import_button.setEnabled(True)
        same = already_imported(self.ctx.store.certifications(), cert)
        if same is not None:
            self._select_ids({same.id}, same.id)
            self._show_message(f"“{same.name}” is already imported (same credential id); "
                               "nothing was added.")
            return
        op = AddCertification(self.ctx, cert)
        if perform(self.ctx, op) and op.added is not None:
            self._select_ids({op.added.id}, op.added.id)
            from tracker.exchange.credential_verify import plain

            self._show_message(f"Imported “{op.added.name}”. "
                               f"{plain(cert.verification or 'unsigned', cert.key_id)}.")
        else:
            self._show_message("The badge could not be added; see the error message.",
                               error=True)

    def _badge_failed(self, path: Path, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.import_button.setEnabled(True)
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if not isinstance(exc, TrackerError):
            text = f"unexpected problem: {text}"
        text = text.removeprefix(f"{path.name}: ")  # the message names the file already
        self._show_message(f"Could not import {path.name}: {text}", error=True)

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self._message_is_error = error
        self._colour_message()
        one_line = " ".join(text.split())
        self.message.setText(one_line)
        self.message.setVisible(True)
        if error:
            self.ctx.status_message.emit(one_line)

    def _colour_message(self) -> None:
        pal = self.palette()
        if getattr(self, "_message_is_error", False):
            pal.setColor(pal.ColorRole.WindowText, theme.danger(pal))
        self.message.setPalette(pal)

    def changeEvent(self, e) -> None:
        super().changeEvent(e)
        if e.type() == e.Type.PaletteChange and hasattr(self, "message"):
            self._colour_message()  # follow a theme switch

    # -------------------------------------------------------- review mode
    def set_read_only(self, read_only: bool) -> None:
        """Review mode: the learner's certifications are listed, with no Add, Edit, Delete or
        Import, and double-click, Enter and Delete in the table do nothing."""
        super().set_read_only(read_only)
        for b in (self.add_button, self.edit_button, self.delete_button, self.import_button):
            b.setVisible(not read_only)
        self.empty.setText("No certifications in this file." if read_only else
                           "No certifications yet. Add one, or import an Open Badge file "
                           "exported from the issuer's site.")
