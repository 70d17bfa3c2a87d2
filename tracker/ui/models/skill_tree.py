"""The skill tree (Area > Skill > Milestone) as a thin QAbstractItemModel adapter.

The tree itself is plain Python (:class:`Node`), built from a Curriculum, the milestone states
and the mentor reviews. The model only translates nodes into Qt roles. State changes are
applied with :meth:`SkillTreeModel.set_states` / :meth:`SkillTreeModel.set_reviews`, which emit
``dataChanged`` on the affected rows and their parents only (no reset), so views keep their
selection and expansion. :class:`MilestoneFilterProxy` filters milestones by text, level and
state and keeps the parents of matching milestones.

Threading rule: GUI thread only.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

from tracker.curriculum.model import Curriculum
from tracker.readiness import DONE, LEARNING, STATES, TODO

# Custom roles, named once.
KindRole = Qt.ItemDataRole.UserRole + 1      # "area" | "skill" | "milestone"
IdRole = Qt.ItemDataRole.UserRole + 2        # area, skill or milestone id
StateRole = Qt.ItemDataRole.UserRole + 3     # milestone state (todo/learning/done)
LevelRole = Qt.ItemDataRole.UserRole + 4     # milestone level id
CoreRole = Qt.ItemDataRole.UserRole + 5      # bool
ReviewRole = Qt.ItemDataRole.UserRole + 6    # "verified" | "needs-work" | None
SearchRole = Qt.ItemDataRole.UserRole + 7    # lower-case text the filter box matches
DoneCountRole = Qt.ItemDataRole.UserRole + 8   # done milestones under an area or skill
TotalCountRole = Qt.ItemDataRole.UserRole + 9  # all milestones under an area or skill

AREA, SKILL, MILESTONE = "area", "skill", "milestone"
TITLE_COL, LEVEL_COL, STATE_COL = range(3)
HEADERS = ("Milestone", "Level", "State")

STATE_LABELS = {TODO: "To do", LEARNING: "Learning", DONE: "Done"}
VERDICT_LABELS = {"verified": "Verified", "needs-work": "Needs work"}
#: One key per state in the tree (plain digits: the filter box and the page shortcuts,
#: Ctrl+1..5, never see them; letters would fight the tree's type-ahead search).
STATE_KEYS = {TODO: "1", LEARNING: "2", DONE: "3"}
#: What a click on the state circle before a milestone does.
NEXT_STATE = {TODO: LEARNING, LEARNING: DONE, DONE: TODO}
STATE_HELP = ("Click the circle to go To do → Learning → Done → To do. Keys: "
              + ", ".join(f"{STATE_KEYS[st]} {STATE_LABELS[st]}" for st in STATES)
              + "; Space marks done (never undoes done).")


@dataclass(frozen=True)
class TreeFilter:
    """What ``ctx.navigate("skills", TreeFilter(...))`` shows: the Skills tree with its other
    filters cleared and this one set. ``review``: "needs-work" or "verified";
    ``needed_for``: a level id (everything still needed for it, cumulative)."""

    review: str | None = None
    needed_for: str | None = None

_D = Qt.ItemDataRole



def short_level_titles(levels) -> dict[str, str]:
    """Level titles without the words most of them share, for a narrow tree column:
    "Junior MLOps Engineer" -> "Junior", "Director of MLOps" -> "Director". A title that
    would be left empty stays whole; the full title is in the tooltip and detail pane."""
    from collections import Counter

    words = Counter(w for lv in levels for w in set(lv.title.split()))
    common = {w for w, n in words.items() if len(levels) > 2 and n * 2 > len(levels)}
    out = {}
    for lv in levels:
        kept = [w for w in lv.title.split() if w not in common]
        while kept and kept[-1].lower() in ("of", "for", "and", "the", "de"):
            kept.pop()
        out[lv.id] = " ".join(kept) or lv.title
    return out


def marks(node: Node) -> str:
    """The Level column's marks: core, elective, one of N."""
    out = ""
    if node.choice:
        out += f" · one of {node.choice_size}"
    if node.core:
        out += " · core"
    if node.elective:
        out += " · elective"
    return out


