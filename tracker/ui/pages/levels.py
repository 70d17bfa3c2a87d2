"""The Levels page: one card per level saying how ready the learner is and why.

Each card shows the readiness percent, ready or not and the reasons (threshold reached,
core milestones done x of y), the per-area breakdown, the first gaps in order (with a mentor's
verdict beside a gap when there is one), the catalog certifications recommended at the level
that the learner holds, each with whether its signature was verified (evidence only: they
tick nothing), and the level's facts from the curriculum.

Cards are built once per curriculum and updated in place. Refreshes only when a relevant kind
changed, and only when visible (else on the next ``showEvent``). GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from tracker import readiness as rd
from tracker.status import gap_milestone, gap_tags, gap_title, gap_tooltip
from tracker.curriculum.model import Curriculum, Level
from tracker.ui import theme
from tracker.ui.context import AppContext, Kinds
from tracker.ui.models.skill_tree import TreeFilter
from tracker.ui.pages.base import Page
from tracker.ui.widgets import Card, LinkButton, fmt_percent, heading, label, tip
from tracker.ui.widgets.charts import AreaChart, AreaRow

GAPS_SHOWN = 8
RELEVANT = frozenset({Kinds.PROGRESS, Kinds.PROFILE, Kinds.REVIEWS, Kinds.CURRICULUM,
                      Kinds.CERTS})
VERDICT_MARKS = {"verified": "✓ Verified", "needs-work": "⚠ Needs work"}
#: A held certification's signature state, as the level card says it (short: a mark).
HELD_MARKS = {"verified": ("✓", "signature verified"),
              "invalid-signature": ("✗", "signature does not match"),
              "unverifiable-offline": ("•", "signature cannot be checked offline"),
              "unsigned": ("•", "not signed")}
_STATE_RANK = {"verified": 0, "unverifiable-offline": 1, "unsigned": 2, "invalid-signature": 3}


def held_certifications(cur: Curriculum, certs) -> dict[str, str]:
    """Catalog id -> the signature state of the learner's best-checked certification of
    that catalog entry (matched by catalog id, else by name)."""
    from tracker.exchange.credential_verify import stored_state

    by_name = {e.name.casefold(): e.id for e in cur.certifications}
    out: dict[str, str] = {}
    for c in certs:
        cid = c.catalog_id if c.catalog_id in cur.certification_by_id else \
            by_name.get(c.name.strip().casefold())
        if cid is None:
            continue
        state = stored_state(c.verification, c.key_id, c.raw)[0]
        if cid not in out or _STATE_RANK[state] < _STATE_RANK[out[cid]]:
            out[cid] = state
    return out


def cert_lines(cur: Curriculum, level_id: str, held: dict[str, str]) -> list[str]:
    """The card's certification lines: each recommended certification held, with its
    signature state; then how many more are recommended and not held."""
    recommended = [e for e in cur.certifications if e.level == level_id]
    lines = []
    for e in recommended:
        if e.id in held:
            mark, words = HELD_MARKS[held[e.id]]
            lines.append(f"{mark} {e.name}: held, {words}")
    rest = sum(1 for e in recommended if e.id not in held and not e.retired)
    if rest:
        lines.append(f"{rest} {'more ' if lines else ''}recommended for this level, not held")
    return lines


def why_lines(r: rd.LevelReadiness) -> list[tuple[bool, str]]:
    """The reasons a level is (not) ready, as (ok, text) pairs: the cumulative threshold
    with the level's own milestones (depth), then the core milestones."""
    th = r.level.threshold
    own = r.level.own_needed
    if r.own_empty:
        own_ok, own_text = False, "this level has no milestones of its own"
    else:
        own_ok = r.own_percent >= own
        own_text = (f"this level's own milestones {fmt_percent(r.own_percent)} of the "
                    f"{own:g}% needed")
    if r.percent >= th and own_ok:
        first = (True, f"Threshold reached: {fmt_percent(r.percent)} of the {th:g}% needed; "
                       f"{own_text}")
    else:
        word = "reached" if r.percent >= th else "not reached"
        first = (False, f"Threshold {word}: {fmt_percent(r.percent)} of the {th:g}% needed; "
                        f"{own_text}")
    core_ok = r.core_done == r.core_total
    second = (core_ok, f"Core milestones done: {r.core_done} of {r.core_total}")
    return [first, second]


