"""The PDF report, through ``QTextDocument`` and ``QPdfWriter``.

Qt is imported inside :func:`write_pdf` only, so the CLI imports no Qt unless it writes a
PDF. The page size is the locale's: US Letter where CLDR says so (the Americas listed in
``LETTER_TERRITORIES``), A4 everywhere else. The document is plain Qt rich text built with
every string escaped; nothing is ever loaded from a file or the network. The file is
PDF/A-1b; it cannot be a tagged PDF (see :func:`pdf_bytes`).

Threading: call from the GUI thread or a worker; it makes a ``QGuiApplication`` (offscreen
when there is no display) only if none exists yet.
"""

from __future__ import annotations

import os
import sys
from html import escape
from pathlib import Path

from tracker.reports.data import (
    CERTS_NOTE,
    ReportData,
    cert_evidence,
    hours,
    verdict_summary,
    verdicts_note,
)

# The PDF a mentor forwards lists the first gaps only and says how many are left out (the
# HTML report and the app have them all).
PDF_GAPS = 25

# CLDR supplemental data, paperSize "US-Letter": every other territory uses A4.
LETTER_TERRITORIES = frozenset(["BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH",
                                "PR", "SV", "US", "VE"])


def paper_for_territory(code: str | None) -> str:
    """``"Letter"`` or ``"A4"`` for a two-letter territory code (A4 when unknown)."""
    return "Letter" if (code or "").upper() in LETTER_TERRITORIES else "A4"


def e(value: object) -> str:
    return escape(str(value), quote=True)


def _bar(percent: float, color: str = "#3f6fb5") -> str:
    p = int(round(max(0.0, min(100.0, float(percent)))))
    cells = ""
    if p > 0:
        cells += f'<td width="{p}%" bgcolor="{color}" height="10"></td>'
    if p < 100:
        cells += f'<td width="{100 - p}%" bgcolor="#e3e8f0" height="10"></td>'
    return f'<table width="100%" cellspacing="0" cellpadding="0"><tr>{cells}</tr></table>'


def _head(*cells: str) -> str:
    """A table's header row in ``<thead>``: Qt repeats it at the top of every page the
    table runs onto. Each cell is plain text, optionally after ``right|`` (right-aligned) or
    ``width="N%"|``."""
    out = []
    for cell in cells:
        attrs, _, text = cell.rpartition("|")
        align = "right" if attrs == "right" else "left"
        width = f" {attrs}" if attrs.startswith("width=") else ""
        out.append(f'<th{width} align="{align}" style="background-color:#f0f2f5; '
                   f'font-weight:600;">{text}</th>')
    return "<thead><tr>" + "".join(out) + "</tr></thead>"


def _verdict_mark(verdict: str, mark: str) -> str:
    """Green "verified" only for a signed verdict; an unproven one says why, in grey."""
    if mark == "verified":
        return '<b style="color:#2e7d32">verified</b>'
    color = "#b3261e" if verdict == "needs-work" else "#666666"
    return f'<span style="color:{color}">{e(mark)}</span>'


