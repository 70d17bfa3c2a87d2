"""Charts drawn with QPainter: level bars, a per-area bar chart and the study heatmap.

Each chart takes plain data (``set_rows``/``set_data``), reads its colours from the palette
(see :mod:`tracker.ui.theme`) and keeps a text equivalent in ``accessibleDescription`` for
screen readers. Bars and cells have their own tooltips. Keyboard: the area chart and the
heatmap take focus; arrow keys move a highlight and show that item's tooltip.

The heatmap's day logic (:func:`active_days`, :func:`current_streak`, :func:`heatmap_weeks`)
is pure and Qt-free so it can be tested on known data. GUI thread only for the widgets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from tracker.ui import theme

MIN_STUDY_MINUTES = 15
HEATMAP_WEEKS = 52


# ------------------------------------------------------------------ pure day logic
def active_days(done_days: Mapping[str, int], minutes_by_day: Mapping[str, int],
                min_minutes: int = MIN_STUDY_MINUTES) -> set[str]:
    """Days (YYYY-MM-DD) that count for the streak: a milestone was done that day, or at
    least ``min_minutes`` of study were logged."""
    days = {d for d, n in done_days.items() if n > 0}
    days |= {d for d, m in minutes_by_day.items() if m >= min_minutes}
    return days


def current_streak(active: set[str], today: date) -> int:
    """Consecutive active days ending today. A streak still open today (yesterday active,
    nothing yet today) counts up to yesterday: it is not broken until the day is over."""
    day = today if today.isoformat() in active else today - timedelta(days=1)
    n = 0
    while day.isoformat() in active:
        n += 1
        day -= timedelta(days=1)
    return n


@dataclass(frozen=True, slots=True)
class HeatDay:
    day: date
    minutes: int
    done: int
    active: bool

    @property
    def intensity(self) -> int:
        """0 (nothing that counts) .. 4 (a big day)."""
        if not self.active:
            return 0
        score = self.minutes + 30 * self.done
        return 1 if score < 30 else 2 if score < 60 else 3 if score < 120 else 4


def heatmap_start(today: date, weeks: int = HEATMAP_WEEKS) -> date:
    """The Monday that starts the first column (the last column holds today)."""
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(weeks=weeks - 1)


def heatmap_weeks(today: date, done_days: Mapping[str, int], minutes_by_day: Mapping[str, int],
                  weeks: int = HEATMAP_WEEKS) -> list[list[HeatDay | None]]:
    """``weeks`` columns of seven days (Monday first); days after today are None."""
    active = active_days(done_days, minutes_by_day)
    start = heatmap_start(today, weeks)
    grid: list[list[HeatDay | None]] = []
    for w in range(weeks):
        col: list[HeatDay | None] = []
        for d in range(7):
            day = start + timedelta(days=7 * w + d)
            key = day.isoformat()
            col.append(None if day > today else
                       HeatDay(day, int(minutes_by_day.get(key, 0)), int(done_days.get(key, 0)),
                               key in active))
        grid.append(col)
    return grid


# ------------------------------------------------------------------ helpers
def _tip(text: str) -> str:
    from tracker.ui.widgets import tip

    return tip(text)


def _pct_text(p: float) -> str:
    return f"{p:.1f}%"


class _Chart(QWidget):
    """Shared bits: antialiased painting, per-item tooltips, keyboard highlight."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setMouseTracking(True)
        self._focus_index = -1

    # subclasses: items rects and tooltip texts
    def _item_rects(self) -> list[QRect]:
        return []

    def _item_tip(self, index: int) -> str:
        return ""

    def _item_at(self, pos: QPoint) -> int:
        for i, r in enumerate(self._item_rects()):
            if r.contains(pos):
                return i
        return -1

    def tooltip_at(self, pos: QPoint) -> str:
        i = self._item_at(pos)
        return self._item_tip(i) if i >= 0 else ""

    def event(self, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.ToolTip:
            tip = self.tooltip_at(ev.pos())
            if tip:
                QToolTip.showText(ev.globalPos(), _tip(tip), self)
            else:
                QToolTip.hideText()
                ev.ignore()
            return True
        return super().event(ev)

    def keyPressEvent(self, ev) -> None:
        rects = self._item_rects()
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -1,
                Qt.Key.Key_Left: -1}.get(ev.key())
        if step is None or not rects:
            super().keyPressEvent(ev)
            return
        self._move_focus(step, len(rects))
        r = self._item_rects()[self._focus_index]
        QToolTip.showText(self.mapToGlobal(r.center()), _tip(self._item_tip(self._focus_index)),
                          self)
        self.update()

    def _move_focus(self, step: int, n: int) -> None:
        self._focus_index = max(0, min(n - 1, self._focus_index + step))

    def focusOutEvent(self, ev) -> None:
        self._focus_index = -1
        self.update()
        super().focusOutEvent(ev)

    def _draw_focus(self, p: QPainter) -> None:
        if self.hasFocus():
            rects = self._item_rects()
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 1.5)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            if 0 <= self._focus_index < len(rects):
                p.drawRoundedRect(QRectF(rects[self._focus_index]).adjusted(-2, -2, 2, 2), 3, 3)
            else:
                p.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)


