"""Icons drawn for the app (``resources/icons/*.svg``), tinted to the current palette.

Sidebar icons use ``stroke="currentColor"``; :func:`icon` substitutes a colour and renders
the SVG to pixmaps at 1x and 2x, so the icons stay crisp at 2x scaling and readable in light
and dark themes. GUI thread only.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from tracker import paths

SIDEBAR_SIZES = (20,)


@cache
def _svg_text(name: str) -> str:
    return (paths.resources_dir() / "icons" / f"{name}.svg").read_text(encoding="utf-8")


def _render(svg: str, size: int, ratio: float) -> QPixmap:
    from PySide6.QtSvg import QSvgRenderer  # lazy: only when an icon is first drawn

    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    px = QPixmap(round(size * ratio), round(size * ratio))
    px.fill(Qt.GlobalColor.transparent)
    painter = QPainter(px)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, px.width(), px.height()))
    painter.end()
    px.setDevicePixelRatio(ratio)
    return px


def icon(name: str, color: QColor | str | None = None, sizes: tuple[int, ...] = (16, 20, 24, 32)
         ) -> QIcon:
    """The icon ``name`` with ``currentColor`` replaced by ``color``."""
    svg = _svg_text(name)
    if color is not None:
        svg = svg.replace("currentColor", QColor(color).name())
    result = QIcon()
    for size in sizes:
        for ratio in (1.0, 2.0):
            result.addPixmap(_render(svg, size, ratio))
    return result


def tinted(name: str, normal: QColor, selected: QColor) -> QIcon:
    """An icon drawn in ``normal`` and, when its item is selected, in ``selected``."""
    svg = _svg_text(name)
    result = QIcon()
    for mode, color in ((QIcon.Mode.Normal, normal), (QIcon.Mode.Selected, selected)):
        coloured = svg.replace("currentColor", QColor(color).name())
        for size in SIDEBAR_SIZES:  # the sidebar's icon size; Qt scales for others
            for ratio in (1.0, 2.0):
                result.addPixmap(_render(coloured, size, ratio), mode)
    return result


def app_icon() -> QIcon:
    # Window managers scale from the nearest size; rendering fewer keeps start-up quick.
    result = QIcon()
    svg = _svg_text("app")
    for size in (16, 32, 64, 256):
        result.addPixmap(_render(svg, size, 1.0))
    return result
