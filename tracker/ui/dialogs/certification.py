"""The add/edit certification dialog: a form with inline validation.

The name completes from the curriculum's certification catalog; picking a catalog entry
fills the issuer and links the certification to the catalog (``catalog_id``). The rules are
the Store's own (:func:`tracker.validation.check_certification`: an earned date in the future
is refused, as everywhere), checked on every keystroke: the first problem
shows under the form and the OK button stays disabled until there is none. The dialog only
collects input; the page turns :meth:`CertificationDialog.value` into an operation.

Threading rule: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, QStringListModel, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker import validation as v
from tracker.curriculum.model import CatalogCertification
from tracker.db.errors import InputError
from tracker.db.types import Certification, CertificationInput
from tracker.ui import theme
from tracker.ui.widgets.dates import DATE_FORMAT, DateField, qdate

_qdate = qdate


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


class CertificationDialog(QDialog):
    """Add (``cert`` None) or edit a certification."""

    def __init__(self, catalog: Sequence[CatalogCertification], cert: Certification | None = None,
                 parent: QWidget | None = None, today: Callable[[], date] = date.today):
        super().__init__(parent)
        self._today = today
        self._catalog = {c.name.casefold(): c for c in catalog}
        self._original = cert
        self._catalog_id: str | None = cert.catalog_id if cert else None
        self._auto_issuer = ""
        self.setWindowTitle("Edit certification" if cert else "Add certification")
        self.setModal(True)
        self.setMinimumWidth(480)

        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Certification name")
        self.name_edit.setPlaceholderText("Start typing to pick from the catalog")
        self.name_edit.setMaxLength(v.MAX_SHORT)
        names = QStringListModel(sorted(c.name for c in catalog), self)  # parented: kept alive
        completer = QCompleter(names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.name_edit.setCompleter(completer)
        self.completer = completer

        self.issuer_edit = QLineEdit()
        self.issuer_edit.setAccessibleName("Issuer")
        self.issuer_edit.setMaxLength(v.MAX_SHORT)

        self.earned_edit = self._date_edit("Earned on")
        self.has_expiry = QCheckBox("Expires on")
        self.has_expiry.setAccessibleName("Has an expiry date")
        self.expires_edit = self._date_edit("Expiry date")
        self.expires_edit.setEnabled(False)
        expiry_row = QHBoxLayout()
        expiry_row.setContentsMargins(0, 0, 0, 0)
        expiry_row.addWidget(self.has_expiry)
        expiry_row.addWidget(self.expires_edit, 1)

        self.credential_edit = QLineEdit()
        self.credential_edit.setAccessibleName("Credential id")
        self.credential_edit.setPlaceholderText("Optional")
        self.credential_edit.setMaxLength(v.MAX_SHORT)
        self.url_edit = QLineEdit()
        self.url_edit.setAccessibleName("Verification URL")
        self.url_edit.setPlaceholderText("Optional, https://...")
        self.url_edit.setMaxLength(v.MAX_URL)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Issuer:", self.issuer_edit)
        form.addRow("&Earned on:", self.earned_edit)
        form.addRow("", self._wrap(expiry_row))
        form.addRow("&Credential id:", self.credential_edit)
        form.addRow("&URL:", self.url_edit)
        self.signature_label: QLabel | None = None
        if cert is not None and (cert.source.startswith("openbadges") or cert.raw):
            from tracker.ui.models.cert_table import signature_sentence, signature_icon, \
                verification

            # The badge's signature check, in words (the key id comes from the file: plain
            # text). A verified badge's signed fields are not editable: a changed name
            # beside "Signature verified" would claim what the issuer never signed.
            self.signature_label = QLabel(signature_sentence(cert))
            self.signature_label.setTextFormat(Qt.TextFormat.PlainText)
            self.signature_label.setWordWrap(True)
            self.signature_label.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse)
            self.signature_label.setAccessibleName("Signature")
            icon = signature_icon(verification(cert)[0])
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            if icon is not None:
                pic = QLabel()
                pic.setPixmap(icon.pixmap(16, 16))
                pic.setAlignment(Qt.AlignmentFlag.AlignTop)
                row.addWidget(pic)
            row.addWidget(self.signature_label, 1)
            form.addRow("Signature:", self._wrap(row))
            self._signed = verification(cert)[0] == "verified"
        else:
            self._signed = False

        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setObjectName("formMessage")
        self.message.setAccessibleName("Form problems")
        self.message.setMinimumHeight(self.message.fontMetrics().height() * 2 + 4)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        pal = self.message.palette()
        pal.setColor(QPalette.ColorRole.WindowText, theme.danger(pal))
        self.message.setPalette(pal)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save" if cert else "Add")
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        today_q = QDate(today())
        if cert:
            self.name_edit.setText(cert.name)
            self.issuer_edit.setText(cert.issuer)
            self.earned_edit.setDate(_qdate(cert.earned))
            if cert.expires:
                self.has_expiry.setChecked(True)
                self.expires_edit.setEnabled(True)
                self.expires_edit.setDate(_qdate(cert.expires))
            else:
                self.expires_edit.setDate(_qdate(cert.earned).addYears(3))
            self.credential_edit.setText(cert.credential_id)
            self.url_edit.setText(cert.url)
        else:
            self.earned_edit.setDate(today_q)
            self.expires_edit.setDate(today_q.addYears(3))

        for edit in (self.name_edit, self.issuer_edit, self.credential_edit, self.url_edit):
            edit.textChanged.connect(self.validate)
        self.name_edit.textChanged.connect(self._name_changed)
        completer.activated.connect(self._name_changed)
        self.earned_edit.dateChanged.connect(self.validate)
        self.expires_edit.dateChanged.connect(self.validate)
        self.has_expiry.toggled.connect(self._expiry_toggled)
        self.setTabOrder(self.name_edit, self.issuer_edit)
        self.setTabOrder(self.issuer_edit, self.earned_edit)
        self.setTabOrder(self.earned_edit, self.has_expiry)
        self.setTabOrder(self.has_expiry, self.expires_edit)
        self.setTabOrder(self.expires_edit, self.credential_edit)
        self.setTabOrder(self.credential_edit, self.url_edit)
        self.name_edit.setFocus()
        if self._signed:
            for edit in (self.name_edit, self.issuer_edit, self.credential_edit):
                edit.setReadOnly(True)
                edit.setToolTip("From the signed credential: not editable")
            for w in (self.earned_edit, self.has_expiry, self.expires_edit):
                w.setEnabled(False)
                w.setToolTip("From the signed credential: not editable")
            self.url_edit.setFocus()
        self.validate()

    # -------------------------------------------------------- building
    @staticmethod
    def _date_edit(name: str) -> DateField:
        return DateField(name, lo=v.MIN_DATE, hi=v.MAX_DATE)  # the rules' own range

    @staticmethod
    def _wrap(layout) -> QWidget:
        w = QWidget()
        w.setLayout(layout)
        return w

    # -------------------------------------------------------- behaviour
    def _expiry_toggled(self, on: bool) -> None:
        self.expires_edit.setEnabled(on)
        self.validate()

    def _name_changed(self, text: str) -> None:
        entry = self._catalog.get(text.strip().casefold())
        if entry is not None:
            self._catalog_id = entry.id
            issuer = self.issuer_edit.text()
            if not issuer.strip() or issuer == self._auto_issuer:
                self._auto_issuer = entry.issuer
                self.issuer_edit.setText(entry.issuer)
        elif self._original is None or text.strip() != self._original.name:
            self._catalog_id = None
        else:
            self._catalog_id = self._original.catalog_id

    def catalog_id(self) -> str | None:
        return self._catalog_id

    def value(self) -> CertificationInput:
        """The form as a CertificationInput (not validated: see :meth:`error`)."""
        expires = self.expires_edit.date().toString(DATE_FORMAT) \
            if self.has_expiry.isChecked() else None
        base = CertificationInput(
            name=self.name_edit.text().strip(), issuer=self.issuer_edit.text().strip(),
            earned=self.earned_edit.date().toString(DATE_FORMAT), expires=expires,
            credential_id=self.credential_edit.text().strip(),
            url=self.url_edit.text().strip(), catalog_id=self._catalog_id)
        if self._original is not None:  # keep where it came from (imported, verified, raw)
            base = replace(base, source=self._original.source,
                           verified=self._original.verified, raw=self._original.raw)
        return base

    def error(self) -> str | None:
        """The first problem with the form as one sentence, or None."""
        try:
            v.check_certification(self.value(), today=self._today())
        except InputError as exc:
            return _sentence(str(exc))
        return None

    def validate(self) -> bool:
        problem = self.error()
        self.ok_button.setEnabled(problem is None)
        self.message.setText(problem or "")
        self.message.setAccessibleDescription(problem or "")
        return problem is None

    def _accept_if_valid(self) -> None:
        if self.validate():
            self.accept()