@dataclass(eq=False)
class Node:
    """One row of the tree. Area and skill rows carry done/total counts."""

    kind: str
    id: str
    title: str
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    row: int = 0
    description: str = ""
    level: str = ""
    level_title: str = ""
    level_short: str = ""   # for the narrow Level column; level_title in tooltips
    core: bool = False
    elective: bool = False
    choice: str = ""          # title of the "one of" requirement this milestone is an option of
    choice_size: int = 0      # how many options that choice has
    requires: tuple[str, ...] = ()  # titles of the prerequisites
    state: str = TODO
    review: str | None = None
    #: why a "verified" verdict is not proven ("unsigned", "signature not valid"); "" when
    #: signed (or no verdict): shown after the verdict in the State column
    review_note: str = ""
    done: int = 0
    total: int = 0
    search: str = ""

    def add(self, child: Node) -> Node:
        child.parent = self
        child.row = len(self.children)
        self.children.append(child)
        return child

    def recount(self) -> None:
        if self.kind == SKILL:
            self.total = len(self.children)
            self.done = sum(1 for c in self.children if c.state == DONE)
        elif self.kind == AREA or self.kind == "root":
            self.total = sum(c.total for c in self.children)
            self.done = sum(c.done for c in self.children)


def build_tree(cur: Curriculum, states: Mapping[str, str],
               reviews: Mapping[str, str | None]) -> tuple[Node, dict[str, Node]]:
    """Pure: the root node and a map id -> milestone node. Skills without milestones and
    areas without skills are left out (nothing to tick there)."""
    root = Node("root", "", "")
    by_skill: dict[str, list] = {}
    for m in cur.milestones:
        by_skill.setdefault(m.skill, []).append(m)
    milestones: dict[str, Node] = {}
    short = short_level_titles(cur.levels)
    choice_of = cur.choice_of
    for area in cur.areas:
        skills = [s for s in cur.skills if s.area == area.id and by_skill.get(s.id)]
        if not skills:
            continue
        a = root.add(Node(AREA, area.id, area.title, description=area.description))
        for sk in skills:
            s = a.add(Node(SKILL, sk.id, sk.title, description=sk.description))
            for m in by_skill[sk.id]:
                lv = cur.level_by_id.get(m.level)
                n = s.add(Node(MILESTONE, m.id, m.title, description=m.description,
                               level=m.level, level_title=lv.title if lv else m.level,
                               level_short=short.get(m.level, m.level),
                               core=m.core, state=states.get(m.id, TODO),
                               review=reviews.get(m.id), elective=m.elective))
                ch = choice_of.get(m.id)
                if ch is not None:
                    n.core, n.choice, n.choice_size = ch.core, ch.title, len(ch.options)
                n.requires = tuple(cur.milestone_by_id[r].title if r in cur.milestone_by_id
                                   else r for r in m.requires)
                n.search = " ".join((m.title, m.id, m.description, sk.title, area.title)).lower()
                milestones[m.id] = n
            s.recount()
        a.recount()
    root.recount()
    return root, milestones


# ---------------------------------------------------------------- icons drawn in code
_ICONS: dict[str, QIcon] = {}
DONE_COLOUR = QColor(46, 160, 67)
LEARNING_COLOUR = QColor(214, 137, 16)
TODO_COLOUR = QColor(128, 134, 145)
VERIFIED_COLOUR = QColor(47, 129, 247)
NEEDS_WORK_COLOUR = QColor(219, 109, 40)


def _pixmap(size: int = 16) -> tuple[QPixmap, QPainter]:
    pm = QPixmap(size * 2, size * 2)
    pm.setDevicePixelRatio(2.0)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pm, p


