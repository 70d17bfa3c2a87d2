"""Small building blocks shared by the pages: cards, plain-text labels, link buttons.

Every label made here shows plain text (``Qt.TextFormat.PlainText``): curriculum titles,
learner names and review comments may come from a file and must never be read as HTML.
GUI thread only.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from tracker.ui import theme


def tip(text: str) -> str:
    """A tooltip that shows ``text`` literally (Qt guesses rich text for tooltips)."""
    if not text:
        return ""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


def clip(text: str, limit: int = 40) -> str:
    """``text`` on one line and at most ``limit`` characters, cut at a word where one is
    near and marked with "…" (for titles inside undo steps and status messages)."""
    one = " ".join(text.split())
    if len(one) <= limit:
        return one
    cut = one[:limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-—") + "…"


def breakable(text: str, every: int = 16) -> str:
    """``text`` with a zero-width space inside every run of more than ``every`` characters
    without a space, so that a word-wrapping label can wrap even a very long word."""
    out = []
    for word in text.split(" "):
        if len(word) > every:
            word = "\u200b".join(word[i:i + every] for i in range(0, len(word), every))
        out.append(word)
    return " ".join(out)


def fmt_percent(p: float) -> str:
    """How every page shows a readiness percent (one decimal, like the CLI)."""
    return f"{p:.1f}%"


def label(text: str = "", *, role: str | None = None, wrap: bool = False,
          point_delta: float = 0, bold: bool = False, selectable: bool = False) -> QLabel:
    """A plain-text label (never interpreted as rich text)."""
    w = QLabel(text)
    w.setTextFormat(Qt.TextFormat.PlainText)
    w.setWordWrap(wrap)
    if role:
        w.setProperty("role", role)
    if point_delta or bold:
        f = QFont(w.font())
        if point_delta:
            f.setPointSizeF(max(6.0, f.pointSizeF() + point_delta))
        if bold:
            f.setWeight(QFont.Weight.DemiBold)
        w.setFont(f)
    if selectable:
        w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if wrap:
        w.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return w


def heading(text: str, point_delta: float = 2) -> QLabel:
    return label(text, role="heading", point_delta=point_delta, bold=True)


class Card(QFrame):
    """A rounded panel with an optional heading; add content to ``body`` (a QVBoxLayout)."""

    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.body = QVBoxLayout(self)
        p = theme.CARD_PADDING
        self.body.setContentsMargins(p, p, p, p)
        self.body.setSpacing(8)
        self.title_label: QLabel | None = None
        if title:
            self.title_label = heading(title, 1)
            self.body.addWidget(self.title_label)

    def finish(self) -> None:
        """Keep the content at the top when the card is given more height than it needs."""
        self.body.addStretch(1)


class LinkButton(QPushButton):
    """A flat, link-looking button: keyboard reachable (Tab, Space/Enter), plain text.

    A long text is elided to the width the layout gives it (full text in the tooltip and the
    accessible name), so it never forces the page wider than the window."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text.replace("&", "&&"), parent)
        self._full = text
        self.setProperty("role", "link")
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(tip(text))
        self.setAccessibleName(text)

    def full_text(self) -> str:
        return self._full

    def keyPressEvent(self, event) -> None:
        # A link opens with Enter, as in a browser (a QPushButton outside a dialog only
        # reacts to Space).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() \
                & ~Qt.KeyboardModifier.KeypadModifier:
            event.accept()
            self.animateClick()
            return
        super().keyPressEvent(event)

    def set_full_text(self, text: str, tooltip: str | None = None) -> None:
        self._full = text
        self.setToolTip(tip(text if tooltip is None else tooltip))
        self.setAccessibleName(text)
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 16, hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(80, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(20, self.width() - 10)
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        # A button reads "&" as a mnemonic marker: double it so user text shows as written.
        shown = shown.replace("&", "&&")
        if shown != self.text():
            super().setText(shown)


def clear_layout(layout) -> None:
    """Remove and delete every item of a layout."""
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget()
        if w is not None:
            w.hide()
            w.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())
