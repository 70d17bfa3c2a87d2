"""A bar chart of study minutes per week (Monday to Sunday), drawn with QPainter.

:func:`weekly_totals` is the pure part (minutes per day -> minutes per week). The widget
draws the bars in the palette's highlight colour, shows a tooltip per bar, can be walked
with the arrow keys (the focused week is outlined and described), and keeps its
``accessibleDescription`` as a text equivalent of the whole chart for screen readers.

Threading rule: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

WEEKS = 16


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_totals(minutes_by_day: Mapping[str, int], today: date,
                  weeks: int = WEEKS) -> list[tuple[date, int]]:
    """Minutes per week for the ``weeks`` weeks ending with the current one, oldest first.
    Days outside the window are ignored."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    totals = {first + timedelta(weeks=i): 0 for i in range(weeks)}
    for day, minutes in minutes_by_day.items():
        try:
            d = date.fromisoformat(day)
        except ValueError:
            continue
        start = week_start(d)
        if start in totals:
            totals[start] += int(minutes)
    return sorted(totals.items())


def first_day_needed(today: date, weeks: int = WEEKS) -> str:
    """The earliest day :func:`weekly_totals` looks at (for the Store query)."""
    return (week_start(today) - timedelta(weeks=weeks - 1)).isoformat()


def _hours(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d} min" if m else f"{h} h"


def _tick_label(minutes: int) -> str:
    if minutes == 0:
        return "0"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes / 60:g} h"


def describe_week(start: date, minutes: int) -> str:
    end = start + timedelta(days=6)
    return f"Week of {start.isoformat()} to {end.isoformat()}: {_hours(minutes)}"


