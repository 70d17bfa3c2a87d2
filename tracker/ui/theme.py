"""Light and dark palettes, one accent colour, one spacing scale.

``apply_theme(app, "system" | "light" | "dark")`` sets the Fusion style and a palette; with
"system" it follows ``QStyleHints.colorScheme()`` and keeps following it when the desktop
switches. Charts and icons read their colours from the palette (plus the few helpers below),
so they look right in both schemes.

GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")
THEME_TITLES = {"system": "&System", "light": "&Light", "dark": "&Dark"}

# One spacing scale for every page.
SPACING = 12
MARGIN = 18
CARD_PADDING = 14
RADIUS = 8

ACCENT_LIGHT = "#2563c9"
ACCENT_DARK = "#5b9cf5"
SUCCESS_LIGHT = "#1d8a4c"
SUCCESS_DARK = "#4cc27e"
WARNING_LIGHT = "#b45d00"
WARNING_DARK = "#f0a34a"
DANGER_LIGHT = "#c0392b"
DANGER_DARK = "#f0776b"

_system_hook_connected = False
_current = "system"


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def accent(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.Highlight)


def success(palette: QPalette) -> QColor:
    return QColor(SUCCESS_DARK if is_dark(palette) else SUCCESS_LIGHT)


def warning(palette: QPalette) -> QColor:
    return QColor(WARNING_DARK if is_dark(palette) else WARNING_LIGHT)


def danger(palette: QPalette) -> QColor:
    return QColor(DANGER_DARK if is_dark(palette) else DANGER_LIGHT)


def track(palette: QPalette) -> QColor:
    """The empty part of a bar: visible against the card in both schemes."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    return _mix(base, text, 0.14)


def muted_text(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.PlaceholderText)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(round(a.red() + (b.red() - a.red()) * t),
                  round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


def _palette(colors: dict[QPalette.ColorRole, str], disabled_text: str) -> QPalette:
    p = QPalette()
    for role, value in colors.items():
        p.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled_text))
    return p


def light_palette() -> QPalette:
    R = QPalette.ColorRole
    return _palette({
        R.Window: "#f3f4f7", R.WindowText: "#1c1f26", R.Base: "#ffffff",
        R.AlternateBase: "#f0f2f6", R.Text: "#1c1f26", R.Button: "#e9ebf0",
        R.ButtonText: "#1c1f26", R.BrightText: "#ffffff", R.Highlight: ACCENT_LIGHT,
        R.HighlightedText: "#ffffff", R.Link: ACCENT_LIGHT, R.LinkVisited: "#6b3fb8",
        R.ToolTipBase: "#ffffff", R.ToolTipText: "#1c1f26", R.PlaceholderText: "#5e6573",
        R.Light: "#ffffff", R.Midlight: "#e2e5eb", R.Mid: "#c4c9d2", R.Dark: "#9aa1ad",
        R.Shadow: "#6b7280", R.Accent: ACCENT_LIGHT,
    }, "#9096a1")


def dark_palette() -> QPalette:
    R = QPalette.ColorRole
    return _palette({
        R.Window: "#1e2027", R.WindowText: "#e6e8ee", R.Base: "#272a33",
        R.AlternateBase: "#2d313b", R.Text: "#e6e8ee", R.Button: "#30343e",
        R.ButtonText: "#e6e8ee", R.BrightText: "#ffffff", R.Highlight: ACCENT_DARK,
        R.HighlightedText: "#0d1117", R.Link: ACCENT_DARK, R.LinkVisited: "#b39af0",
        R.ToolTipBase: "#30343e", R.ToolTipText: "#e6e8ee", R.PlaceholderText: "#a0a6b3",
        R.Light: "#3b404b", R.Midlight: "#343842", R.Mid: "#4a4f5b", R.Dark: "#15171c",
        R.Shadow: "#000000", R.Accent: ACCENT_DARK,
    }, "#6c7280")


def _stylesheet(dark: bool) -> str:
    card = "#272a33" if dark else "#ffffff"
    border = "#363a45" if dark else "#dde1e8"
    side = "#181a20" if dark else "#e8ebf0"
    hover = "#2a2e37" if dark else "#dde2ea"
    # Scroll bars with a handle that shows: Fusion's is pale grey on pale grey.
    groove = "#22252d" if dark else "#e6e9ef"
    handle = "#5f6572" if dark else "#a3aab6"
    handle_hover = "#7c8390" if dark else "#7d8592"
    return f"""
QFrame#card {{ background: {card}; border: 1px solid {border}; border-radius: {RADIUS}px; }}
QFrame#card QLabel {{ background: transparent; border: none; }}
QListWidget#sidebar {{ background: {side}; border: none; border-right: 1px solid {border};
    padding: 8px 6px; outline: 0; }}
QListWidget#sidebar::item {{ padding: 8px 10px; border-radius: 6px; margin: 1px 0; }}
QListWidget#sidebar::item:hover {{ background: {hover}; }}
QListWidget#sidebar::item:selected {{ background: palette(highlight);
    color: palette(highlighted-text); }}
QLabel[role="heading"] {{ font-weight: 600; }}
QLabel[role="muted"] {{ color: palette(placeholder-text); }}
QPushButton[role="link"] {{ border: none; background: transparent; color: palette(link);
    text-align: left; padding: 3px 2px; }}
QPushButton[role="link"]:hover {{ text-decoration: underline; }}
QPushButton[role="link"]:focus {{ border: 1px solid palette(highlight); border-radius: 4px; }}
QScrollArea#pageScroll, QScrollArea#pageScroll > QWidget > QWidget {{ background: transparent; }}
QScrollBar:vertical {{ background: {groove}; width: 12px; margin: 0; border: none; }}
QScrollBar:horizontal {{ background: {groove}; height: 12px; margin: 0; border: none; }}
QScrollBar::handle:vertical {{ background: {handle}; min-height: 32px; border-radius: 4px;
    margin: 2px; }}
QScrollBar::handle:horizontal {{ background: {handle}; min-width: 32px; border-radius: 4px;
    margin: 2px; }}
QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: {handle_hover}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none;
    background: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
"""


def resolve(name: str) -> str:
    """"light" or "dark" for a theme name ("system" asks the platform)."""
    if name in ("light", "dark"):
        return name
    app = QApplication.instance()
    scheme = app.styleHints().colorScheme() if app is not None else Qt.ColorScheme.Unknown
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def current() -> str:
    return _current


def apply_theme(app: QApplication, name: str) -> str:
    """Apply a theme to the whole application; returns the scheme used ("light"/"dark")."""
    global _current, _system_hook_connected
    if name not in THEMES:
        name = "system"
    _current = name
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    scheme = resolve(name)
    dark = scheme == "dark"
    app.setPalette(dark_palette() if dark else light_palette())
    app.setStyleSheet(_stylesheet(dark))
    if not _system_hook_connected:
        _system_hook_connected = True
        app.styleHints().colorSchemeChanged.connect(_on_system_scheme_changed)
    return scheme


def _on_system_scheme_changed(_scheme: object) -> None:
    app = QApplication.instance()
    if app is not None and _current == "system":
        apply_theme(app, "system")