def _bar(p: QPainter, rect: QRectF, percent: float, fill: QColor, back: QColor) -> None:
    radius = rect.height() / 2
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(back)
    p.drawRoundedRect(rect, radius, radius)
    frac = max(0.0, min(1.0, percent / 100.0))
    if frac > 0:
        w = max(rect.height(), rect.width() * frac)
        p.setBrush(fill)
        p.drawRoundedRect(QRectF(rect.x(), rect.y(), w, rect.height()), radius, radius)


# ------------------------------------------------------------------ level bars
@dataclass(frozen=True, slots=True)
class LevelRow:
    title: str
    percent: float
    ready: bool
    threshold: float
    current: bool = False
    target: bool = False


class LevelBars(_Chart):
    """The five levels as horizontal bars with percent, a threshold tick and a Ready mark."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Readiness per level", parent)
        self._rows: list[LevelRow] = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_rows(self, rows: Sequence[LevelRow]) -> None:
        self._rows = list(rows)
        self.setAccessibleDescription("; ".join(
            f"{r.title}: {_pct_text(r.percent)}, {'ready' if r.ready else 'not ready'}"
            for r in self._rows))
        self.updateGeometry()
        self.update()

    def rows(self) -> list[LevelRow]:
        return list(self._rows)

    def _row_h(self) -> int:
        return self.fontMetrics().height() + 16

    def _title_w(self) -> int:
        fm = self.fontMetrics()
        bold = QFontMetrics(self._bold())
        return max([bold.horizontalAdvance(r.title) for r in self._rows] + [fm.height() * 6]) + 12

    def _bold(self):
        f = self.font()
        f.setWeight(f.Weight.DemiBold)
        return f

    def _tail_w(self) -> int:
        fm = self.fontMetrics()
        return fm.horizontalAdvance("100.0%") + fm.horizontalAdvance("  ✓ Ready") + 20

    def sizeHint(self) -> QSize:
        return QSize(self._title_w() + 260 + self._tail_w(), max(1, len(self._rows)) * self._row_h())

    def minimumSizeHint(self) -> QSize:
        return QSize(self._title_w() + 80 + self._tail_w(), max(1, len(self._rows)) * self._row_h())

    def _item_rects(self) -> list[QRect]:
        h = self._row_h()
        return [QRect(0, i * h, self.width(), h) for i in range(len(self._rows))]

    def _item_tip(self, i: int) -> str:
        r = self._rows[i]
        bits = [f"{r.title}: {_pct_text(r.percent)} (ready at {r.threshold:g}% with every core "
                "milestone done)", "Ready" if r.ready else "Not ready yet"]
        if r.current:
            bits.append("your current level")
        if r.target:
            bits.append("your target level")
        return " · ".join(bits)

    def paintEvent(self, _ev) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        fm = self.fontMetrics()
        h = self._row_h()
        title_w = self._title_w()
        tail_w = self._tail_w()
        bar_h = max(8, fm.height() // 2 + 2)
        text_c = pal.color(QPalette.ColorRole.WindowText)
        for i, r in enumerate(self._rows):
            y = i * h
            p.setFont(self._bold() if (r.current or r.target) else self.font())
            p.setPen(text_c)
            p.drawText(QRect(0, y, title_w - 8, h),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       p.fontMetrics().elidedText(r.title, Qt.TextElideMode.ElideRight,
                                                  title_w - 8))
            p.setFont(self.font())
            bar = QRectF(title_w, y + (h - bar_h) / 2, max(10, self.width() - title_w - tail_w),
                         bar_h)
            fill = theme.success(pal) if r.ready else theme.accent(pal)
            _bar(p, bar, r.percent, fill, theme.track(pal))
            tx = bar.x() + bar.width() * max(0.0, min(1.0, r.threshold / 100))
            p.setPen(QPen(text_c, 1.5))
            p.drawLine(round(tx), round(bar.y() - 3), round(tx), round(bar.bottom() + 3))
            x = round(bar.right()) + 10
            pct_w = fm.horizontalAdvance("100.0%")
            p.setPen(text_c)
            p.drawText(QRect(x, y, pct_w, h),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                       _pct_text(r.percent))
            if r.ready:
                p.setPen(theme.success(pal))
                p.setFont(self._bold())
                p.drawText(QRect(x + pct_w + 8, y, tail_w - pct_w - 8, h),
                           Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "✓ Ready")
                p.setFont(self.font())
        self._draw_focus(p)


# ------------------------------------------------------------------ per-area chart
@dataclass(frozen=True, slots=True)
class AreaRow:
    title: str
    percent: float
    done_weight: int = 0
    total_weight: int = 0


class AreaChart(_Chart):
    """Per-area readiness as horizontal bars (area name, bar, percent)."""

    def __init__(self, name: str = "Readiness by area", parent: QWidget | None = None,
                 compact: bool = False):
        super().__init__(name, parent)
        self._rows: list[AreaRow] = []
        self._compact = compact
        self._caption = name
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_rows(self, rows: Sequence[AreaRow], caption: str | None = None) -> None:
        self._rows = list(rows)
        if caption:
            self._caption = caption
            self.setAccessibleName(caption)
        self.setAccessibleDescription(self.text_equivalent())
        self.updateGeometry()
        self.update()

    def rows(self) -> list[AreaRow]:
        return list(self._rows)

    def text_equivalent(self) -> str:
        if not self._rows:
            return "No areas"
        return "; ".join(f"{r.title} {_pct_text(r.percent)}" for r in self._rows)

    def _row_h(self) -> int:
        return self.fontMetrics().height() + (6 if self._compact else 10)

    def _label_w(self) -> int:
        fm = self.fontMetrics()
        widest = max([fm.horizontalAdvance(r.title) for r in self._rows] + [60]) + 12
        return min(widest, max(120, int(self.width() * 0.45)))

    def _pct_w(self) -> int:
        return self.fontMetrics().horizontalAdvance("100.0%") + 12

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        widest = max([fm.horizontalAdvance(r.title) for r in self._rows] + [60]) + 12
        return QSize(widest + 240 + self._pct_w(), max(1, len(self._rows)) * self._row_h())

    def minimumSizeHint(self) -> QSize:
        return QSize(120 + 60 + self._pct_w(), max(1, len(self._rows)) * self._row_h())

    def _item_rects(self) -> list[QRect]:
        h = self._row_h()
        return [QRect(0, i * h, self.width(), h) for i in range(len(self._rows))]

    def _item_tip(self, i: int) -> str:
        r = self._rows[i]
        return (f"{r.title}: {_pct_text(r.percent)} "
                f"({r.done_weight} of {r.total_weight} milestone weight done)")

    def paintEvent(self, _ev) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        fm = self.fontMetrics()
        h = self._row_h()
        label_w = self._label_w()
        pct_w = self._pct_w()
        bar_h = max(6, fm.height() // 2)
        text_c = pal.color(QPalette.ColorRole.WindowText)
        for i, r in enumerate(self._rows):
            y = i * h
            p.setPen(text_c)
            p.drawText(QRect(0, y, label_w - 10, h),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       fm.elidedText(r.title, Qt.TextElideMode.ElideRight, label_w - 10))
            bar = QRectF(label_w, y + (h - bar_h) / 2, max(10, self.width() - label_w - pct_w),
                         bar_h)
            fill = theme.success(pal) if r.percent >= 100 else theme.accent(pal)
            _bar(p, bar, r.percent, fill, theme.track(pal))
            p.setPen(text_c)
            p.drawText(QRect(round(bar.right()), y, pct_w, h),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                       _pct_text(r.percent))
        self._draw_focus(p)


# ------------------------------------------------------------------ heatmap
class StudyHeatmap(_Chart):
    """The last 52 weeks, one cell per day (columns are weeks, Monday at the top), with a
    Less-to-More legend under the grid. Cells shrink (down to MIN_CELL) to fit the width
    the layout gives, so a year fits a 1024-pixel window; the height follows the width."""

    CELL = 13
    MIN_CELL = 7
    GAP = 3
    ALPHAS = (0.35, 0.55, 0.78, 1.0)  # intensity 1..4 over the accent colour

    def __init__(self, parent: QWidget | None = None):
        super().__init__(f"Study activity, last {HEATMAP_WEEKS} weeks", parent)
        self._grid: list[list[HeatDay | None]] = []
        self._cells: list[tuple[QRect, HeatDay]] = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_data(self, grid: list[list[HeatDay | None]], streak: int) -> None:
        self._grid = grid
        days = [d for col in grid for d in col if d is not None]
        n_active = sum(1 for d in days if d.active)
        minutes = sum(d.minutes for d in days)
        done = sum(d.done for d in days)
        self.setAccessibleName(f"Study activity, last {len(grid)} weeks")
        self.setAccessibleDescription(
            f"{n_active} active days in the last {len(grid)} weeks; {minutes} minutes studied; "
            f"{done} milestones done; current streak {streak} "
            f"{'day' if streak == 1 else 'days'}")
        self._layout_cells()
        self.updateGeometry()
        self.update()

    def days(self) -> list[HeatDay]:
        return [d for col in self._grid for d in col if d is not None]

    def _weeks(self) -> int:
        return max(1, len(self._grid) or HEATMAP_WEEKS)

    def _full_cell(self) -> int:
        return max(self.CELL, self.fontMetrics().height() - 2)

    def _cell_for(self, width: int) -> int:
        fits = (width - self._left() - 4) // self._weeks() - self.GAP
        return max(self.MIN_CELL, min(self._full_cell(), fits))

    def _cell(self) -> int:
        return self._cell_for(self.width())

    def _legend_h(self) -> int:
        return self.fontMetrics().height() + 8

    def _left(self) -> int:
        return self.fontMetrics().horizontalAdvance("Wed") + 8

    def _top(self) -> int:
        return self.fontMetrics().height() + 4

    def _layout_cells(self) -> None:
        c, g = self._cell(), self.GAP
        left, top = self._left(), self._top()
        self._cells = []
        for w, col in enumerate(self._grid):
            for d, day in enumerate(col):
                if day is not None:
                    self._cells.append((QRect(left + w * (c + g), top + d * (c + g), c, c), day))

    def _height_for_cell(self, c: int) -> int:
        return self._top() + 7 * (c + self.GAP) + 2 + self._legend_h()

    def sizeHint(self) -> QSize:
        c, g = self._full_cell(), self.GAP
        return QSize(self._left() + self._weeks() * (c + g) + 4, self._height_for_cell(c))

    def minimumSizeHint(self) -> QSize:
        c, g = self.MIN_CELL, self.GAP
        return QSize(self._left() + self._weeks() * (c + g) + 4, self._height_for_cell(c))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._height_for_cell(self._cell_for(width))

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._layout_cells()

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.FontChange:
            self._layout_cells()
            self.updateGeometry()
        super().changeEvent(ev)

    def _item_rects(self) -> list[QRect]:
        return [r for r, _ in self._cells]

    def _move_focus(self, step: int, n: int) -> None:
        # Left/Right move a week, Up/Down a day (cells are stored week by week).
        if self._focus_index < 0:
            self._focus_index = n - 1
            return
        self._focus_index = max(0, min(n - 1, self._focus_index + step))

    def keyPressEvent(self, ev) -> None:
        if ev.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right) and self._cells:
            n = len(self._cells)
            if self._focus_index < 0:
                self._focus_index = n - 1
            else:
                self._focus_index = max(0, min(n - 1, self._focus_index
                                               + (7 if ev.key() == Qt.Key.Key_Right else -7)))
            r = self._cells[self._focus_index][0]
            QToolTip.showText(self.mapToGlobal(r.center()),
                              _tip(self._item_tip(self._focus_index)), self)
            self.update()
            return
        super().keyPressEvent(ev)

    def _item_tip(self, i: int) -> str:
        d = self._cells[i][1]
        parts = [f"{d.day.strftime('%a')} {d.day.isoformat()}"]
        parts.append(f"{d.minutes} min studied" if d.minutes else "no study logged")
        if d.done:
            parts.append(f"{d.done} milestone{'s' if d.done != 1 else ''} done")
        if d.active:
            parts.append("counts for the streak")
        return " · ".join(parts)

    def paintEvent(self, _ev) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        fm = self.fontMetrics()
        c, g = self._cell(), self.GAP
        left, top = self._left(), self._top()
        muted = theme.muted_text(pal)
        p.setPen(muted)
        for d, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
            p.drawText(QRect(0, top + d * (c + g) - 2, left - 6, c + 4),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, name)
        last_month = None
        last_x = -100
        for w, col in enumerate(self._grid):
            first = next((d for d in col if d is not None), None)
            if first is None:
                continue
            if first.day.month != last_month:
                x = left + w * (c + g)
                text = first.day.strftime("%b")
                if x - last_x > fm.horizontalAdvance(text) + 6:
                    p.drawText(QPoint(x, fm.ascent()), text)
                    last_x = x
                last_month = first.day.month
        colors = self._colors(pal)
        p.setPen(Qt.PenStyle.NoPen)
        for rect, day in self._cells:
            p.setBrush(colors[day.intensity])
            p.drawRoundedRect(QRectF(rect), 2.5, 2.5)
        self._draw_legend(p, colors, muted)
        self._draw_focus(p)

    def _colors(self, pal: QPalette) -> list[QColor]:
        """The colour of each intensity, 0 (nothing) to 4."""
        out = [theme.track(pal)]
        for alpha in self.ALPHAS:
            color = QColor(theme.accent(pal))
            color.setAlphaF(alpha)
            out.append(color)
        return out

    def legend_rect(self) -> QRect:
        """Where the Less-to-More legend is drawn (under the grid, right-aligned)."""
        fm = self.fontMetrics()
        c, g = min(self._cell(), 11), self.GAP
        width = (fm.horizontalAdvance("Less") + 6 + 5 * (c + g) + 4
                 + fm.horizontalAdvance("More"))
        right = self._left() + self._weeks() * (self._cell() + g) - g
        top = self._top() + 7 * (self._cell() + g) + 4
        return QRect(right - width, top, width, self._legend_h() - 4)

    def _draw_legend(self, p: QPainter, colors: list[QColor], muted: QColor) -> None:
        fm = self.fontMetrics()
        box = self.legend_rect()
        c, g = min(self._cell(), 11), self.GAP
        p.setPen(muted)
        less_w = fm.horizontalAdvance("Less")
        p.drawText(QRect(box.x(), box.y(), less_w, box.height()),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "Less")
        x = box.x() + less_w + 6
        y = box.y() + (box.height() - c) // 2
        p.setPen(Qt.PenStyle.NoPen)
        for color in colors:
            p.setBrush(color)
            p.drawRoundedRect(QRectF(x, y, c, c), 2.0, 2.0)
            x += c + g
        p.setPen(muted)
        p.drawText(QRect(x + 4 - g, box.y(), box.right() - x + g, box.height()),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "More")
