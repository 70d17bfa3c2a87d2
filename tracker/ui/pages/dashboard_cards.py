"""Two dashboard cards that point elsewhere: certifications that expire soon, and a mentor's
verdicts that need work. Each shows up to a few links (the rest as a count), opens the item
on its page through ``ctx.navigate``, and hides itself when it has nothing to say.

The selection of what to show is pure (:func:`expiring_soon`, :func:`needs_work`); the cards
only draw it. GUI thread only for the cards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from tracker.curriculum.model import Curriculum, Milestone
from tracker.db.types import Certification, Review
from tracker.status import EXPIRING_DAYS, days_left, expiry_text
from tracker.ui.context import AppContext
from tracker.ui.models.skill_tree import TreeFilter
from tracker.ui.widgets import Card, LinkButton, clip, label

SHOWN = 4  # links per card; the rest are counted


@dataclass(frozen=True)
class Expiring:
    cert: Certification
    days: int  # days left (0: today)


def expiring_soon(certs: Iterable[Certification], today: date,
                  within: int = EXPIRING_DAYS) -> list[Expiring]:
    """Certifications that expire today or within ``within`` days, soonest first."""
    out = []
    for c in certs:
        days = days_left(c.expires, today.isoformat())
        if days is not None and 0 <= days <= within:
            out.append(Expiring(c, days))
    return sorted(out, key=lambda e: (e.days, e.cert.name.casefold()))


def needs_work(reviews: Mapping[str, Review], cur: Curriculum) -> list[tuple[Milestone, Review]]:
    """The milestones whose newest verdict is "needs work", newest review first (milestones
    no longer in the curriculum are left out)."""
    out = [(cur.milestone_by_id[mid], r) for mid, r in reviews.items()
           if r.verdict == "needs-work" and mid in cur.milestone_by_id]
    return sorted(out, key=lambda pair: pair[1].reviewed_at, reverse=True)


class _LinkCard(Card):
    """A card of up to SHOWN links, each with a muted detail line, and a count of the rest."""

    def __init__(self, ctx: AppContext, title: str):
        super().__init__(title)
        self.ctx = ctx
        self.intro = label("", role="muted", wrap=True)
        self.body.addWidget(self.intro)
        self.links: list[LinkButton] = []
        self.details = []
        for _ in range(SHOWN):
            b = LinkButton()
            b.clicked.connect(self._open)
            d = label("", role="muted", wrap=True)
            self.body.addWidget(b)
            self.body.addWidget(d)
            self.links.append(b)
            self.details.append(d)
        self.more = LinkButton()
        self.more.clicked.connect(self._open_more)
        self.body.addWidget(self.more)
        self.finish()
        self.setVisible(False)

    def _fill(self, rows: Sequence[tuple[str, str, str, object]], more: int) -> None:
        """rows: (link text, tooltip, detail, navigate argument)."""
        for i, (b, d) in enumerate(zip(self.links, self.details)):
            if i < len(rows):
                text, tooltip, detail, arg = rows[i]
                b.set_full_text(text, tooltip=tooltip)
                b.setProperty("target", arg)
                d.setText(detail)
                d.setVisible(bool(detail))
                b.show()
            else:
                b.hide()
                d.hide()
        self.more.set_full_text(f"and {more} more", tooltip="Show them all")
        self.more.setVisible(more > 0)

    def shown_targets(self) -> list[object]:
        return [b.property("target") for b in self.links if not b.isHidden()]

    def _open(self) -> None:
        raise NotImplementedError

    def _open_more(self) -> None:
        raise NotImplementedError


class ExpiringCertsCard(_LinkCard):
    """Certifications that expire within 60 days, with the days left; a link opens the
    certification on the Certifications page."""

    def __init__(self, ctx: AppContext):
        super().__init__(ctx, "Certifications expiring soon")
        self.setAccessibleName("Certifications expiring soon")
        self.items: list[Expiring] = []

    def set_items(self, items: Sequence[Expiring]) -> None:
        self.items = list(items)
        n = len(self.items)
        self.intro.setText(f"{n} certification{'s' if n != 1 else ''} expire"
                           f"{'s' if n == 1 else ''} within {EXPIRING_DAYS} days: renew "
                           "or plan the exam.")
        rows = []
        for e in self.items[:SHOWN]:
            when = expiry_text(e.days)
            rows.append((clip(e.cert.name, 60), f"{e.cert.name}\n\nOpens it on the "
                         "Certifications page", f"{when} · {e.cert.expires} · {e.cert.issuer}",
                         e.cert.id))
        self._fill(rows, max(0, n - SHOWN))
        self.setVisible(n > 0)

    def _open(self) -> None:
        cid = self.sender().property("target")
        if cid is not None:
            self.ctx.navigate.emit("certifications", int(cid))

    def _open_more(self) -> None:
        self.ctx.navigate.emit("certifications", None)


class MentorFeedbackCard(_LinkCard):
    """A mentor's verdicts that need work, with the comment; a link opens the milestone on
    the Skills page."""

    def __init__(self, ctx: AppContext):
        super().__init__(ctx, "Mentor feedback")
        self.setAccessibleName("Mentor feedback")
        self.items: list[tuple[Milestone, Review]] = []

    def set_items(self, items: Sequence[tuple[Milestone, Review]]) -> None:
        self.items = list(items)
        n = len(self.items)
        reviewers = sorted({r.reviewer for _m, r in self.items if r.reviewer})
        by = f" from {', '.join(reviewers)}" if reviewers else ""
        self.title_label.setText(f"Mentor feedback · {n} need{'s' if n == 1 else ''} work")
        self.intro.setText(f"Your mentor's verdicts{by} that ask for more work:")
        rows = []
        for m, r in self.items[:SHOWN]:
            comment = " ".join(r.comment.split())
            rows.append((clip(m.title, 80), f"{m.title}\n\n{r.comment or 'No comment'}\n\n"
                         "Opens it on the Skills page",
                         f"“{clip(comment, 90)}”" if comment else "No comment", m.id))
        self._fill(rows, max(0, n - SHOWN))
        # every verdict that needs work, in the filtered tree (also when all are shown)
        more = max(0, n - SHOWN)
        self.more.set_full_text(f"and {more} more: show all {n} in the Skills tree" if more
                                else f"Show {'it' if n == 1 else f'all {n}'} in the Skills "
                                     "tree", tooltip="Opens the Skills tree filtered to "
                                                     "“Needs work”")
        self.more.setVisible(n > 0)
        self.setVisible(n > 0)

    def _open(self) -> None:
        mid = self.sender().property("target")
        if mid:
            self.ctx.navigate.emit("skills", str(mid))

    def _open_more(self) -> None:
        self.ctx.navigate.emit("skills", TreeFilter(review="needs-work"))