class LevelCard(Card):
    """One level; ``update_from`` fills it from a LevelReadiness (plain data)."""

    def __init__(self, level: Level, on_open, on_more=None):
        super().__init__()
        self.level_id = level.id
        self.setAccessibleName(f"Level card: {level.title}")
        head = QHBoxLayout()
        head.setSpacing(theme.SPACING)
        self.title = heading(level.title, 4)
        self.tags = label("", role="muted")
        self.percent = label("", point_delta=6, bold=True)
        self.percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status = label("", bold=True)
        head.addWidget(self.title)
        head.addWidget(self.tags)
        head.addStretch(1)
        head.addWidget(self.percent)
        head.addWidget(self.status)
        self.body.addLayout(head)

        cols = QHBoxLayout()
        cols.setSpacing(theme.SPACING * 2)
        # two equal columns whatever the content asks for (the chart's labels are elided)
        columns = []
        for _ in range(2):
            holder = QWidget()
            holder.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(6)
            cols.addWidget(holder, 1)
            columns.append(box)
        left, right = columns
        self.body.addLayout(cols)

        self.why = [label("", wrap=True), label("", wrap=True)]
        for w in self.why:
            left.addWidget(w)

        left.addSpacing(4)
        left.addWidget(heading("About this level", 0))
        facts = QFormLayout()
        facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        facts.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        facts.setHorizontalSpacing(theme.SPACING)
        self.focus = label(level.focus, wrap=True)
        self.experience = label(level.experience or "not given", wrap=True)
        self.salary = label(level.salary or "not given by the curriculum", wrap=True)
        for caption, w in (("Focus", self.focus), ("Typical experience", self.experience),
                           ("Salary band", self.salary)):
            facts.addRow(label(caption, role="muted"), w)
        left.addLayout(facts)
        left.addSpacing(4)

        self.gaps_title = heading("Gaps", 0)
        left.addWidget(self.gaps_title)
        self.gap_rows: list[tuple[LinkButton, object]] = []
        for _ in range(GAPS_SHOWN):
            row = QHBoxLayout()
            row.setSpacing(6)
            b = LinkButton()
            b.clicked.connect(on_open)
            mark = label("")
            row.addWidget(b, 1)
            row.addWidget(mark)
            left.addLayout(row)
            self.gap_rows.append((b, mark))
        # "and N more": a link to everything still needed for this level (the Skills tree)
        self.more = LinkButton()
        self.more.setProperty("level", level.id)
        if on_more is not None:
            self.more.clicked.connect(on_more)
        self.more_note = label("", role="muted", wrap=True)
        left.addWidget(self.more)
        left.addWidget(self.more_note)
        left.addSpacing(4)
        self.certs_title = heading("Certifications", 0)
        self.certs = label("", wrap=True)
        self.certs.setAccessibleName(f"Certifications for {level.title}")
        left.addWidget(self.certs_title)
        left.addWidget(self.certs)
        left.addStretch(1)
        self.breakdown_title = heading("By area", 0)
        right.addWidget(self.breakdown_title)
        self.breakdown = AreaChart(f"Readiness by area for {level.title}", compact=True)
        right.addWidget(self.breakdown)
        right.addStretch(1)

    def update_from(self, cur: Curriculum, r: rd.LevelReadiness,
                    areas: list[rd.AreaReadiness], reviews: dict, *, current: bool,
                    target: bool, held: dict[str, str] | None = None) -> None:
        pal = self.palette()
        self.percent.setText(fmt_percent(r.percent))
        self.status.setText("✓ Ready" if r.ready else "Not ready yet")
        color = theme.success(pal) if r.ready else theme.muted_text(pal)
        self.status.setStyleSheet(f"color: {color.name()};")
        tags = [t for t, on in (("current level", current), ("target", target)) if on]
        self.tags.setText(" · ".join(tags))
        for w, (ok, text) in zip(self.why, why_lines(r)):
            w.setText(("✓ " if ok else "✗ ") + text)
            c = theme.success(pal) if ok else theme.danger(pal)
            w.setStyleSheet(f"color: {c.name()};")
        electives = sum(1 for g in r.gaps if g.elective)
        required = len(r.gaps) - electives
        if not r.gaps:
            self.gaps_title.setText("Gaps")
        elif electives:
            self.gaps_title.setText(f"Gaps in order ({required} required, then {electives} "
                                    f"elective{'s' if electives != 1 else ''})")
        else:
            self.gaps_title.setText(f"Gaps in order ({len(r.gaps)})")
        for i, (b, mark) in enumerate(self.gap_rows):
            if i < len(r.gaps):
                m = r.gaps[i]
                extra = gap_tags(cur, m)
                b.set_full_text(("Elective: " if m.elective else "") + gap_title(cur, m),
                                tooltip=f"{gap_tooltip(cur, m)}\n({extra})\n\nOpens it on "
                                        "the Skills page")
                b.setProperty("milestone", gap_milestone(m))
                rv = reviews.get(m.id)
                if rv is not None:
                    mark.setText(VERDICT_MARKS.get(rv.verdict, rv.verdict))
                    c = theme.success(pal) if rv.verdict == "verified" else theme.warning(pal)
                    mark.setStyleSheet(f"color: {c.name()};")
                    mark.setToolTip(tip(f"{rv.reviewer}: {rv.comment}" if rv.comment
                                        else rv.reviewer))
                    mark.show()
                else:
                    mark.setText("")
                    mark.hide()
                b.show()
            else:
                b.hide()
                mark.hide()
        rest = len(r.gaps) - GAPS_SHOWN
        self.more_note.setText("" if r.gaps else
                               "No gaps: every milestone of this level is done.")
        self.more_note.setVisible(not r.gaps)
        if rest > 0 and required > 0:
            self.more.set_full_text(
                f"and {rest} more", tooltip=f"Show everything still needed for "
                f"{r.level.title} in the Skills tree: {required} requirements, including "
                "those of the levels below (electives are never needed)")
        elif rest > 0:  # only electives left: nothing is needed
            self.more_note.setText(f"and {rest} more electives")
            self.more_note.show()
        self.more.setVisible(rest > 0 and required > 0)
        self.breakdown.set_rows([AreaRow(a.area.title, a.percent, a.done_weight,
                                         a.total_weight) for a in areas])
        lines = cert_lines(cur, r.level.id, held or {})
        self.certs.setText("\n".join(lines))
        self.certs.setToolTip("Certifications are evidence shown beside your progress; they "
                              "tick nothing. A signature is checked offline, with the key "
                              "the badge file carries; revocation is not checked.")
        self.certs_title.setVisible(bool(lines))
        self.certs.setVisible(bool(lines))

    def gap_ids(self) -> list[str]:
        return [b.property("milestone") for b, _ in self.gap_rows if not b.isHidden()]


