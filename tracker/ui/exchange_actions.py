"""File menu actions for the files that leave the machine: export progress, export a report,
restore from a progress file, open a progress file (review mode), import a mentor review and
open a cohort folder.

``install_file_menu(window, menu)`` inserts the actions above Quit. Each slot only collects
input (a file dialog, a confirmation) and hands the file and database work to a worker
(``ctx.run_in_worker``); results come back on the GUI thread, which updates the status bar,
calls ``ctx.notify`` and shows any problem as one plain-text line in a message box. The
logic mirrors ``tracker/commands/exchange.py`` (the CLI) and calls the same
``tracker.exchange`` / ``tracker.reports`` functions, so the app and the command line agree.

Threading rule: GUI thread only, apart from the ``_work`` functions handed to the pool,
which touch files and the Store but never a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from tracker import APP_NAME
from tracker.db.errors import TrackerError
from tracker.ui.context import Kinds

PROGRESS_FILTER = "MLOps progress files (*.mlops-progress.json);;JSON files (*.json);;All files (*)"
REVIEW_FILTER = "MLOps review files (*.mlops-review.json);;JSON files (*.json);;All files (*)"
OPEN_FILTER = ("MLOps files and badges (*.mlops-progress.json *.mlops-review.json *.json);;"
               "All files (*)")
HTML_FILTER = "HTML report (*.html *.htm)"
PDF_FILTER = "PDF report (*.pdf)"
LAST_FOLDER_KEY = "exchange/last_folder"


# ---------------------------------------------------------------------------- helpers
def one_line(exc: BaseException) -> str:
    """The one line a user sees for a failed file action."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    if isinstance(exc, (TrackerError, OSError)):
        return first
    return f"Unexpected error: {first}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def message(parent: QWidget | None, text: str, *, icon=QMessageBox.Icon.Warning,
            details: str = "") -> QMessageBox:
    """A window-modal, plain-text message box that does not block the caller."""
    box = QMessageBox(icon, APP_NAME, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if details:
        box.setInformativeText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def ask(parent: QWidget | None, title: str, text: str, informative: str,
        accept_text: str) -> bool:
    """A blocking Yes/Cancel question in plain text (tests replace this function)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(informative)
    box.button(QMessageBox.StandardButton.Yes).setText(accept_text)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    result = box.exec()
    return getattr(result, "value", result) == QMessageBox.StandardButton.Yes.value


def last_folder(window: Any) -> str:
    settings = getattr(window, "settings", None)
    folder = str(settings.value(LAST_FOLDER_KEY, "")) if settings is not None else ""
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def remember_folder(window: Any, path: str | Path) -> None:
    settings = getattr(window, "settings", None)
    if settings is not None:
        settings.setValue(LAST_FOLDER_KEY, str(Path(path).parent))


def checked_output(ctx: Any, path: str | Path, inputs: Any = ()) -> Path:
    """A save dialog's answer checked like every output path (paths.check_output): never
    the database, its side files, a backup or one of ``inputs``. Raises InputError."""
    from tracker import paths

    store = getattr(ctx, "store", None)
    folder = getattr(store, "folder", None)
    return paths.check_output(path, data_folder=Path(folder) if folder else None,
                              inputs=inputs)


def with_suffix(path: str, suffix: str) -> Path:
    """``path`` ending with ``suffix`` (added when the user typed a bare name)."""
    p = Path(path)
    return p if p.name.lower().endswith(suffix.lower()) else p.with_name(p.name + suffix)


def report_format(path: str, chosen_filter: str) -> tuple[Path, str]:
    """(file, "html" | "pdf"): the extension decides, else the chosen filter."""
    p = Path(path)
    low = p.name.lower()
    if low.endswith(".pdf"):
        return p, "pdf"
    if low.endswith((".html", ".htm")):
        return p, "html"
    kind = "pdf" if chosen_filter.startswith("PDF") else "html"
    return p.with_name(p.name + "." + kind), kind


def write_report(ctx: Any, parent: QWidget, reading_fn: Callable[[], Any], out: Path,
                 kind: str, on_saved: Callable[[Path], None],
                 on_error: Callable[[BaseException], None], inputs: Any = ()) -> None:
    """Build the report data in a worker, render, write atomically. ``out`` is checked like
    every output path, never one of ``inputs`` (the file a review window shows).
    ``reading_fn`` (run in the worker) returns a progress reading, or (reading, verdict
    signatures) for the learner's own report (``reports.data.own_progress``).

    HTML is rendered and written in the worker. A PDF needs QTextDocument and QPdfWriter,
    which belong on the GUI thread: the data is gathered in the worker, the PDF is laid out
    on the GUI thread (a fraction of a second for a report of a few pages), and the bytes
    are written atomically in a worker again.
    """
    from tracker.atomicio import write_bytes
    from tracker.reports.data import report_data

    try:
        out = checked_output(ctx, out, inputs)
    except TrackerError as exc:
        on_error(exc)
        return
    from tracker.exchange.known_pack import KnownPacks

    # The file's curriculum is checked against the packs this computer knows (the shipped
    # one, the one installed in the data folder); paths taken here, on the GUI thread.
    folder = getattr(getattr(ctx, "store", None), "folder", None)
    known = KnownPacks.for_reader(Path(folder) if isinstance(folder, (str, Path)) else None)

    def data() -> Any:  # worker
        got = reading_fn()
        reading, signatures = got if isinstance(got, tuple) else (got, None)
        return report_data(reading, known=known, signatures=signatures)

    if kind == "html":
        def work_html() -> Path:
            from tracker.reports.html import write_html

            write_html(data(), out)
            return out

        ctx.run_in_worker(work_html, on_saved, on_error)
        return

    def printed(data: Any) -> None:
        from tracker.reports.pdf import pdf_bytes

        try:
            pdf = pdf_bytes(data)  # GUI thread: QTextDocument / QPdfWriter
        except Exception as exc:  # noqa: BLE001 - shown as one line
            on_error(exc)
            return
        ctx.run_in_worker(lambda: (write_bytes(out, pdf), out)[1], on_saved, on_error)

    ctx.run_in_worker(data, printed, on_error)


@dataclass(frozen=True)
class RestorePlan:
    """What a restore will do, read and checked before the user is asked."""

    path: Path
    reading: Any
    snapshot: Any
    skipped: tuple[str, ...]
    current: dict[str, int]
    current_states: int


# ---------------------------------------------------------------------------- the actions
class ExchangeActions(QObject):
    """The File menu's exchange actions for one main window (GUI thread).

    ``finished`` is emitted with the action's name when its work is over (success, error
    or cancel), so tests and callers can wait without sleeping.
    """

    finished = Signal(str)

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.windows: list[QWidget] = []   # review and cohort windows kept alive
        self.last_error_box: QMessageBox | None = None
        self.last_info_box: QMessageBox | None = None

        def act(text: str, slot: Callable[[], None], tip: str,
                shortcut: str | None = None) -> QAction:
            a = QAction(text, window)
            a.setStatusTip(tip)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            a.triggered.connect(lambda _=False: slot())
            return a

        self.open_file_action = act(
            "Open &File…", self.open_file,
            "Open a progress file (review mode), or import a mentor review or a badge",
            "Ctrl+Shift+O")
        self.open_progress_action = act(
            "&Open Progress File…", self.open_progress,
            "Open a learner's exported progress read-only, to review it", "Ctrl+O")
        self.open_cohort_action = act(
            "Open &Cohort Folder…", self.open_cohort,
            "Compare every learner's progress file in a folder")
        self.export_progress_action = act(
            "&Export Progress…", self.export_progress,
            "Save your progress to a file you can send to a mentor", "Ctrl+E")
        self.export_report_action = act(
            "Export &Report…", self.export_report,
            "Save a readable report of your progress as HTML or PDF")
        self.restore_action = act(
            "Re&store from a Progress File…", self.restore,
            "Replace your progress with a progress file's (a backup is made first)")
        self.import_review_action = act(
            "&Import Mentor Review…", self.import_review,
            "Show a mentor's verdicts and comments on your milestones")

    @property
    def ctx(self) -> Any:
        return self.window.ctx

    def install(self, menu: QMenu) -> None:
        before = getattr(self.window, "quit_action", None)
        if before not in menu.actions():
            before = None
        groups = ((self.open_file_action, self.open_progress_action, self.open_cohort_action),
                  (self.export_progress_action, self.export_report_action),
                  (self.restore_action, self.import_review_action))
        for group in groups:
            for a in group:
                menu.insertAction(before, a) if before else menu.addAction(a)
            sep = QAction(self.window)
            sep.setSeparator(True)
            menu.insertAction(before, sep) if before else menu.addAction(sep)

    # ------------------------------------------------------------------ plumbing
    def _fail(self, name: str) -> Callable[[BaseException], None]:
        def failed(exc: BaseException) -> None:
            self.show_error(one_line(exc))
            self.finished.emit(name)
        return failed

    def show_error(self, text: str) -> None:
        self.last_error_box = message(self.window, text)
        self.window.statusBar().showMessage(text, 8000)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)

    # ------------------------------------------------------------------ export progress
    def export_progress(self, path: str | None = None) -> None:
        from tracker.exchange.progress import SUFFIX, default_file_name

        if path is None:
            name = default_file_name(self.ctx.store.profile().name)
            path, _ = QFileDialog.getSaveFileName(
                self.window, "Export progress", str(Path(last_folder(self.window)) / name),
                PROGRESS_FILTER)
            if not path:
                self.finished.emit("export-progress")
                return
        out = with_suffix(path, SUFFIX) if not path.lower().endswith(".json") else Path(path)
        remember_folder(self.window, out)
        try:
            out = checked_output(self.ctx, out)
        except TrackerError as exc:
            self._fail("export-progress")(exc)
            return
        store = self.ctx.store

        def work() -> tuple[Path, dict[str, Any]]:
            from tracker.exchange.progress import export_progress

            return out, export_progress(store, out)

        def done(result: tuple[Path, dict[str, Any]]) -> None:
            written, doc = result
            n = sum(1 for p in doc["progress"] if p["state"] == "done")
            self._status(f"Progress exported ({plural(n, 'done milestone')}) to {written}")
            self.finished.emit("export-progress")

        self._status("Exporting your progress…")
        self.ctx.run_in_worker(work, done, self._fail("export-progress"))

    # ------------------------------------------------------------------ export report
    def export_report(self, path: str | None = None, chosen_filter: str = HTML_FILTER) -> None:
        if path is None:
            from tracker.exchange.progress import default_file_name

            stem = default_file_name(self.ctx.store.profile().name).removesuffix(
                ".mlops-progress.json")
            path, chosen_filter = QFileDialog.getSaveFileName(
                self.window, "Export report",
                str(Path(last_folder(self.window)) / f"{stem}-report.html"),
                f"{HTML_FILTER};;{PDF_FILTER}")
            if not path:
                self.finished.emit("export-report")
                return
        out, kind = report_format(path, chosen_filter)
        remember_folder(self.window, out)
        store = self.ctx.store

        def reading() -> Any:  # worker: your progress and how each verdict was signed
            from tracker.reports.data import own_progress

            return own_progress(store)

        def saved(written: Path) -> None:
            self._status(f"{kind.upper()} report saved to {written}")
            self.finished.emit("export-report")

        self._status("Writing the report…")
        write_report(self.ctx, self.window, reading, out, kind, saved,
                     self._fail("export-report"))

    # ------------------------------------------------------------------ restore
    def restore(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Restore from a progress file", last_folder(self.window),
                PROGRESS_FILTER)
            if not path:
                self.finished.emit("restore")
                return
        src = Path(path)
        remember_folder(self.window, src)
        store = self.ctx.store

        def read() -> RestorePlan:
            # Every check before anything is touched (as ``restore`` on the command line).
            from tracker.exchange.progress import read_progress_file

            reading = read_progress_file(src)
            snap = reading.to_snapshot()
            cur = store.curriculum()
            known = set(cur.milestone_by_id) | {m for m, _ in store.retired_milestones()}
            skipped = sorted({m for m in snap.progress if m not in known}
                             | {m for m in snap.reviews if m not in known})
            snap = replace(snap, reviews={k: r for k, r in snap.reviews.items() if k in known})
            return RestorePlan(src, reading, snap, tuple(skipped), store.counts(),
                               sum(1 for s in store.states().values() if s != "todo"))

        self._status(f"Reading {src.name}…")
        self.ctx.run_in_worker(read, self._confirm_restore, self._fail("restore"))

    def restore_question(self, plan: RestorePlan) -> tuple[str, str]:
        r, snap, now = plan.reading, plan.snapshot, plan.current
        done = sum(1 for e in snap.progress.values() if e.state == "done")
        text = (f"Replace your progress with {plan.path.name} "
                f"({r.learner_name or 'no name'}, exported {r.exported_at[:10]})?")
        lines = [
            "This replaces everything you have recorded:",
            f"• milestones: {now['done']} done now → {done} done in the file",
            f"• certifications: {now['certifications']} → {len(snap.certifications)}",
            f"• study sessions: {now['study_sessions']} → {len(snap.study_sessions)}",
            f"• mentor reviews: {now['reviews']} → {len(snap.reviews)}",
            "• your profile (name, target level, experience)",
            "",
            "A backup of your current data is made first. A restore cannot be undone with "
            "Edit > Undo; to go back, restore that backup.",
        ]
        if r.integrity != "ok":
            lines.append("Warning: the file was modified after it was exported.")
        if plan.skipped:
            lines.append(f"{plural(len(plan.skipped), 'milestone')} in the file are not in "
                         "your curriculum and will be skipped.")
        return text, "\n".join(lines)

    def _confirm_restore(self, plan: RestorePlan) -> None:
        self._status("")
        text, info = self.restore_question(plan)
        if not ask(self.window, "Restore from a progress file", text, info, "Back Up and Replace"):
            self._status("Restore cancelled; nothing was changed")
            self.finished.emit("restore")
            return
        store = self.ctx.store

        def work() -> Any:
            # As ``restore`` on the command line: the backup is taken under the restore's
            # own write lock, so a concurrent change is never in neither copy.
            return store.replace_all(plan.snapshot, source="restore", backup=True)

        def done(info: Any) -> None:
            # Not undoable: the undo stack's commands refer to the replaced data.
            self.ctx.undo_stack.clear()
            snap = plan.snapshot
            n = sum(1 for e in snap.progress.values() if e.state == "done")
            self.ctx.notify(*Kinds.ALL, message=(
                f"Restored {plan.path.name}: {plural(n, 'done milestone')}, "
                f"{plural(len(snap.certifications), 'certification')}, "
                f"{plural(len(snap.study_sessions), 'study session')}; "
                f"backup of the previous data: {info.name}"))
            self.finished.emit("restore")

        self._status("Backing up and restoring…")
        self.ctx.run_in_worker(work, done, self._fail("restore"))

    # ------------------------------------------------------------------ import review
    def import_review(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Import a mentor review", last_folder(self.window), REVIEW_FILTER)
            if not path:
                self.finished.emit("import-review")
                return
        src = Path(path)
        remember_folder(self.window, src)
        store = self.ctx.store

        def plan() -> Any:
            # As ``import-review`` on the command line: every check before anything is
            # stored (another learner, a date in the future: refused).
            from tracker.exchange.review import plan_import, read_review_file

            return plan_import(store, read_review_file(src))

        self._status(f"Importing {src.name}…")
        self.ctx.run_in_worker(plan, self._confirm_review_import, self._fail("import-review"))

    def review_import_question(self, plan: Any) -> tuple[str, str]:
        """The question asked before importing a review of a file this app did not export."""
        digest = plan.reading.document.progress_digest
        return ("This review is not for a progress file you exported from this app.",
                f"{plan.reading.reviewer or 'The mentor'} reviewed the progress file with "
                f"digest {digest[:12]}…, which this app has no record of exporting, so it may "
                "be about someone else's progress.\n\nImport it only if the reviewed file "
                "is yours, for example exported on another computer or by an earlier "
                "version.")

    def _confirm_review_import(self, plan: Any) -> None:
        if plan.other_export and not ask(self.window, "Import a mentor review",
                                         *self.review_import_question(plan), "Import Anyway"):
            self._status("Import cancelled; nothing was changed")
            self.finished.emit("import-review")
            return
        store = self.ctx.store

        def work() -> list[int]:
            return store.import_reviews(plan.fresh, plan.signature, plan.public_key)

        def done(ids: list[int]) -> None:
            reading, fresh, known, unknown = plan.reading, plan.fresh, plan.known, plan.unknown
            added = len(ids)
            text = (f"Imported {plural(added, 'verdict')} from "
                    f"{reading.reviewer or 'your mentor'}"
                    + (f" ({known - added} already imported)" if known > added else ""))
            if ids:  # undoable like every other change (Edit > Undo removes these verdicts)
                from tracker.ui.operations import ImportReviews

                self.ctx.undo_stack.push(ImportReviews(
                    self.ctx, fresh, ids, f"Import {plural(added, 'mentor verdict')}"))
            if plan.signature == "signed":
                text += f"; {plan.signature_text()}"
            self.ctx.notify(Kinds.REVIEWS, message=text)
            if ids:  # show what the mentor said: the Skills tree filtered by verdict
                from tracker.ui.models.skill_tree import TreeFilter

                verdict = ("needs-work" if any(r.verdict == "needs-work" for r in fresh)
                           else "verified")
                self.ctx.navigate.emit("skills", TreeFilter(review=verdict))
            notes = []
            if plan.signature != "signed":  # said first: these verdicts are not proven
                notes.append(f"Signature: {plan.signature_text()}.")
            if plan.other_export:
                notes.append("The review is not for a progress file exported from this app.")
            if reading.integrity != "ok":
                notes.append("The review file was modified after the mentor wrote it.")
            if unknown:
                notes.append(f"{plural(len(unknown), 'verdict')} for milestones not in your "
                             f"curriculum were skipped: {', '.join(unknown[:8])}"
                             + (" …" if len(unknown) > 8 else ""))
            if notes:
                self.last_info_box = message(self.window, text + ".",
                                             icon=QMessageBox.Icon.Information,
                                             details="\n".join(notes))
            self.finished.emit("import-review")

        self.ctx.run_in_worker(work, done, self._fail("import-review"))

    # ------------------------------------------------------------------ any file
    def open_file(self, path: str | None = None) -> None:
        """Open what ``path`` is (the content decides, tracker/exchange/filekind.py): a
        progress file in review mode; a review file or an Open Badge after asking whether
        to import it. Anything else is refused in one line, as on the command line."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Open a file", last_folder(self.window), OPEN_FILTER)
            if not path:
                self.finished.emit("open-file")
                return
        src = Path(path)
        remember_folder(self.window, src)

        def work() -> str:
            from tracker.exchange.filekind import file_kind

            return file_kind(src)

        def done(kind: str) -> None:
            self._status("")
            self.finished.emit("open-file")
            if kind == "progress":
                self.open_review(src)
            elif kind == "review":
                if ask(self.window, "Import a mentor review", f"Import the mentor review "
                       f"{src.name}?", "Its verdicts show beside your milestones; Edit > "
                       "Undo removes them again.", "Import"):
                    self.import_review(str(src))
                else:
                    self._status("Import cancelled; nothing was changed")
            elif ask(self.window, "Import a badge", f"Import the badge {src.name} as a "
                     "certification?", "It is stored as unverified: badge signatures are "
                     "not checked offline.", "Import"):
                page = self.window.show_page("certifications")
                page.import_badge(src)
            else:
                self._status("Import cancelled; nothing was changed")

        self._status(f"Reading {src.name}…")
        self.ctx.run_in_worker(work, done, self._fail("open-file"))

    # ------------------------------------------------------------------ review mode
    def open_progress(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Open a progress file to review", last_folder(self.window),
                PROGRESS_FILTER)
            if not path:
                self.finished.emit("open-progress")
                return
        remember_folder(self.window, path)
        self.open_review(Path(path))

    def open_review(self, path: Path) -> None:
        """Read ``path`` in a worker and open it in a review window."""
        from tracker.exchange.progress import read_progress_file

        def done(reading: Any) -> None:
            from tracker.ui.review.review_window import ReviewWindow

            win = ReviewWindow(reading, settings_folder=self._local_folder(), path=path,
                               local_curriculum=self._local_curriculum(), opener=self)
            self.keep(win)
            win.show()
            self._status(f"Opened {path.name} for review")
            self.finished.emit("open-progress")

        def read() -> Any:  # the signature checks of to_snapshot too: not on the GUI thread
            reading = read_progress_file(path)
            reading.to_snapshot()
            return reading

        self._status(f"Reading {path.name}…")
        self.ctx.run_in_worker(read, done, self._fail("open-progress"))

    def _local_folder(self) -> Path:
        store = self.ctx.store
        return Path(getattr(store, "folder", Path.home()))

    def _local_curriculum(self) -> Any:
        """The mentor's own curriculum, to compare a file's with (None in review mode)."""
        local = getattr(self.window, "local_curriculum", None)
        if local is not None:
            return local
        if getattr(self.ctx.store, "read_only", False):
            return None
        return self.ctx.store.curriculum()

    def keep(self, win: QWidget) -> None:
        win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.windows.append(win)
        win.destroyed.connect(lambda *_: self.windows.remove(win) if win in self.windows
                              else None)

    # ------------------------------------------------------------------ cohort
    def open_cohort(self, folder: str | None = None) -> None:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(
                self.window, "Open a folder of progress files", last_folder(self.window))
            if not folder:
                self.finished.emit("open-cohort")
                return
        settings = getattr(self.window, "settings", None)
        if settings is not None:
            settings.setValue(LAST_FOLDER_KEY, str(folder))
        from tracker.ui.cohort import CohortWindow

        win = CohortWindow(self.ctx, Path(folder), open_review=self.open_review)
        self.keep(win)
        win.show()
        win.load()
        self.finished.emit("open-cohort")


def install_file_menu(window: Any, menu: QMenu) -> ExchangeActions | None:
    """Insert the exchange actions into ``window``'s File menu, above Quit.

    A review window (``window.review_mode``) builds its own File menu, so nothing is added
    there."""
    if getattr(window, "review_mode", False):
        return None
    actions = ExchangeActions(window)
    actions.install(menu)
    window.exchange_actions = actions
    return actions
