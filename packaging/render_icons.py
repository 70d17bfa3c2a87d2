"""Render the app icon (resources/icons/app.svg) to the PNG sizes desktops look for
(resources/desktop/icons/NxN.png). Run after changing the SVG:

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py

tests/unit/test_desktop_files.py checks that every size is there and has the right size.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.desktop import ICON_SIZES  # noqa: E402


def main() -> int:
    from PySide6.QtCore import QByteArray, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    svg = (ROOT / "resources" / "icons" / "app.svg").read_bytes()
    renderer = QSvgRenderer(QByteArray(svg))
    out = ROOT / "resources" / "desktop" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in ICON_SIZES:
        img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        painter = QPainter(img)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        path = out / f"{size}x{size}.png"
        if not img.save(str(path), "PNG"):
            print(f"cannot write {path}", file=sys.stderr)
            return 1
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