class LevelsPage(Page):
    title = "Levels"
    object_name = "levelsPage"
    relevant = RELEVANT

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._dirty = True
        self._cards_for: tuple | None = None
        self.cards: dict[str, LevelCard] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("pageScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll)
        self.body = QWidget()
        self.scroll.setWidget(self.body)
        self.column = QVBoxLayout(self.body)
        m = theme.MARGIN
        self.column.setContentsMargins(m, m, m, m)
        self.column.setSpacing(theme.SPACING)
        self.column.addWidget(heading("Levels", 4))  # as every other page has its title
        self.intro = label("", role="muted", wrap=True)
        self.column.addWidget(self.intro)
        self.column.addStretch(1)

    def changeEvent(self, ev) -> None:
        # verdict and reason colours come from the palette: redo them on a theme switch
        from PySide6.QtCore import QEvent

        if ev.type() == QEvent.Type.PaletteChange and self.cards:
            self._dirty = True
            if self.isVisible():
                self.refresh()
        super().changeEvent(ev)

    def _build_cards(self, cur: Curriculum) -> None:
        key = tuple(lv for lv in cur.levels)
        if key == self._cards_for:
            return
        for card in self.cards.values():
            self.column.removeWidget(card)
            card.deleteLater()
        self.cards = {}
        for i, lv in enumerate(cur.levels):
            card = LevelCard(lv, self._open_gap, self._open_needed)
            self.column.insertWidget(self.column.indexOf(self.intro) + 1 + i, card)
            self.cards[lv.id] = card
        self._cards_for = key

    def refresh(self) -> None:
        self._dirty = False
        store = self.ctx.store
        cur = store.curriculum()
        states = store.states()
        profile = store.profile()
        reviews = store.reviews()
        held = held_certifications(cur, store.certifications())
        self._build_cards(cur)
        results = rd.readiness(cur, states, profile.stack_map)
        current = rd.current_level(results)
        self.intro.setText(
            "A level is ready when its readiness reaches the threshold, its own milestones "
            "reach their threshold too, and every core milestone up to that level is done. "
            "A \"one of\" requirement counts once, whichever option you did; electives "
            "never count. "
            + (f"Current level: {current.title}." if current else "No level reached yet."))
        for r in results:
            self.cards[r.level.id].update_from(
                cur, r, rd.breakdown(cur, states, r.level.id, profile.stack_map), reviews,
                current=current is not None and current.id == r.level.id,
                target=profile.target_level == r.level.id, held=held)

    def open_item(self, arg: object) -> None:
        """Scroll to a level's card (arg: level id)."""
        if self._dirty:
            self.refresh()
        card = self.cards.get(str(arg))
        if card is not None:
            self.scroll.ensureWidgetVisible(card, 0, 0)

    def _open_needed(self) -> None:
        level = self.sender().property("level")
        if level:
            self.ctx.navigate.emit("skills", TreeFilter(needed_for=str(level)))

    def _open_gap(self) -> None:
        mid = self.sender().property("milestone")
        if mid:
            self.ctx.navigate.emit("skills", mid)
