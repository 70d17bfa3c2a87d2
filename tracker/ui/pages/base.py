"""What every page is: a widget built from an AppContext that redraws on change."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from tracker.ui.context import AppContext


class Page(QWidget):
    """A page of the main window.

    ``title`` shows in the sidebar. ``on_changed(kinds)`` is called (GUI thread) after any
    mutation or external change, with the set of Kinds that changed; a page redraws only
    what depends on them, and may defer work until it is shown (``isVisible()``).
    ``open_item(arg)`` lets the window navigate to something on the page (a milestone id on
    the Skills page, for example).
    """

    title = ""
    object_name = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        if self.object_name:
            self.setObjectName(self.object_name)

    #: Kinds this page draws. The default on_changed redraws when one of them changed, at
    #: once if the page is visible, else when it is next shown (hidden pages do no work).
    relevant: frozenset[str] = frozenset()
    _dirty = False

    def on_changed(self, kinds: frozenset[str]) -> None:
        if kinds & self.relevant:
            self._dirty = True
            if self.isVisible():
                self.refresh()

    def showEvent(self, ev) -> None:
        if self._dirty:
            self.refresh()
        super().showEvent(ev)

    def refresh(self) -> None:
        """Redraw from the Store; subclasses call this first or reset ``_dirty`` themselves."""
        self._dirty = False

    def open_item(self, arg: object) -> None:
        pass

    #: True while the page shows someone else's data (review mode): no editing controls.
    read_only = False

    def set_read_only(self, read_only: bool) -> None:
        """Show (False) or hide (True) every control that would change the data. A page
        with such controls overrides this, calls it first and hides them; its slots and
        keys also do nothing while ``read_only`` (the Store would refuse anyway)."""
        self.read_only = read_only
