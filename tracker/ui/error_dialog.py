"""Unexpected errors in the GUI: one dialog in plain words with the details and a "Copy
details" button, and Qt's own messages routed to the log.

:func:`install` (app.py, right after the QApplication is made) registers an
:class:`ErrorReporter` with tracker.diagnostics, whose ``sys.excepthook`` and
``threading.excepthook`` have already logged the exception with its traceback, and installs
a Qt message handler that sends qDebug/qWarning/qCritical to the log (logger
``tracker.qt``; never a dialog: Qt warns about harmless things, and after a qFatal Qt
aborts at once, which the crash file records).

Only one error dialog is open at a time: errors that come while it is open are added to
it ("2 more errors happened since") instead of stacking windows.

Threading rule: :meth:`ErrorReporter.report` may be called from any thread (it emits a
queued signal); everything else runs on the GUI thread. Every text is plain text.
"""

from __future__ import annotations

import atexit
from typing import Any

from PySide6.QtCore import (
    QObject,
    Qt,
    QtMsgType,
    Signal,
    Slot,
    qInstallMessageHandler,
    qVersion,
)
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from tracker import APP_NAME, diagnostics

MAX_DETAILED = 10  # errors whose details are kept in the open dialog; later ones are counted

EXPLANATION = (
    "Something unexpected went wrong inside the app. What you were doing may not have "
    "finished; everything saved before it is safe.\n\n"
    "You can keep working. If this happens again or the app looks wrong, restart it. "
    "To report it, use Copy details and paste them into your message: they say where in "
    "the app it happened and contain none of your notes.")


def explanation(log_file: object) -> str:
    if log_file:
        return f"{EXPLANATION}\n\nThe details are also in the log file:\n{log_file}"
    return f"{EXPLANATION}\n\nThe log file could not be written; Copy details keeps them."