def state_icon(state: str) -> QIcon:
    """A check-like mark per state: empty ring (to do), half-filled ring (learning),
    filled disc with a tick (done). Fixed mid-tone colours read on light and dark bases."""
    key = "state:" + state
    if key in _ICONS:
        return _ICONS[key]
    pm, p = _pixmap()
    r = QRectF(2, 2, 12, 12)
    if state == DONE:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(DONE_COLOUR)
        p.drawEllipse(r)
        pen = QPen(QColor("white"), 1.8)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        path = QPainterPath(QPointF(5, 8.2))
        path.lineTo(7.2, 10.4)
        path.lineTo(11, 5.8)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
    elif state == LEARNING:
        p.setPen(QPen(LEARNING_COLOUR, 1.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(r)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(LEARNING_COLOUR)
        p.drawPie(r, 90 * 16, 180 * 16)
    else:
        p.setPen(QPen(TODO_COLOUR, 1.4))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(r)
    p.end()
    icon = QIcon(pm)
    if state == TODO:
        # on a selected (highlighted) row the grey ring all but vanished: a white one there
        sel, q = _pixmap()
        q.setPen(QPen(QColor("white"), 1.6))
        q.setBrush(Qt.BrushStyle.NoBrush)
        q.drawEllipse(r)
        q.end()
        icon.addPixmap(sel, QIcon.Mode.Selected)
    _ICONS[key] = icon
    return icon


def review_icon(verdict: str) -> QIcon:
    """A seal with a tick (verified) or an exclamation mark (needs work)."""
    key = "review:" + verdict
    if key in _ICONS:
        return _ICONS[key]
    pm, p = _pixmap()
    colour = VERIFIED_COLOUR if verdict == "verified" else NEEDS_WORK_COLOUR
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    shield = QPainterPath(QPointF(8, 1.5))
    shield.lineTo(14, 4)
    shield.cubicTo(QPointF(14, 10), QPointF(11, 13), QPointF(8, 14.5))
    shield.cubicTo(QPointF(5, 13), QPointF(2, 10), QPointF(2, 4))
    shield.closeSubpath()
    p.drawPath(shield)
    pen = QPen(QColor("white"), 1.7)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    if verdict == "verified":
        path = QPainterPath(QPointF(5.2, 8))
        path.lineTo(7.3, 10)
        path.lineTo(10.8, 5.8)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
    else:
        p.drawLine(QPointF(8, 4.6), QPointF(8, 8.6))
        p.drawPoint(QPointF(8, 11.2))
    p.end()
    _ICONS[key] = QIcon(pm)
    return _ICONS[key]


# ---------------------------------------------------------------- the model
class SkillTreeModel(QAbstractItemModel):
    """Area > Skill > Milestone; three columns: title (with the state mark), level (with the
    core mark) and state (with the mentor's verdict; done/total counts on area and skill
    rows)."""

    #: tooltips say how to change a state (False in review mode, where nothing changes)
    edit_hints = True

    def __init__(self, parent=None):
        super().__init__(parent)
        self._root = Node("root", "", "")
        self._milestones: dict[str, Node] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    # -------------------------------------------------------- loading and updates
    def load(self, cur: Curriculum, states: Mapping[str, str],
             reviews: Mapping[str, str | None]) -> None:
        """Rebuild everything (a new curriculum): a model reset."""
        self.beginResetModel()
        self._root, self._milestones = build_tree(cur, states, reviews)
        self.endResetModel()

    def set_states(self, states: Mapping[str, str]) -> list[str]:
        """Apply the current states; emits dataChanged for changed milestones and their
        skill and area rows. Returns the ids that changed."""
        changed = []
        for mid, node in self._milestones.items():
            new = states.get(mid, TODO)
            if node.state != new:
                node.state = new
                changed.append(mid)
        self._emit_changed(changed, counts=True)
        return changed

    def set_reviews(self, reviews: Mapping[str, str | None]) -> list[str]:
        changed = []
        for mid, node in self._milestones.items():
            new = reviews.get(mid)
            if node.review != new:
                node.review = new
                changed.append(mid)
        self._emit_changed(changed, counts=False)
        return changed

    def set_review_notes(self, notes: Mapping[str, str]) -> list[str]:
        """Mark "verified" verdicts that are not signed (milestone id -> "unsigned", ...):
        the State column then never shows an unproven verdict as plainly verified."""
        changed = []
        for mid, node in self._milestones.items():
            new = notes.get(mid, "")
            if node.review_note != new:
                node.review_note = new
                changed.append(mid)
        self._emit_changed(changed, counts=False)
        return changed

    def _emit_changed(self, ids: list[str], *, counts: bool) -> None:
        if not ids:
            return
        last = len(HEADERS) - 1
        parents: dict[int, Node] = {}
        for mid in ids:
            node = self._milestones[mid]
            self.dataChanged.emit(self._index_of(node, 0), self._index_of(node, last))
            if counts:
                skill = node.parent
                parents[id(skill)] = skill
                parents[id(skill.parent)] = skill.parent
        if not counts:
            return
        # Skills before areas so area totals add up the new skill counts.
        for node in sorted(parents.values(), key=lambda n: n.kind != SKILL):
            node.recount()
        self._root.recount()
        roles = [_D.DisplayRole, _D.ToolTipRole, _D.AccessibleTextRole, DoneCountRole]
        for node in parents.values():
            ix = self._index_of(node, STATE_COL)
            self.dataChanged.emit(ix, ix, roles)
            ix0 = self._index_of(node, TITLE_COL)
            self.dataChanged.emit(ix0, ix0, [_D.AccessibleTextRole])

    # -------------------------------------------------------- lookups
    def node(self, index: QModelIndex) -> Node | None:
        if not index.isValid():
            return None
        return index.internalPointer()

    def milestone_node(self, mid: str) -> Node | None:
        return self._milestones.get(mid)

    def index_for(self, mid: str, column: int = 0) -> QModelIndex:
        node = self._milestones.get(mid)
        return self._index_of(node, column) if node else QModelIndex()

    def index_for_group(self, kind: str, ident: str) -> QModelIndex:
        for a in self._root.children:
            if kind == AREA and a.id == ident:
                return self._index_of(a, 0)
            for s in a.children:
                if kind == SKILL and s.id == ident:
                    return self._index_of(s, 0)
        return QModelIndex()

    def totals(self) -> tuple[int, int]:
        return self._root.done, self._root.total

    def _index_of(self, node: Node, column: int) -> QModelIndex:
        return self.createIndex(node.row, column, node)

    # -------------------------------------------------------- QAbstractItemModel
    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        p = self.node(parent) if parent.isValid() else self._root
        if p is None or row >= len(p.children):
            return QModelIndex()
        return self.createIndex(row, column, p.children[row])

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        # Hot path: the proxy calls this tens of thousands of times while it re-filters.
        if not index.isValid():
            return QModelIndex()
        p = index.internalPointer().parent
        if p is None or p is self._root:
            return QModelIndex()
        return self.createIndex(p.row, 0, p)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        if parent.isValid():
            if parent.column() != 0:
                return 0
            return len(parent.internalPointer().children)
        return len(self._root.children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return len(HEADERS)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = _D.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS)
                and role == _D.DisplayRole):
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = _D.DisplayRole):
        node = self.node(index)
        if node is None:
            return None
        col = index.column()
        if role == _D.DisplayRole:
            return self._display(node, col)
        if role == KindRole:
            return node.kind
        if role == IdRole:
            return node.id
        if node.kind == MILESTONE:
            if role == StateRole:
                return node.state
            if role == LevelRole:
                return node.level
            if role == CoreRole:
                return node.core
            if role == ReviewRole:
                return node.review
            if role == SearchRole:
                return node.search
        else:
            if role == DoneCountRole:
                return node.done
            if role == TotalCountRole:
                return node.total
        if role == _D.DecorationRole:
            if node.kind == MILESTONE and col == TITLE_COL:
                return state_icon(node.state)
            if node.kind == MILESTONE and col == STATE_COL and node.review:
                return review_icon(node.review)
            return None
        if role == _D.ToolTipRole:
            return self._tooltip(node, col)
        if role == _D.AccessibleTextRole:
            return self._accessible(node, col)
        if role == _D.FontRole and node.kind == AREA and col == TITLE_COL:
            return self._bold
        return None

    def _display(self, node: Node, col: int) -> str:
        if col == TITLE_COL:
            return node.title
        if node.kind == MILESTONE:
            if col == LEVEL_COL:
                return (node.level_short or node.level_title) + marks(node)
            if col == STATE_COL:
                state = STATE_LABELS.get(node.state, node.state)
                if node.review:
                    verdict = VERDICT_LABELS.get(node.review, node.review).lower()
                    if node.review == "verified" and node.review_note:
                        verdict += f" ({node.review_note})"
                    return f"{state} · {verdict}"
                return state
            return ""
        if col == STATE_COL:
            return f"{node.done}/{node.total} done"
        return ""

    def _tooltip(self, node: Node, col: int) -> str | None:
        # Tooltips auto-detect rich text: everything from the pack is escaped.
        if node.kind != MILESTONE:
            if col == STATE_COL:
                return f"{node.done} of {node.total} milestones done"
            return f"<p>{html.escape(node.description)}</p>" if node.description else None
        if col == TITLE_COL:
            text = f"<p><b>{html.escape(node.title)}</b></p>"
            if node.description:
                text += f"<p>{html.escape(node.description)}</p>"
            if node.choice:
                text += (f"<p>One of {node.choice_size} ways to meet: "
                         f"{html.escape(node.choice)}. Any one of them counts.</p>")
            if node.elective:
                text += "<p>Elective: shown and counted in breadth, never required.</p>"
            if node.requires:
                text += ("<p>Needs first: " + html.escape("; ".join(node.requires)) + "</p>")
            text += (f"<p><i>{STATE_LABELS.get(node.state, node.state)}.</i>"
                     + (f" {html.escape(STATE_HELP)}" if self.edit_hints else "") + "</p>")
            return text
        if col == LEVEL_COL:
            text = f"<p>{html.escape(node.level_title)}</p>"
            if node.core:
                text += "<p>Core milestone: required to be ready for its level</p>"
            if node.elective:
                text += "<p>Elective: never required</p>"
            if node.choice:
                text += f"<p>One of {node.choice_size}: any one option counts</p>"
            return text
        if col == STATE_COL:
            review = ""
            if node.review:
                note = (f" ({html.escape(node.review_note)}: not proven who gave it)"
                        if node.review == "verified" and node.review_note else "")
                review = ("<p>Mentor review: "
                          f"{VERDICT_LABELS.get(node.review, html.escape(node.review))}"
                          f"{note}</p>")
            hint = (f"<p>{html.escape(STATE_HELP)}</p><p>Right-click to choose any state</p>"
                    if self.edit_hints else "")
            return (review + hint) or None
        return None

    def _accessible(self, node: Node, col: int) -> str:
        if node.kind == MILESTONE:
            parts = [node.title, STATE_LABELS.get(node.state, node.state), node.level_title]
            if node.core:
                parts.append("core")
            if node.elective:
                parts.append("elective")
            if node.choice:
                parts.append(f"one of {node.choice_size}: {node.choice}")
            if node.review:
                parts.append("mentor review: " + VERDICT_LABELS.get(node.review, node.review)
                             + (f" ({node.review_note})"
                                if node.review == "verified" and node.review_note else ""))
            return ", ".join(parts) if col == TITLE_COL else self._display(node, col)
        if col == TITLE_COL:
            return f"{node.title}, {node.done} of {node.total} done"
        return self._display(node, col)


