"""The HTML report: one self-contained file (inline CSS, bars drawn in CSS and SVG, no
script, no remote or local resources), readable offline and printable.

Every string from the data goes through ``html.escape``; a Content-Security-Policy meta
tag forbids loading anything even if a string slipped through. Pure, no Qt; any thread.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from tracker.reports.data import (CERTS_NOTE, ReportData, cert_evidence, hours,
                                  verdict_summary, verdicts_note)

CSS = """
:root { --ok: #2e7d32; --no: #9e9e9e; --bar: #3f6fb5; --warn: #c77700; --bad: #b3261e; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1d1d1f; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.8rem 0 .6rem; border-bottom: 1px solid #ddd;
     padding-bottom: .2rem; }
.meta { color: #555; margin: 0; }
.meta b { color: #1d1d1f; }
.badge { display: inline-block; padding: 0 .5em; border-radius: .8em; font-size: .85em;
         color: #fff; background: var(--ok); }
.badge.modified, .badge.expired, .badge.needs-work { background: var(--bad); }
.badge.expiring { background: var(--warn); }
.badge.no, .badge.unproven { background: var(--no); }
.sig { color: var(--ok); font-weight: 600; }
.sig.no { color: inherit; font-weight: normal; }
.sig.bad { color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee;
         vertical-align: top; }
th { font-weight: 600; color: #444; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.bar { background: #e8edf5; height: .8rem; border-radius: .4rem; min-width: 8rem;
       position: relative; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--bar); }
.bar > i { position: absolute; top: 0; bottom: 0; width: 2px; background: #1d1d1f; }
.core { color: var(--bad); font-weight: 600; }
.note { color: #555; font-size: .9em; }
svg text { font: 10px system-ui, sans-serif; fill: #555; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  tr, .keep { break-inside: avoid; }
  .bar, .bar > span, .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
@page { margin: 15mm; }
"""


def e(value: object) -> str:
    return escape(str(value), quote=True)


def _bar(percent: float, threshold: float | None = None) -> str:
    p = max(0.0, min(100.0, float(percent)))
    mark = f'<i style="left:{min(100.0, float(threshold)):.1f}%"></i>' \
        if threshold is not None else ""
    return f'<div class="bar" role="img" aria-label="{p:.1f}%"><span style="width:{p:.1f}%">' \
           f'</span>{mark}</div>'


def _study_chart(weeks: tuple[tuple[str, int], ...]) -> str:
    if not weeks:
        return ""
    top = max((m for _, m in weeks), default=0) or 1
    w, h, gap = 36, 90, 8
    parts = [f'<svg width="{len(weeks) * (w + gap)}" '
             f'height="{h + 30}" role="img" aria-label="Study minutes per week">']
    for i, (start, minutes) in enumerate(weeks):
        bh = round(h * minutes / top)
        x = i * (w + gap)
        parts.append(f'<rect x="{x}" y="{h - bh}" width="{w}" height="{bh}" fill="#3f6fb5">'
                     f'<title>{e(start)}: {minutes} min</title></rect>')
        parts.append(f'<text x="{x}" y="{h + 12}">{e(start[5:])}</text>')
        parts.append(f'<text x="{x}" y="{h + 24}">{minutes}m</text>')
    parts.append("</svg>")
    return "".join(parts)


def _verdict_badge(verdict: str, mark: str) -> str:
    """A mentor's verdict: a green "✓ verified" only when it is signed; an unproven one
    is grey and says why ("verified (unsigned)"); "needs work" is red."""
    if mark == "verified":
        return '<span class="badge verified" title="signed by the mentor">✓ verified</span>'
    cls = "needs-work" if verdict == "needs-work" else "unproven"
    return f'<span class="badge {cls}">{e(mark)}</span>'


def render_html(d: ReportData) -> str:
    out: list[str] = []
    add = out.append
    add("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
    add('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        'style-src \'unsafe-inline\'; img-src data:">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add(f"<title>{e(d.title)}</title><style>{CSS}</style></head><body>")
    add(f"<header><h1>{e(d.title)}</h1>")
    integrity = "ok" if d.integrity == "ok" else "modified"
    add(f'<p class="meta">Learner: <b>{e(d.learner)}</b>'
        + (f" &middot; {e(f'{d.experience_years:g}')} years of experience"
           if d.experience_years is not None else "") + "</p>")
    add(f'<p class="meta">Exported: <b>{e(d.exported_at)}</b> &middot; Integrity: '
        f'<span class="badge {integrity}">{e(d.integrity)}</span>'
        f" ({e(d.integrity_text or integrity)}; the digest does not show who wrote it)"
        + "</p>")
    add(f'<p class="meta">Current level: <b>{e(d.current_level or "none yet")}</b> &middot; '
        f'Target level: <b>{e(d.target_level or "not set")}</b></p>')
    add(f'<p class="meta">Curriculum: {e(d.curriculum)} &middot; Source: {e(d.source)} '
        f'&middot; Report made {e(d.generated_at)}</p>')
    check_class = "ok" if d.curriculum_check == "known" else "modified"
    add(f'<p class="meta">Curriculum check: <span class="badge {check_class}">'
        f'{e(d.curriculum_check)}</span> {e(d.curriculum_text)}</p></header>')

    add("<section><h2>Readiness per level</h2><table><thead><tr><th>Level</th>"
        "<th>Readiness</th><th class=\"num\">Percent</th><th class=\"num\">Threshold</th>"
        "<th class=\"num\">Core done</th><th>Ready</th></tr></thead><tbody>")
    for lv in d.levels:
        ready = '<span class="badge">ready</span>' if lv["ready"] else \
            '<span class="badge no">not yet</span>'
        add(f"<tr><td>{e(lv['title'])}</td><td>{_bar(lv['percent'], lv['threshold'])}</td>"
            f"<td class=\"num\">{lv['percent']:.1f}%</td>"
            f"<td class=\"num\">{lv['threshold']:g}%</td>"
            f"<td class=\"num\">{lv['core_done']}/{lv['core_total']}</td><td>{ready}</td></tr>")
    add("</tbody></table></section>")

    which = "target level" if d.focus_is_target else "next level (no target level set)"
    add(f"<section><h2>Areas for the {e(which)}: {e(d.focus_level)}</h2><table><thead><tr>"
        "<th>Area</th><th>Progress</th><th class=\"num\">Percent</th>"
        "<th class=\"num\">Done weight</th></tr></thead><tbody>")
    for a in d.areas:
        add(f"<tr><td>{e(a['title'])}</td><td>{_bar(a['percent'])}</td>"
            f"<td class=\"num\">{a['percent']:.1f}%</td>"
            f"<td class=\"num\">{a['done']}/{a['total']}</td></tr>")
    add("</tbody></table></section>")

    add(f"<section><h2>Gaps for {e(d.focus_level)}</h2>")
    if not d.gaps:
        add("<p>None: every milestone for this level is done.</p>")
    else:
        add('<p class="note">Core milestones first (marked <span class="core">core</span>), '
            "then lower levels, then heavier ones; electives (marked elective) last, outside "
            "every requirement. A choice is one requirement that any one of its options "
            "meets.</p><table><thead><tr><th>Milestone</th>"
            "<th>Area</th><th>Level</th><th class=\"num\">Weight</th></tr></thead><tbody>")
        for g in d.gaps:
            core = ' <span class="core">core</span>' if g["core"] else ""
            if g.get("mark"):
                core += " " + _verdict_badge(g["verdict"], g["mark"])
            core += ' <span class="note">elective</span>' if g.get("elective") else ""
            options = g.get("options") or ()
            if options:
                core += (f'<br><span class="note">one of {len(options)}: '
                         f"{e('; '.join(options))}</span>")
            add(f"<tr><td>{e(g['title'])}{core}<br><span class=\"note\">{e(g['id'])}</span>"
                f"</td><td>{e(g['area'])}</td><td>{e(g['level'])}</td>"
                f"<td class=\"num\">{g['weight']}</td></tr>")
        add("</tbody></table>")
        if d.gaps_total > len(d.gaps):
            add(f'<p class="note">... and {d.gaps_total - len(d.gaps)} more.</p>')
    add("</section>")

    add("<section><h2>Certifications</h2>")
    if not d.certifications:
        add("<p>None recorded.</p>")
    else:
        add("<table><thead><tr><th>Certification</th><th>Issuer</th><th>Earned</th>"
            "<th>Expires</th><th>Status today</th><th>Signature</th></tr></thead><tbody>")
        for c in d.certifications:
            sig = {"verified": "", "invalid-signature": " bad"}.get(c["verification"], " no")
            key = (f' title="{e(c["issuer_key"])}"' if c["issuer_key"] else "")
            add(f"<tr><td>{e(c['name'])}</td><td>{e(c['issuer'])}</td><td>{e(c['earned'])}"
                f"</td><td>{e(c['expires'] or 'does not expire')}</td>"
                f"<td><span class=\"badge {e(c['status'])}\">{e(c['status'])}</span></td>"
                f"<td><span class=\"sig{sig}\"{key}>{e(cert_evidence(c))}</span></td></tr>")
        add("</tbody></table>")
        add(f'<p class="note">{e(CERTS_NOTE)}</p>')
    add("</section>")

    add("<section><h2>Mentor verdicts</h2>")
    if not d.verdicts:
        add("<p>No mentor verdicts yet.</p>")
    else:
        add(f"<p>{e(verdict_summary(d))}.</p>")
        add("<table><thead><tr><th>Milestone</th><th>Verdict</th><th>Comment</th>"
            "<th>Reviewer</th><th>Date</th></tr></thead><tbody>")
        for v in d.verdicts:
            add(f"<tr><td>{e(v['title'])}</td><td>{_verdict_badge(v['verdict'], v['mark'])}"
                f"</td><td>{e(v['comment'])}</td>"
                f"<td>{e(v['reviewer'])}<br><span class=\"note\">Signature: "
                f"{e(v['signature_text'])}</span></td><td>{e(v['date'])}</td></tr>")
        add("</tbody></table>")
        add(f'<p class="note">{e(verdicts_note(d))}</p>')
    add("</section>")

    add("<section class=\"keep\"><h2>Study time</h2>")
    add(f"<p>Total: <b>{e(hours(d.study_total_minutes))}</b> in {d.study_sessions} "
        f"session{'s' if d.study_sessions != 1 else ''}; last 28 days before the export: "
        f"<b>{e(hours(d.study_recent_minutes))}</b>.</p>")
    add(_study_chart(d.study_weeks))
    add('<p class="note">Minutes per week, the 12 weeks up to the export.</p></section>')
    if d.unknown_milestones:
        add(f'<p class="note">{len(d.unknown_milestones)} milestone id(s) in the file are not '
            f"in its curriculum and were ignored: {e(', '.join(d.unknown_milestones[:10]))}"
            "</p>")
    add("</body></html>\n")
    return "".join(out)


def write_html(d: ReportData, path: str | Path) -> None:
    from tracker.atomicio import write_text

    write_text(path, render_html(d))