class WeeklyChart(QWidget):
    """Bars of study minutes per week; tooltips, keyboard focus and a text equivalent."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._data: list[tuple[date, int]] = []
        self._current = -1
        self._hover = -1
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName("Weekly study totals")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(150)

    # -------------------------------------------------------- data
    def set_totals(self, totals: Sequence[tuple[date, int]]) -> None:
        self._data = list(totals)
        if self._current >= len(self._data):
            self._current = len(self._data) - 1
        self.setAccessibleDescription(self.text_equivalent())
        self.update()

    def totals(self) -> list[tuple[date, int]]:
        return list(self._data)

    def text_equivalent(self) -> str:
        if not self._data:
            return "No study sessions logged."
        total = sum(m for _, m in self._data)
        weeks = "; ".join(describe_week(d, m) for d, m in self._data)
        return (f"Study minutes per week for the last {len(self._data)} weeks, "
                f"{_hours(total)} in all. {weeks}.")

    def current_week(self) -> int:
        return self._current

    # -------------------------------------------------------- geometry
    def sizeHint(self) -> QSize:
        return QSize(560, 190)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 150)

    def _ticks(self) -> list[int]:
        """Grid values in minutes: 0 and up to four round steps covering the peak."""
        peak = max((m for _, m in self._data), default=0)
        for step in (15, 30, 60, 120, 180, 300, 600, 1200, 3000, 6000):
            if peak <= step * 4:
                break
        n = max(2, -(-peak // step))
        return [step * k for k in range(n + 1)]

    def _plot_rect(self) -> QRectF:
        fm = QFontMetrics(self.font())
        left = max(fm.horizontalAdvance(_tick_label(t)) for t in self._ticks()) + 12
        top = fm.height() + 8
        bottom = fm.height() + 10
        return QRectF(left, top, max(10.0, self.width() - left - 8),
                      max(10.0, self.height() - top - bottom))

    def _scale_max(self) -> int:
        return self._ticks()[-1]

    def bar_rect(self, i: int) -> QRectF:
        plot = self._plot_rect()
        n = max(1, len(self._data))
        slot = plot.width() / n
        gap = min(8.0, slot * 0.25)
        minutes = self._data[i][1] if 0 <= i < len(self._data) else 0
        h = plot.height() * minutes / self._scale_max()
        if minutes:
            h = max(h, 2.0)
        return QRectF(plot.left() + i * slot + gap / 2, plot.bottom() - h, slot - gap, h)

    def _slot_at(self, x: float) -> int:
        plot = self._plot_rect()
        if not self._data or not plot.left() <= x <= plot.right():
            return -1
        i = int((x - plot.left()) / (plot.width() / len(self._data)))
        return min(i, len(self._data) - 1)

    # -------------------------------------------------------- painting
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        accent = pal.color(QPalette.ColorRole.Highlight)
        grid = QColor(text)
        grid.setAlpha(40)
        fm = QFontMetrics(self.font())
        plot = self._plot_rect()

        # Caption: the week under the mouse or the keyboard focus, else a hint.
        shown = self._hover if self._hover >= 0 else (self._current if self.hasFocus() else -1)
        if 0 <= shown < len(self._data):
            caption = describe_week(*self._data[shown])
            p.setPen(text)
        else:
            caption = "Point at a bar, or focus the chart and use the arrow keys, to read a week"
            p.setPen(muted)
        p.drawText(QRectF(0, 0, self.width(), fm.height() + 4),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(caption, Qt.TextElideMode.ElideRight, self.width()))

        # Grid lines with round labels.
        top = self._scale_max()
        for value in self._ticks():
            y = plot.bottom() - plot.height() * value / top
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(muted)
            p.drawText(QRectF(0, y - fm.height() / 2, plot.left() - 6, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       _tick_label(value))

        # Bars.
        for i, (_start, minutes) in enumerate(self._data):
            r = self.bar_rect(i)
            if minutes:
                p.fillRect(r, accent)
            if i == shown and i == self._current and self.hasFocus():
                ring = QRectF(r.left() - 2, plot.top(), r.width() + 4, plot.height() + 2)
                p.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(ring)

        # Week labels: first and then every fourth week, so they never overlap.
        p.setPen(muted)
        n = len(self._data)
        if n:
            slot = plot.width() / n
            every = max(1, -(-fm.horizontalAdvance("Mar 30") // max(1, int(slot))) + 1)
            every = max(every, 4 if n > 8 else 1)
            for i, (start, _m) in enumerate(self._data):
                if (n - 1 - i) % every:
                    continue
                lab = start.strftime("%b %d").replace(" 0", " ")
                w = fm.horizontalAdvance(lab) + 4
                x = plot.left() + i * slot + slot / 2 - w / 2
                x = max(0.0, min(x, self.width() - w))
                p.drawText(QRectF(x, plot.bottom() + 4, w, fm.height()),
                           Qt.AlignmentFlag.AlignCenter, lab)
        p.end()

    # -------------------------------------------------------- interaction
    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            i = self._slot_at(e.pos().x())
            if i >= 0:
                # Our own text (dates and numbers), but keep it plain all the same.
                QToolTip.showText(e.globalPos(), describe_week(*self._data[i]), self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def mouseMoveEvent(self, e) -> None:
        i = self._slot_at(e.position().x())
        if i != self._hover:
            self._hover = i
            self.update()
        super().mouseMoveEvent(e)

    def leaveEvent(self, e) -> None:
        self._hover = -1
        self.update()
        super().leaveEvent(e)

    def keyPressEvent(self, e) -> None:
        if not self._data:
            return super().keyPressEvent(e)
        key = e.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
            n = len(self._data)
            cur = self._current if self._current >= 0 else n - 1
            cur = {Qt.Key.Key_Left: max(0, cur - 1), Qt.Key.Key_Right: min(n - 1, cur + 1),
                   Qt.Key.Key_Home: 0, Qt.Key.Key_End: n - 1}[key]
            self._current = cur
            self.setAccessibleName("Weekly study totals: " + describe_week(*self._data[cur]))
            self.update()
            return
        super().keyPressEvent(e)

    def focusInEvent(self, e) -> None:
        if self._current < 0 and self._data:
            self._current = len(self._data) - 1
        super().focusInEvent(e)
        self.update()

    def focusOutEvent(self, e) -> None:
        super().focusOutEvent(e)
        self.update()