def render_rich_text(d: ReportData) -> str:
    """The report as Qt rich text (the subset of HTML ``QTextDocument`` understands)."""
    out: list[str] = []
    add = out.append
    add("<html><body style=\"font-size:10pt;\">")
    add(f"<h1 style=\"font-size:17pt;\">{e(d.title)}</h1>")
    years = f" &middot; {e(f'{d.experience_years:g}')} years of experience" \
        if d.experience_years is not None else ""
    color = "#2e7d32" if d.integrity == "ok" else "#b3261e"
    add(f"<p>Learner: <b>{e(d.learner)}</b>{years}<br>"
        f"Exported: <b>{e(d.exported_at)}</b> &middot; Integrity: "
        f"<b style=\"color:{color}\">{e(d.integrity)}</b>"
        f" ({e(d.integrity_text or d.integrity)}; the digest does not show who wrote it)"
        "<br>"
        f"Curriculum check: <b style=\"color:"
        f"{'#2e7d32' if d.curriculum_check == 'known' else '#b3261e'}\">"
        f"{e(d.curriculum_check)}</b> {e(d.curriculum_text)}<br>"
        f"Current level: <b>{e(d.current_level or 'none yet')}</b> &middot; Target level: "
        f"<b>{e(d.target_level or 'not set')}</b><br>"
        f"<span style=\"color:#555\">Curriculum: {e(d.curriculum)} &middot; Source: "
        f"{e(d.source)} &middot; Report made {e(d.generated_at)}</span></p>")

    add("<h2 style=\"font-size:13pt;\">Readiness per level</h2>")
    add('<table width="100%" cellspacing="0" cellpadding="4" border="0">'
        + _head("Level", 'width="34%"|Readiness', "right|Percent", "right|Needs", "right|Core",
                "Ready"))
    for lv in d.levels:
        ready = '<b style="color:#2e7d32">ready</b>' if lv["ready"] else \
            '<span style="color:#777">not yet</span>'
        add(f"<tr><td>{e(lv['title'])}</td><td>{_bar(lv['percent'])}</td>"
            f"<td align=\"right\">{lv['percent']:.1f}%</td>"
            f"<td align=\"right\">{lv['threshold']:g}%</td>"
            f"<td align=\"right\">{lv['core_done']}/{lv['core_total']}</td><td>{ready}</td>"
            "</tr>")
    add("</table>")

    which = "target level" if d.focus_is_target else "next level (no target set)"
    add(f"<h2 style=\"font-size:13pt;\">Areas for the {e(which)}: {e(d.focus_level)}</h2>")
    add('<table width="100%" cellspacing="0" cellpadding="3">'
        + _head("Area", 'width="45%"|Progress', "right|Percent", "right|Done weight"))
    for a in d.areas:
        add(f"<tr><td>{e(a['title'])}</td><td>{_bar(a['percent'], '#5b8bd0')}</td>"
            f"<td align=\"right\">{a['percent']:.1f}%</td>"
            f"<td align=\"right\">{a['done']}/{a['total']}</td></tr>")
    add("</table>")

    shown_gaps = d.gaps[:PDF_GAPS]
    count = (f" ({d.gaps_total}; the first {len(shown_gaps)} shown)"
             if d.gaps_total > len(shown_gaps) else f" ({d.gaps_total})" if d.gaps_total else "")
    add(f"<h2 style=\"font-size:13pt;\">Gaps for {e(d.focus_level)}{e(count)}</h2>")
    if not d.gaps:
        add("<p>None: every milestone for this level is done.</p>")
    else:
        add('<table width="100%" cellspacing="0" cellpadding="3">'
            + _head("Milestone", "Area", "Level", "right|Weight"))
        for g in shown_gaps:
            core = ' <b style="color:#b3261e">core</b>' if g["core"] else ""
            if g.get("mark"):
                core += " " + _verdict_mark(g["verdict"], g["mark"])
            core += ' <span style="color:#555">elective</span>' if g.get("elective") else ""
            if g.get("options"):
                core += (f'<br><span style="color:#555">one of {len(g["options"])}: '
                         f"{e('; '.join(g['options']))}</span>")
            add(f"<tr><td>{e(g['title'])}{core}</td><td>{e(g['area'])}</td>"
                f"<td>{e(g['level'])}</td><td align=\"right\">{g['weight']}</td></tr>")
        add("</table>")
        if d.gaps_total > len(shown_gaps):
            left = d.gaps_total - len(shown_gaps)
            add(f"<p style=\"color:#555\">… and {left} more gap{'s' if left != 1 else ''}, "
                "not listed here (the HTML report and the app list them).</p>")

    add("<h2 style=\"font-size:13pt;\">Certifications</h2>")
    if not d.certifications:
        add("<p>None recorded.</p>")
    else:
        add('<table width="100%" cellspacing="0" cellpadding="3">'
            + _head("Certification", "Issuer", "Earned", "Expires", "Status today",
                    "Signature"))
        for c in d.certifications:
            checked = cert_evidence(c)
            colour = {"verified": "#2e7d32", "invalid-signature": "#b3261e"}.get(
                c["verification"], "#b45d00")
            mark = (f'<b style="color:{colour}">{e(checked)}</b>' if c["verification"] in (
                "verified", "invalid-signature") else
                f'<span style="color:{colour}">{e(checked)}</span>')
            add(f"<tr><td>{e(c['name'])}</td><td>{e(c['issuer'])}</td><td>{e(c['earned'])}"
                f"</td><td>{e(c['expires'] or 'does not expire')}</td>"
                f"<td>{e(c['status'])}</td><td>{mark}</td></tr>")
        add("</table>")
        add(f"<p style=\"color:#555\">{e(CERTS_NOTE)}</p>")

    add("<h2 style=\"font-size:13pt;\">Mentor verdicts</h2>")
    if not d.verdicts:
        add("<p>No mentor verdicts yet.</p>")
    else:
        add('<table width="100%" cellspacing="0" cellpadding="3">'
            + _head("Milestone", "Verdict", "Comment", "Reviewer", "Date"))
        for v in d.verdicts:
            add(f"<tr><td>{e(v['title'])}</td><td>{_verdict_mark(v['verdict'], v['mark'])}</td>"
                f"<td>{e(v['comment'])}</td><td>{e(v['reviewer'])}</td>"
                f"<td>{e(v['date'])}</td></tr>")
        add("</table>")
        add(f"<p style=\"color:#555\">{e(verdict_summary(d))}. {e(verdicts_note(d))}</p>")

    add("<h2 style=\"font-size:13pt;\">Study time</h2>")
    add(f"<p>Total: <b>{e(hours(d.study_total_minutes))}</b> in {d.study_sessions} "
        f"session{'s' if d.study_sessions != 1 else ''}; last 28 days before the export: "
        f"<b>{e(hours(d.study_recent_minutes))}</b>.</p>")
    top = max((m for _, m in d.study_weeks), default=0) or 1
    add('<table width="100%" cellspacing="0" cellpadding="2">')
    for start, minutes in d.study_weeks:
        add(f"<tr><td width=\"18%\">week of {e(start)}</td>"
            f"<td>{_bar(100 * minutes / top, '#7aa35a')}</td>"
            f"<td width=\"12%\" align=\"right\">{minutes} min</td></tr>")
    add("</table>")
    if d.unknown_milestones:
        add(f"<p style=\"color:#555\">{len(d.unknown_milestones)} milestone id(s) in the file "
            "are not in its curriculum and were ignored.</p>")
    add("</body></html>")
    return "".join(out)


