"""The learner's certifications as a thin table model, plus the status colours.

Columns: name, issuer, earned, expires, status, signature. The status (valid /
expires within 60 days / expired) comes from :func:`tracker.status.cert_status`; it is shown
as text, an icon and a translucent row tint, so colour is never the only cue and the tint
reads on light and dark palettes alike. The signature column shows the certification's one
verification state (:mod:`tracker.exchange.credential_verify`) in plain words with an icon;
its tooltip and accessible text say where it came from (a badge file or typed in), name
the issuer's key and say that revocation is not checked. Sorting goes through a QSortFilterProxyModel on ``SortRole``.

Threading rule: GUI thread only.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from tracker.db.types import Certification
from tracker.exchange import credential_verify as cv
from tracker.status import cert_status, days_left, expiry_text
from tracker.ui.models.rows import RowTableModel

CertIdRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2   # "valid" | "expiring" | "expired"
SortRole = Qt.ItemDataRole.UserRole + 3
VerificationRole = Qt.ItemDataRole.UserRole + 4  # credential_verify.STATES

NAME_COL, ISSUER_COL, EARNED_COL, EXPIRES_COL, STATUS_COL, SIGNATURE_COL = range(6)
HEADERS = ("Name", "Issuer", "Earned", "Expires", "Status", "Signature")

STATUS_LABELS = {"valid": "Valid", "expiring": "Expires within 60 days", "expired": "Expired"}
STATUS_ORDER = {"expired": 0, "expiring": 1, "valid": 2}
SIGNATURE_ORDER = {cv.INVALID: 0, cv.OFFLINE: 1, cv.UNSIGNED: 2, cv.VERIFIED: 3}
# Translucent tints over the palette's base colour: readable in light and dark themes.
STATUS_TINTS = {"expiring": QColor(230, 160, 0, 70), "expired": QColor(220, 53, 69, 70)}
_D = Qt.ItemDataRole
_ICONS: dict[str, QIcon] = {}


def source_label(cert: Certification) -> str:
    if cert.source.startswith("openbadges"):
        version = cert.source.removeprefix("openbadges-")
        return f"Imported from an Open Badges {version} file"
    return "Entered by hand"


def verification(cert: Certification) -> tuple[str, str]:
    """(state, issuer key id): the check recorded for it (see credential_verify)."""
    return cv.stored_state(cert.verification, cert.key_id, cert.raw)


def signature_sentence(cert: Certification, *, full_key: bool = True) -> str:
    """The state in plain words, with the key when verified and, for a credential that
    names a revocation list, that it was not checked: what a screen reader says."""
    state, key = verification(cert)
    text = cv.plain(state, key, full_key=full_key) + "."
    if cv.has_status_list(cert.raw):
        text += " " + cv.REVOCATION_NOT_CHECKED + "."
    return text


def signature_tooltip(cert: Certification) -> str:
    """Rich text (tooltips auto-detect it), every part escaped."""
    state, key = verification(cert)
    lines = [f"<b>{html.escape(cv.plain(state))}</b>", html.escape(source_label(cert))]
    if state == cv.VERIFIED and key:
        lines.append(f"Issuer key: {html.escape(key)}")
    lines.append(html.escape(cv.EXPLAIN[state]))
    if cv.has_status_list(cert.raw):
        lines.append(html.escape(cv.REVOCATION_NOT_CHECKED) + ".")
    return "<p>" + "<br>".join(lines) + "</p>"


def signature_icon(state: str) -> QIcon | None:
    """A green disc with a tick (verified), a red disc with a cross (does not match), a grey
    ring with a question mark (cannot be checked offline); none when not signed."""
    if state not in (cv.VERIFIED, cv.INVALID, cv.OFFLINE):
        return None
    key = "sig:" + state
    if key in _ICONS:
        return _ICONS[key]
    if state == cv.INVALID:
        cross = status_icon("expired")  # the same red cross
        if cross is not None:
            _ICONS[key] = cross
        return cross
    pm = QPixmap(32, 32)
    pm.setDevicePixelRatio(2.0)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor("white"), 1.8)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if state == cv.VERIFIED:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(46, 125, 50))
        p.drawEllipse(QRectF(1.5, 1.5, 13, 13))
        p.setPen(pen)
        tick = QPainterPath(QPointF(4.8, 8.2))
        tick.lineTo(7.2, 10.6)
        tick.lineTo(11.4, 5.6)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(tick)
    else:
        grey = QColor(120, 120, 120)
        p.setPen(QPen(grey, 1.4))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF(2, 2, 12, 12))
        font = p.font()
        font.setPixelSize(10)
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(2, 2, 12, 12), Qt.AlignmentFlag.AlignCenter, "?")
    p.end()
    _ICONS[key] = QIcon(pm)
    return _ICONS[key]


def status_icon(status: str) -> QIcon | None:
    """An amber triangle (expiring soon) or a red disc with a cross (expired)."""
    if status not in STATUS_TINTS:
        return None
    if status in _ICONS:
        return _ICONS[status]
    pm = QPixmap(32, 32)
    pm.setDevicePixelRatio(2.0)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    pen = QPen(QColor("white"), 1.7)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    if status == "expiring":
        p.setBrush(QColor(214, 137, 16))
        tri = QPainterPath(QPointF(8, 1.5))
        tri.lineTo(15, 14)
        tri.lineTo(1, 14)
        tri.closeSubpath()
        p.drawPath(tri)
        p.setPen(pen)
        p.drawLine(QPointF(8, 6), QPointF(8, 9.5))
        p.drawPoint(QPointF(8, 12))
    else:
        p.setBrush(QColor(207, 34, 46))
        p.drawEllipse(QRectF(1.5, 1.5, 13, 13))
        p.setPen(pen)
        p.drawLine(QPointF(5.5, 5.5), QPointF(10.5, 10.5))
        p.drawLine(QPointF(10.5, 5.5), QPointF(5.5, 10.5))
    p.end()
    _ICONS[status] = QIcon(pm)
    return _ICONS[status]


class CertTableModel(RowTableModel):
    """Rows are :class:`Certification` dataclasses, in the Store's order."""

    HEADERS = HEADERS

    def __init__(self, today: Callable[[], date] = date.today, parent=None):
        super().__init__(parent)
        self._rows: list[Certification] = []
        self._status: list[str] = []
        self._retired: dict[int, str] = {}
        self._days: list[int | None] = []
        self._today = today

    def set_certifications(self, certs: Sequence[Certification],
                           retired: dict[int, str] | None = None) -> None:
        """``retired``: certification id -> the date its issuer retired it (from the pack's
        catalog). A retired certification stays the learner's; the status says so."""
        self.beginResetModel()
        self._retired = dict(retired or {})
        self._rows = list(certs)
        today = self._today().isoformat()
        self._status = [cert_status(c.expires, today) for c in self._rows]
        self._days = [days_left(c.expires, today) for c in self._rows]
        self.endResetModel()

    def certification(self, row: int) -> Certification:
        return self._rows[row]

    def data(self, index: QModelIndex, role: int = _D.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        c = self._rows[index.row()]
        status = self._status[index.row()]
        col = index.column()
        if role == _D.AccessibleTextRole and col == SIGNATURE_COL:
            return f"{signature_sentence(c)} {source_label(c)}."
        if role == _D.DisplayRole or role == _D.AccessibleTextRole:
            return self._display(c, status, col, self._days[index.row()])
        if role == CertIdRole:
            return c.id
        if role == StatusRole:
            return status
        if role == VerificationRole:
            return verification(c)[0]
        if role == _D.ToolTipRole and col == SIGNATURE_COL:
            return signature_tooltip(c)
        if role == _D.DecorationRole and col == SIGNATURE_COL:
            return signature_icon(verification(c)[0])
        if role == SortRole:
            return self._sort_key(c, status, col)
        if role == _D.BackgroundRole and status in STATUS_TINTS:
            return QBrush(STATUS_TINTS[status])
        if role == _D.DecorationRole and col == STATUS_COL:
            return status_icon(status)
        return None

    def _display(self, c: Certification, status: str, col: int,
                 days: int | None = None) -> str:
        if col == NAME_COL:
            return c.name
        if col == ISSUER_COL:
            return c.issuer
        if col == EARNED_COL:
            return c.earned
        if col == EXPIRES_COL:
            return c.expires or "Never"
        if col == STATUS_COL:
            if c.id in self._retired:
                return f"{STATUS_LABELS[status]} · retired by the issuer on {self._retired[c.id]}"
            if status == "expiring" and days is not None:
                return expiry_text(days)  # the days left, not only "within 60 days"
            return STATUS_LABELS[status]
        if col == SIGNATURE_COL:  # under the "Signature" heading; the tooltip says it all
            return cv.SHORT.get(verification(c)[0], cv.SHORT[cv.UNSIGNED])
        return ""

    def _sort_key(self, c: Certification, status: str, col: int):
        if col == EXPIRES_COL:
            return c.expires or "9999-99-99"
        if col == STATUS_COL:
            return f"{STATUS_ORDER[status]}{c.expires or '9999-99-99'}"
        if col == SIGNATURE_COL:
            return SIGNATURE_ORDER.get(verification(c)[0], 2)
        if col in (NAME_COL, ISSUER_COL):
            return self._display(c, status, col).casefold()
        return self._display(c, status, col)
