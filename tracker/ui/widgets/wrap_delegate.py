"""Word-wrapped rows in a tree view: a column whose text wraps onto as many lines as it needs.

A narrow tree (the review window's Skills tree at 1024 px, with the mentor's panel beside it)
cannot show a 110-character milestone title on one line; eliding it to "Manag…" hides what
the row is. :func:`wrap_column` makes one column wrap at word breaks instead: each row is as
tall as its text needs at the column's current width, recomputed when the column or the
view is resized.

GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, QTimer
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeView


def text_width(view: QTreeView, index: QModelIndex | QPersistentModelIndex) -> int:
    """The width the column of ``index`` gives its cell (tree indentation taken off)."""
    width = view.columnWidth(index.column())
    if index.column() == view.header().logicalIndex(0):
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width -= view.indentation() * (depth + (1 if view.rootIsDecorated() else 0))
    return max(1, width)


class WrapDelegate(QStyledItemDelegate):
    """Paints like the standard delegate with word wrap on; its size hint is the height the
    wrapped text needs in the cell's width (the style's own measure, so painting and
    sizing agree)."""

    def __init__(self, view: QTreeView):
        super().__init__(view)
        self.view = view

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = text_width(self.view, index)
        opt.rect = QRect(0, 0, width, 10_000)  # a valid rect: the style wraps to its width
        style = self.view.style()
        size = style.sizeFromContents(QStyle.ContentsType.CT_ItemViewItem, opt, QSize(),
                                      self.view)
        return QSize(width, size.height())


def wrap_column(view: QTreeView, column: int) -> WrapDelegate:
    """Let ``column`` of ``view`` wrap its text; returns the delegate (kept by the view)."""
    delegate = WrapDelegate(view)
    view.setItemDelegateForColumn(column, delegate)
    view.setWordWrap(True)
    view.setUniformRowHeights(False)
    relayout = QTimer(view)
    relayout.setSingleShot(True)
    relayout.setInterval(0)
    relayout.timeout.connect(view.doItemsLayout)

    def resized(logical: int, _old: int, _new: int) -> None:
        if logical == column:
            relayout.start()  # many resize steps, one layout

    view.header().sectionResized.connect(resized)
    view.setProperty("wrappedColumn", column)
    return delegate