# ---------------------------------------------------------------- filtering
class MilestoneFilterProxy(QSortFilterProxyModel):
    """Shows the milestones that match the filter text (every word, case-insensitive, in
    the title, id, description, skill or area), the level and the state; area and skill rows
    stay when any milestone below them matches. Two more filters: a mentor's verdict
    (``set_review``) and a set of milestone ids (``set_needed``: what a level still needs)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self._words: tuple[str, ...] = ()
        self._level: str | None = None
        self._state: str | None = None
        self._review: str | None = None
        self._needed: frozenset[str] | None = None

    def is_filtering(self) -> bool:
        return bool(self._words or self._level or self._state or self._review
                    or self._needed is not None)

    def set_review(self, verdict: str | None) -> None:
        if verdict is not None and verdict not in VERDICT_LABELS:
            raise ValueError(verdict)
        if verdict != self._review:
            self._refilter(lambda: setattr(self, "_review", verdict or None))

    def set_needed(self, ids) -> None:
        """Show only these milestone ids (None: no such filter)."""
        needed = None if ids is None else frozenset(ids)
        if needed != self._needed:
            self._refilter(lambda: setattr(self, "_needed", needed))

    def set_text(self, text: str) -> None:
        words = tuple(text.lower().split())
        if words != self._words:
            self._refilter(lambda: setattr(self, "_words", words))

    def set_level(self, level: str | None) -> None:
        if level != self._level:
            self._refilter(lambda: setattr(self, "_level", level or None))

    def set_state(self, state: str | None) -> None:
        if state is not None and state not in STATES:
            raise ValueError(state)
        if state != self._state:
            self._refilter(lambda: setattr(self, "_state", state or None))

    def _refilter(self, change) -> None:
        begin = getattr(self, "beginFilterChange", None)
        if begin is not None:  # Qt >= 6.9
            begin()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self.is_filtering():
            return True
        src = self.sourceModel()
        ix = src.index(source_row, 0, source_parent)
        if src.data(ix, KindRole) != MILESTONE:
            return False  # kept only when a child matches (recursive filtering)
        if self._level and src.data(ix, LevelRole) != self._level:
            return False
        if self._state and src.data(ix, StateRole) != self._state:
            return False
        if self._review and src.data(ix, ReviewRole) != self._review:
            return False
        if self._needed is not None and src.data(ix, IdRole) not in self._needed:
            return False
        if self._words:
            text = src.data(ix, SearchRole) or ""
            return all(w in text for w in self._words)
        return True
