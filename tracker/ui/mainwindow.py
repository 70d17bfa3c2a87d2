"""The main window: a shell that hosts the pages; it owns no business logic.

It builds the AppContext, the sidebar and the page stack (pages are created on first show,
so start-up only builds the page the user lands on), the menus, the status bar, the theme and
the remembered geometry/page (``ui.ini`` in the data folder). It forwards ``ctx.changed`` to
every built page, shows ``ctx.error`` in a message box, follows ``ctx.navigate`` and, when
the window is activated again, notices changes made by the command line (``data_version``).

GUI thread only.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QSettings, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import (QAction, QActionGroup, QDesktopServices, QGuiApplication,
                           QKeySequence, QPalette)
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QMainWindow, QMessageBox, QStackedWidget,
                               QWidget)

from tracker import APP_NAME, __version__
from tracker.ui import icons, theme
from tracker.ui.context import AppContext, Kinds
from tracker.ui.pages.base import Page
from tracker.ui.widgets import tip as widgets_tip

PageFactory = Callable[[AppContext], Page]


def _dashboard(ctx: AppContext) -> Page:
    from tracker.ui.pages.dashboard import DashboardPage

    return DashboardPage(ctx)


def _skills(ctx: AppContext) -> Page:
    from tracker.ui.pages.skills import SkillsPage

    return SkillsPage(ctx)


def _levels(ctx: AppContext) -> Page:
    from tracker.ui.pages.levels import LevelsPage

    return LevelsPage(ctx)


def _certifications(ctx: AppContext) -> Page:
    from tracker.ui.pages.certifications import CertificationsPage

    return CertificationsPage(ctx)


def _study(ctx: AppContext) -> Page:
    from tracker.ui.pages.study import StudyPage

    return StudyPage(ctx)


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    icon: str
    factory: PageFactory


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "Dashboard", "dashboard", _dashboard),
    PageSpec("skills", "Skills", "skills", _skills),
    PageSpec("levels", "Levels", "levels", _levels),
    PageSpec("certifications", "Certifications", "certifications", _certifications),
    PageSpec("study", "Study log", "study", _study),
)
PAGE_KEYS = tuple(p.key for p in PAGES)
# The View menu's items, with mnemonics that differ from each other and from "&Theme".
PAGE_MENU_TEXT = {"dashboard": "&Dashboard", "skills": "&Skills", "levels": "&Levels",
                  "certifications": "&Certifications", "study": "Stud&y log"}

ENV_PAGE = "MLOPS_TRACKER_PAGE"
ENV_THEME = "MLOPS_TRACKER_THEME"


def ui_settings(store) -> QSettings:
    """The window's settings: an ini file inside the data folder (so tests stay isolated)."""
    return QSettings(str(store.folder / "ui.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    """The shell. ``welcome=False`` never shows the first-start dialog (tests);
    ``page``/``theme_name`` override the remembered page and theme without saving them;
    ``factories`` replaces page constructors by key (tests)."""

    def __init__(self, store, *, welcome: bool = True, page: str | None = None,
                 theme_name: str | None = None,
                 factories: dict[str, PageFactory] | None = None) -> None:
        super().__init__()
        self.ctx = AppContext(store, self)
        # Review mode's file store: every page is built read-only (no editing controls)
        self.ctx.read_only = bool(getattr(store, "read_only", False))
        self.settings = ui_settings(store)
        self._factories = {p.key: p.factory for p in PAGES}
        self._factories.update(factories or {})
        self._pages: dict[str, Page] = {}
        self._welcome_wanted = welcome
        self._welcome_checked = False
        self.welcome_dialog = None
        self.last_error_box: QMessageBox | None = None
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)  # progress, review and badge files: see open_files
        self.setWindowIcon(icons.app_icon())

        # theme first, so every widget is built with the right palette
        self._theme = theme_name or os.environ.get(ENV_THEME) or str(
            self.settings.value("theme", "system"))
        if self._theme not in theme.THEMES:
            self._theme = "system"
        app = QApplication.instance()
        if app is not None:
            theme.apply_theme(app, self._theme)

        # sidebar + stack
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Pages")
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setUniformItemSizes(True)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        for spec in PAGES:
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            keys = self._page_shortcut(spec.key).toString(
                QKeySequence.SequenceFormat.NativeText)
            item.setToolTip(f"{spec.title} ({keys})")
            self.sidebar.addItem(item)
            placeholder = QWidget()
            placeholder.setObjectName(f"placeholder-{spec.key}")
            self.stack.addWidget(placeholder)
        fm = self.sidebar.fontMetrics()
        widest = max(fm.horizontalAdvance(p.title) for p in PAGES)
        self.sidebar.setFixedWidth(max(180, widest + 20 + 12 + 60))
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._tint_icons()

        self._build_menus()
        from tracker.ui.undo_keys import UndoFallthrough

        # Ctrl+Z in a box with nothing to undo: the last change (each page as it is built)
        self.undo_keys = UndoFallthrough(self)
        self.statusBar().setSizeGripEnabled(True)
        self._show_curriculum_warning(getattr(store, "curriculum_warning", None))

        # context hooks
        self.ctx.changed.connect(self._on_changed)
        self.ctx.status_message.connect(self._show_status)
        self.ctx.error.connect(self.show_error)
        self.ctx.navigate.connect(self.navigate)
        self.statusBar().messageChanged.connect(
            lambda text: text or self.statusBar().setToolTip(""))
        if app is not None:
            app.applicationStateChanged.connect(self._on_app_state)

        # geometry and the page to land on
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self._default_geometry()
        self.setMinimumSize(900, 600)
        start = page or os.environ.get(ENV_PAGE) or str(self.settings.value("window/page",
                                                                           "dashboard"))
        if start not in PAGE_KEYS:
            start = "dashboard"
        self._remember_page = page is None and not os.environ.get(ENV_PAGE)
        self.sidebar.currentRowChanged.connect(self._on_row)
        self.show_page(start)
        self._remember_page = True
        self._update_title()
        self._seen_version = self._data_version()

    # ------------------------------------------------------------------ pages
    @property
    def store(self):
        """The Store in use (restoring a backup replaces it: always go through ctx)."""
        return self.ctx.store

    def _page_shortcut(self, key: str) -> QKeySequence:
        return QKeySequence(f"Ctrl+{PAGE_KEYS.index(key) + 1}")

    def page(self, key: str) -> Page:
        """The page for ``key``, built on first use."""
        existing = self._pages.get(key)
        if existing is not None:
            return existing
        index = PAGE_KEYS.index(key)
        built = self._factories[key](self.ctx)
        placeholder = self.stack.widget(index)
        self.stack.insertWidget(index, built)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self._pages[key] = built
        if self.ctx.read_only:
            built.set_read_only(True)
        self.undo_keys.watch(built)
        return built

    def built_pages(self) -> dict[str, Page]:
        return dict(self._pages)

    def current_key(self) -> str:
        return PAGE_KEYS[self.stack.currentIndex()]

    def current_page(self) -> Page:
        return self.page(self.current_key())

    def show_page(self, key: str) -> Page:
        index = PAGE_KEYS.index(key)
        built = self.page(key)
        self.stack.setCurrentIndex(index)
        if self.sidebar.currentRow() != index:
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentRow(index)
            self.sidebar.blockSignals(False)
        if self._remember_page:
            self.settings.setValue("window/page", key)
        return built

    def _on_row(self, row: int) -> None:
        if 0 <= row < len(PAGE_KEYS):
            self.show_page(PAGE_KEYS[row])

    def navigate(self, key: str, arg: object = None) -> None:
        """Switch to a page and open an item on it (``ctx.navigate`` lands here)."""
        if key not in PAGE_KEYS:
            return
        target = self.show_page(key)
        if arg is not None:
            target.open_item(arg)

    def find(self) -> None:
        """Edit > Find: the Skills page with its filter box focused."""
        target = self.show_page("skills")
        focus = getattr(target, "focus_filter", None)
        if callable(focus):
            focus()

    # ------------------------------------------------------------------ menus
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)
        from tracker.ui.exchange_actions import install_file_menu

        install_file_menu(self, file_menu)  # export, restore, review mode, cohort: above Quit
        self.backup_action = QAction("&Back Up Now", self)
        self.backup_action.setStatusTip("Copy your progress database to the backups folder")
        self.backup_action.triggered.connect(self.back_up_now)
        self.backups_action = QAction("Restore a Bac&kup…", self)
        self.backups_action.setStatusTip("List the backups and restore one")
        self.backups_action.triggered.connect(self.show_backups)
        file_menu.insertActions(self.quit_action, [self.backup_action, self.backups_action])
        file_menu.insertSeparator(self.quit_action)

        edit = bar.addMenu("&Edit")
        self.undo_action = self.ctx.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = self.ctx.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        self.find_action = QAction("&Find…", self)
        self.find_action.setShortcut(QKeySequence("Ctrl+F"))
        self.find_action.setStatusTip("Filter the milestones on the Skills page")
        self.find_action.triggered.connect(self.find)
        edit.addAction(self.find_action)
        edit.addSeparator()
        self.profile_action = QAction("&Profile…", self)
        self.profile_action.setShortcut(QKeySequence("Ctrl+,"))
        self.profile_action.setStatusTip("Your name and target level")
        self.profile_action.triggered.connect(self.edit_profile)
        edit.addAction(self.profile_action)
        self.assessment_action = QAction("Self-&Assessment…", self)
        self.assessment_action.setStatusTip("Mark whole levels or skills you can already do")
        self.assessment_action.triggered.connect(self.show_assessment)
        edit.addAction(self.assessment_action)

        view = bar.addMenu("&View")
        self.page_actions: list[QAction] = []
        for spec in PAGES:
            act = QAction(PAGE_MENU_TEXT.get(spec.key, spec.title), self)
            act.setShortcut(self._page_shortcut(spec.key))
            act.triggered.connect(lambda _=False, k=spec.key: self.show_page(k))
            view.addAction(act)
            self.page_actions.append(act)
        view.addSeparator()
        theme_menu = view.addMenu("&Theme")
        self.theme_group = QActionGroup(self)
        self.theme_group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        for name in theme.THEMES:
            act = QAction(theme.THEME_TITLES[name], self, checkable=True)
            act.setData(name)
            act.setChecked(name == self._theme)
            act.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_group.addAction(act)
            theme_menu.addAction(act)
            self.theme_actions[name] = act

        help_menu = bar.addMenu("&Help")
        self.shortcuts_action = QAction("&Keyboard Shortcuts", self)
        self.shortcuts_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.shortcuts_action.setStatusTip("Every shortcut, and the keys of the Skills tree")
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        self.open_folder_action = QAction("Open &data folder", self)
        self.open_folder_action.triggered.connect(self.open_data_folder)
        help_menu.addAction(self.open_folder_action)
        help_menu.addSeparator()
        self.about_action = QAction("&About MLOps Career Tracker", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.about)
        help_menu.addAction(self.about_action)

    # ------------------------------------------------------------------ backups
    def back_up_now(self) -> None:
        from tracker.ui import recovery

        recovery.back_up_now(self.ctx, self)

    def show_backups(self) -> None:
        from tracker.ui import recovery

        if recovery.show_backups(self.ctx, self) is not None:
            self._seen_version = self._data_version()

    # ------------------------------------------------------------------ theme
    def set_theme(self, name: str) -> None:
        if name not in theme.THEMES:
            return
        self._theme = name
        self.settings.setValue("theme", name)
        self.theme_actions[name].setChecked(True)
        app = QApplication.instance()
        if app is not None:
            theme.apply_theme(app, name)
        self._tint_icons()

    def theme_name(self) -> str:
        return self._theme

    def changeEvent(self, ev: QEvent) -> None:
        # the system scheme can switch under "System": keep the sidebar icons legible
        if ev.type() == QEvent.Type.PaletteChange and hasattr(self, "sidebar"):
            self._tint_icons()
        super().changeEvent(ev)

    def _tint_icons(self) -> None:
        pal = self.sidebar.palette()
        normal = pal.color(QPalette.ColorRole.Text)
        selected = pal.color(QPalette.ColorRole.HighlightedText)
        for i, spec in enumerate(PAGES):
            self.sidebar.item(i).setIcon(icons.tinted(spec.icon, normal, selected))

    # ------------------------------------------------------------------ context hooks
    def _on_changed(self, kinds: frozenset[str]) -> None:
        for built in list(self._pages.values()):
            built.on_changed(kinds)
        if Kinds.PROFILE in kinds:
            self._update_title()
        self._seen_version = self._data_version()

    def _show_curriculum_warning(self, warning: str | None) -> None:
        """The active pack file is missing or damaged and the app runs on the copy stored in
        the database: a lasting note in the status bar (details in its tooltip) and the log."""
        if not warning:
            return
        import logging

        from tracker import diagnostics

        diagnostics.note(f"curriculum: {warning}", logging.WARNING)
        note = QLabel("Curriculum file damaged or missing: using the stored copy")
        note.setObjectName("curriculumWarning")
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setToolTip("<p>" + html.escape(warning) + "</p>")  # escaped: paths are data
        self.statusBar().addPermanentWidget(note)

    def _show_status(self, message: str) -> None:
        self.show_status(message)

    def show_status(self, message: str, timeout: int = 8000) -> str:
        """A one-line status message, elided with "…" to the room the status bar has (the
        whole message in the bar's tooltip while it shows); returns the text shown."""
        bar = self.statusBar()
        one = " ".join(message.split())
        if not bar.isVisible():  # not laid out yet (a hidden window): nothing to fit
            bar.setToolTip("")
            bar.showMessage(one, timeout)
            return one
        room = bar.width() - 40
        for w in bar.findChildren(QWidget):
            if w.isVisible() and w.parent() is not None and w.objectName() == "curriculumWarning":
                room -= w.width() + 12
        shown = bar.fontMetrics().elidedText(one, Qt.TextElideMode.ElideRight, max(80, room))
        bar.setToolTip(widgets_tip(one) if shown != one else "")
        bar.showMessage(shown, timeout)
        return shown

    def show_error(self, message: str) -> None:
        """A one-line error in a window-modal box (plain text; never blocks the caller)."""
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, message,
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_error_box = box
        box.open()
        self.show_status(message.splitlines()[0] if message else "Error")

    def _update_title(self) -> None:
        name = self.store.profile().name
        self.setWindowTitle(f"{APP_NAME} — {name}" if name else APP_NAME)

    # ------------------------------------------------------------------ external changes
    def _data_version(self):
        try:
            return self.store.data_version()
        except Exception:  # noqa: BLE001 - a failed poll must never break activation
            return None

    def check_external_changes(self) -> bool:
        """Refresh every page when another process (the CLI) changed the data."""
        version = self._data_version()
        if version is None or version == self._seen_version:
            return False
        self._seen_version = version
        self.ctx.notify(*Kinds.ALL, message="Updated with changes made outside the app")
        return True

    def event(self, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.WindowActivate:
            self.check_external_changes()
        return super().event(ev)

    def _on_app_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check_external_changes()

    # ------------------------------------------------------------------ dialogs
    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self._welcome_checked:
            self._welcome_checked = True
            if self._welcome_wanted and self.needs_welcome():
                QTimer.singleShot(0, self.show_welcome)

    def needs_welcome(self) -> bool:
        skipped = str(self.settings.value("welcome/skipped", "false")).lower() == "true"
        return not skipped and not self.store.profile().name

    def show_welcome(self) -> None:
        from tracker.ui.welcome import ProfileDialog

        dlg = ProfileDialog(self.ctx, self, first_run=True)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.finished.connect(self._welcome_done)
        self.welcome_dialog = dlg
        dlg.open()

    def _welcome_done(self, result: int) -> None:
        if result != 1:  # skipped or closed: do not ask again
            self.settings.setValue("welcome/skipped", "true")
        self.welcome_dialog = None
        self.show_page("dashboard")  # the welcome leads to the dashboard
        if result == 1:  # then a short self-assessment ("Not now" leaves it for later)
            self.show_assessment()

    def show_assessment(self) -> None:
        """Edit > Self-Assessment…: mark whole levels or skills done, as one undo step."""
        from tracker.ui.assessment import AssessmentDialog

        dlg = AssessmentDialog(self.ctx, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.assessment_dialog = dlg
        dlg.open()

    def edit_profile(self) -> None:
        from tracker.ui.welcome import ProfileDialog

        dlg = ProfileDialog(self.ctx, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()

    def show_shortcuts(self) -> None:
        from tracker.ui.shortcuts_help import ShortcutsDialog

        dlg = ShortcutsDialog(self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcuts_dialog = dlg
        dlg.open()

    def open_data_folder(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.store.folder))):
            self._show_status(f"Could not open {self.store.folder}")

    def about(self) -> None:
        QMessageBox.about(
            self, f"About {APP_NAME}",
            f"<h3>{APP_NAME} {html.escape(__version__)}</h3>"
            "<p>Track your way from Junior MLOps Engineer to Director of MLOps: tick off "
            "milestones, log certifications and study time, and see how ready you are for "
            "each level.</p>"
            "<p>Everything stays on this computer, in the data folder:<br>"
            f"<code>{html.escape(str(self.store.folder))}</code></p>")

    # ------------------------------------------------------------------ files from outside
    def open_files(self, files: list[str]) -> None:
        """Open files given on the command line, by a second start or dropped on the window:
        a progress file in review mode, a review file or a badge offered for import (see
        ExchangeActions.open_file). Refusals are the command line's, one line each."""
        actions = getattr(self, "exchange_actions", None)
        if actions is None:
            return
        for f in files:
            actions.open_file(f)

    def open_files_from_outside(self, files: list[str]) -> None:
        """A second start on this data folder: come to the front, then open its files."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.open_files(files)

    @staticmethod
    def dropped_files(mime) -> list[str]:
        """The local files in a drag (none if anything in it is not a local file)."""
        if mime is None or not mime.hasUrls():
            return []
        urls = mime.urls()
        if not urls or not all(u.isLocalFile() for u in urls):
            return []
        files = [u.toLocalFile() for u in urls]
        return files if all(os.path.isfile(f) for f in files) else []

    def dragEnterEvent(self, ev) -> None:
        if self.dropped_files(ev.mimeData()):
            ev.acceptProposedAction()
        else:
            ev.ignore()

    def dragMoveEvent(self, ev) -> None:
        if self.dropped_files(ev.mimeData()):
            ev.acceptProposedAction()
        else:
            ev.ignore()

    def dropEvent(self, ev) -> None:
        files = self.dropped_files(ev.mimeData())
        if not files:
            ev.ignore()
            return
        ev.acceptProposedAction()
        QTimer.singleShot(0, lambda: self.open_files(files))  # let the drag finish first

    # ------------------------------------------------------------------ geometry
    def _default_geometry(self) -> None:
        screen = QGuiApplication.primaryScreen()
        width, height = 1240, 800
        if screen is not None:
            avail = screen.availableGeometry()
            width = min(width, avail.width() - 40)
            height = min(height, avail.height() - 40)
            self.resize(max(900, width), max(600, height))
            frame = self.frameGeometry()
            frame.moveCenter(avail.center())
            self.move(frame.topLeft())
        else:
            self.resize(width, height)

    def closeEvent(self, ev) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/page", self.current_key())
        self.settings.sync()
        super().closeEvent(ev)