class ErrorDialog(QDialog):
    """One unexpected error: what it means for the user, its one-line summary, the details
    (versions, thread, traceback), Copy details and Close."""

    def __init__(self, summary: str, details: str, log_file: object = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle(f"{APP_NAME}: unexpected error")
        self.errors = 1
        self._details = [details]

        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        texts = QVBoxLayout()
        title = self._label("Something went wrong")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        texts.addWidget(title)
        self.explanation = self._label(explanation(log_file))
        self.explanation.setObjectName("errorExplanation")
        texts.addWidget(self.explanation)
        top.addLayout(texts, 1)
        lay.addLayout(top)

        self.summary = self._label(summary)
        self.summary.setObjectName("errorSummary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.summary)
        self.more = self._label("")
        self.more.setObjectName("errorMore")
        self.more.hide()
        lay.addWidget(self.more)

        self.details = QPlainTextEdit()
        self.details.setObjectName("errorDetails")
        self.details.setAccessibleName("Error details")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlainText(details)
        self.details.setMinimumHeight(160)
        lay.addWidget(self.details, 1)

        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setObjectName("copyDetails")
        self.copy_button.setAutoDefault(False)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(620, 460)

    @staticmethod
    def _label(text: str) -> QLabel:
        w = QLabel(text)
        w.setTextFormat(Qt.TextFormat.PlainText)
        w.setWordWrap(True)
        return w

    def details_text(self) -> str:
        text = "\n\n----- next error -----\n\n".join(self._details)
        if self.errors > len(self._details):
            text += f"\n\n({self.errors - len(self._details)} more errors, in the log)\n"
        return text

    def add_error(self, summary: str, details: str) -> None:
        """Another error while this one is open: count it and keep its details."""
        self.errors += 1
        if len(self._details) < MAX_DETAILED:
            self._details.append(details)
        n = self.errors - 1
        self.more.setText(f"{n} more error{'s' if n != 1 else ''} happened since; "
                          f"the latest: {summary}")
        self.more.show()
        self.details.setPlainText(self.details_text())

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("Copied")


class ErrorReporter(QObject):
    """Shows unexpected errors reported by tracker.diagnostics, one dialog at a time.

    Lives on the GUI thread (a child of the application); ``report`` is the diagnostics
    listener and may be called from any thread."""

    _reported = Signal(str, str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.dialog: ErrorDialog | None = None
        self.shown = 0        # dialogs opened (tests)
        self._broken = False  # the dialog itself failed once: only log from then on
        # Queued even from the GUI thread: never open a window inside the frame that
        # raised (a paint event, a half-done slot).
        self._reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, summary: str, details: str) -> None:
        try:
            self._reported.emit(summary, details)
        except RuntimeError:  # the C++ object is gone (the app is shutting down)
            pass

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        if self._broken:
            return
        try:
            if self.dialog is not None:
                self.dialog.add_error(summary, details)
                return
            dlg = ErrorDialog(summary, details, diagnostics.log_path())
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dlg.setWindowModality(Qt.WindowModality.ApplicationModal)
            dlg.finished.connect(self._closed)
            self.dialog = dlg
            self.shown += 1
            dlg.show()  # not exec(): no nested event loop inside an error report
            dlg.raise_()
        except Exception:  # noqa: BLE001 - an error in the error dialog must not loop
            self._broken = True
            diagnostics.get_logger("tracker.ui.error_dialog").exception(
                "the error dialog failed; errors are only logged from now on")

    @Slot()
    def _closed(self) -> None:
        self.dialog = None


# --------------------------------------------------------------------------- Qt messages
_LEVELS = {QtMsgType.QtDebugMsg: 10, QtMsgType.QtInfoMsg: 20, QtMsgType.QtWarningMsg: 30,
           QtMsgType.QtCriticalMsg: 40, QtMsgType.QtFatalMsg: 50}


def _qt_message(mode: QtMsgType, context: Any, message: str) -> None:
    """Qt's message handler (any thread): qDebug..qFatal into the log."""
    try:
        category = getattr(context, "category", None)
        prefix = f"{category}: " if category and category != "default" else ""
        diagnostics.get_logger("tracker.qt").log(_LEVELS.get(mode, 30), "%s%s", prefix,
                                                 message)
    except Exception:  # noqa: BLE001 - never raise into Qt
        pass


# --------------------------------------------------------------------------- install
_reporter: ErrorReporter | None = None
_previous_handler: Any = None


def install(app: QApplication) -> ErrorReporter:
    """Show unexpected errors in a dialog and route Qt's messages to the log (once per
    process; :func:`uninstall` undoes it)."""
    global _reporter, _previous_handler
    if _reporter is not None:
        return _reporter
    _reporter = ErrorReporter(app)
    diagnostics.add_listener(_reporter.report)
    _previous_handler = qInstallMessageHandler(_qt_message)
    import PySide6

    diagnostics.note(f"Qt {qVersion()}, PySide6 {PySide6.__version__}, platform "
                     f"{app.platformName()}")
    # Qt may still speak while the interpreter is torn down: give it back its own handler
    # before Python goes away.
    atexit.register(_restore_qt_handler)
    app.aboutToQuit.connect(_about_to_quit)
    return _reporter


def uninstall() -> None:
    global _reporter
    _restore_qt_handler()
    if _reporter is not None:
        diagnostics.remove_listener(_reporter.report)
        try:
            QApplication.instance().aboutToQuit.disconnect(_about_to_quit)
        except (RuntimeError, AttributeError, TypeError):
            pass
        if _reporter.dialog is not None:
            _reporter.dialog.close()
        _reporter.deleteLater()
        _reporter = None


def _restore_qt_handler() -> None:
    global _previous_handler
    if _reporter is not None or _previous_handler is not None:
        qInstallMessageHandler(_previous_handler)
        _previous_handler = None


def _about_to_quit() -> None:
    diagnostics.get_logger("tracker.app").info("quitting")