def _ensure_app() -> object:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM") and \
                not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QGuiApplication([sys.argv[0] if sys.argv else "mlops-tracker"])
    return app


def default_page_size() -> str:
    """``"Letter"`` or ``"A4"`` from the system locale (Qt's ``QLocale``)."""
    from PySide6.QtCore import QLocale

    return paper_for_territory(QLocale.territoryToCode(QLocale().territory()))


def pdf_bytes(d: ReportData, *, page_size: str | None = None) -> bytes:
    """Render the report to PDF bytes."""
    _ensure_app()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
    from PySide6.QtGui import (
        QFont,
        QPagedPaintDevice,
        QPageLayout,
        QPageSize,
        QPdfWriter,
        QTextDocument,
    )

    size = page_size or default_page_size()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    # PDF/A-1b (ISO 19005-1, level B): fonts embedded, an sRGB output intent and XMP
    # metadata, so an archive or a bootcamp's records system keeps the report readable.
    # Not a *tagged* PDF (PDF/A level A, PDF/UA): Qt cannot write one. QPdfWriter (Qt 6.11)
    # offers PDF 1.4, 1.6, A-1b and X-4 only, and neither it nor QPainter or
    # QTextDocument.print_ has any way to emit marked content or a structure tree
    # (/StructTreeRoot, /MarkInfo): the text is painted, its headings and tables are lost.
    writer.setPdfVersion(QPagedPaintDevice.PdfVersion.PdfVersion_A1b)
    writer.setTitle(d.title)
    writer.setCreator("MLOps Career Tracker")
    writer.setResolution(300)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter if size == "Letter"
                                 else QPageSize.PageSizeId.A4))
    # QTextDocument.print_ adds 2 cm margins of its own.
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    # No typographic ligatures: with them "Certifications" is written with an "ﬁ" glyph and a
    # search of the PDF (or a copy of its text) does not find the word.
    font = doc.defaultFont()
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    for tag in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(tag), 0)
    doc.setDefaultFont(font)
    doc.setHtml(render_rich_text(d))
    doc.print_(writer)  # lays the text out on the writer's pages, scaled to its resolution
    del writer
    buf.close()
    return bytes(data.data())


def write_pdf(d: ReportData, path: str | Path, *, page_size: str | None = None) -> None:
    from tracker.atomicio import write_bytes

    write_bytes(path, pdf_bytes(d, page_size=page_size))
