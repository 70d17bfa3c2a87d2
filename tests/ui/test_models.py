"""The item models behind the Skills, Certifications and Study pages: Qt's model tester,
in-place updates (dataChanged, never a reset), filtering, and plain strings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt

from tracker.db.store import Store
from tracker.db.types import Certification, StudySession
from tracker.ui.models.cert_table import (
    NAME_COL,
    SIGNATURE_COL,
    STATUS_COL,
    CertTableModel,
    SortRole,
    StatusRole,
)
from tracker.ui.models.skill_tree import (
    LEVEL_COL,
    MILESTONE,
    STATE_COL,
    TITLE_COL,
    IdRole,
    KindRole,
    MilestoneFilterProxy,
    SkillTreeModel,
    StateRole,
    build_tree,
)
from tracker.ui.models.study_table import MINUTES_COL, NOTE_COL, StudyTableModel
from tracker.ui.widgets.weekly_chart import first_day_needed, weekly_totals

D = Qt.ItemDataRole


@pytest.fixture
def cur(tmp_path):
    store = Store.open(tmp_path / "d")
    yield store.curriculum()
    store.close()


def _milestones(model, parent=QModelIndex()):
    out = []
    for r in range(model.rowCount(parent)):
        ix = model.index(r, 0, parent)
        if ix.data(KindRole) == MILESTONE:
            out.append(ix)
        else:
            out.extend(_milestones(model, ix))
    return out


# ---------------------------------------------------------------- skill tree
def test_tree_counts_match_the_curriculum(cur):
    first = cur.milestones[0]
    root, by_id = build_tree(cur, {first.id: "done"}, {})
    assert len(by_id) == len(cur.milestones)
    assert (root.done, root.total) == (1, len(cur.milestones))
    skill = by_id[first.id].parent
    assert skill.done == 1
    assert skill.total == sum(1 for m in cur.milestones if m.skill == first.skill)
    assert skill.parent.done == 1


def test_skill_tree_model_passes_the_model_tester(qtmodeltester, cur):
    model = SkillTreeModel()
    model.load(cur, {cur.milestones[0].id: "done", cur.milestones[1].id: "learning"},
               {cur.milestones[0].id: "verified"})
    qtmodeltester.check(model)


def test_filter_proxy_passes_the_model_tester(qtmodeltester, cur):
    model = SkillTreeModel()
    model.load(cur, {}, {})
    proxy = MilestoneFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("docker")
    proxy.set_level("junior")
    qtmodeltester.check(proxy)


def test_set_states_emits_data_changed_on_the_row_and_its_parents_not_a_reset(qtbot, cur):
    model = SkillTreeModel()
    model.load(cur, {}, {})
    m = cur.milestones[0]
    changed: list[tuple[str, int, int]] = []
    model.dataChanged.connect(
        lambda a, b, roles=(): changed.append((a.data(KindRole), a.column(), b.column())))
    with qtbot.assertNotEmitted(model.modelReset), \
            qtbot.assertNotEmitted(model.layoutChanged):
        assert model.set_states({m.id: "done"}) == [m.id]
    kinds = {k for k, _a, _b in changed}
    assert kinds == {"milestone", "skill", "area"}
    ix = model.index_for(m.id)
    assert ix.data(StateRole) == "done"
    assert model.data(ix.siblingAtColumn(STATE_COL)) == "Done"
    skill_ix = ix.parent()
    n = sum(1 for x in cur.milestones if x.skill == m.skill)
    assert model.data(skill_ix.siblingAtColumn(STATE_COL)) == f"1/{n} done"
    # Nothing changes: nothing is emitted.
    changed.clear()
    assert model.set_states({m.id: "done"}) == []
    assert changed == []


def test_proxy_filters_by_every_word_level_and_state_and_keeps_parents(cur):
    model = SkillTreeModel()
    model.load(cur, {cur.milestones[0].id: "done"}, {})
    proxy = MilestoneFilterProxy()
    proxy.setSourceModel(model)
    assert len(_milestones(proxy)) == len(cur.milestones)

    proxy.set_text("Docker  BUILD")
    shown = _milestones(proxy)
    assert shown
    for ix in shown:
        text = model.milestone_node(ix.data(IdRole)).search
        assert "docker" in text and "build" in text
        assert ix.parent().data(KindRole) == "skill"           # parents kept
        assert ix.parent().parent().data(KindRole) == "area"
    proxy.set_text("")

    proxy.set_level("senior")
    assert {cur.milestone_by_id[ix.data(IdRole)].level for ix in _milestones(proxy)} == {"senior"}
    proxy.set_level(None)

    proxy.set_state("done")
    assert [ix.data(IdRole) for ix in _milestones(proxy)] == [cur.milestones[0].id]
    # A state change re-filters on its own (dynamic filtering on dataChanged).
    model.set_states({cur.milestones[0].id: "todo", cur.milestones[5].id: "done"})
    assert [ix.data(IdRole) for ix in _milestones(proxy)] == [cur.milestones[5].id]
    proxy.set_state(None)
    assert not proxy.is_filtering()


def test_tree_strings_are_plain_and_tooltips_escaped(cur):
    from dataclasses import replace

    hostile = replace(cur.milestones[0], title="<b>x</b>", description="<i>y</i> & z")
    cur2 = replace(cur, milestones=(hostile,) + cur.milestones[1:])
    model = SkillTreeModel()
    model.load(cur2, {}, {})
    ix = model.index_for(hostile.id)
    assert ix.data(D.DisplayRole) == "<b>x</b>"
    tip = ix.data(D.ToolTipRole)
    assert "&lt;b&gt;x&lt;/b&gt;" in tip and "<b>x</b>" not in tip
    assert "&lt;i&gt;y&lt;/i&gt; &amp; z" in tip
    assert "core" in model.data(ix.siblingAtColumn(LEVEL_COL)) or not hostile.core
    assert ix.siblingAtColumn(TITLE_COL).data(D.DecorationRole) is not None


# ---------------------------------------------------------------- certifications
def _cert(i: int, name: str, expires: str | None, earned: str = "2024-01-01",
          source: str = "manual") -> Certification:
    return Certification(i, name, "Issuer", earned, expires, source=source)


def test_cert_model_status_text_tint_and_sorting(qtmodeltester):
    today = date(2025, 6, 1)
    model = CertTableModel(lambda: today)
    model.set_certifications([
        _cert(1, "Valid one", None),
        _cert(2, "Soon", (today + timedelta(days=30)).isoformat()),
        _cert(3, "Old", (today - timedelta(days=1)).isoformat()),
        _cert(4, "<b>x</b>", "2030-01-01", source="openbadges-2.0"),
    ])
    qtmodeltester.check(model)
    status = {model.index(r, NAME_COL).data(): model.index(r, STATUS_COL).data()
              for r in range(4)}
    assert status == {"Valid one": "Valid", "Soon": "Expires in 30 days",
                      "Old": "Expired", "<b>x</b>": "Valid"}
    assert model.index(1, STATUS_COL).data(StatusRole) == "expiring"
    assert model.index(1, 0).data(D.BackgroundRole) is not None      # highlighted
    assert model.index(2, 0).data(D.BackgroundRole) is not None
    assert model.index(0, 0).data(D.BackgroundRole) is None          # valid: normal
    assert model.index(2, STATUS_COL).data(D.DecorationRole) is not None
    assert model.index(3, SIGNATURE_COL).data() == "Not signed"
    assert "Imported from an Open Badges 2.0 file" in model.index(3, SIGNATURE_COL).data(
        D.ToolTipRole)
    assert "Entered by hand" in model.index(0, SIGNATURE_COL).data(D.ToolTipRole)

    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    qtmodeltester.check(proxy)
    proxy.sort(STATUS_COL, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, STATUS_COL).data(StatusRole) for r in range(4)] == [
        "expired", "expiring", "valid", "valid"]


# ---------------------------------------------------------------- study
def test_study_model_plain_strings_and_tester(qtmodeltester):
    model = StudyTableModel()
    model.set_sessions([StudySession(1, "2025-01-02", 95, "python", "<b>x</b>\nline two"),
                        StudySession(2, "2025-01-01", 20, None, "")], {"python": "Python"})
    qtmodeltester.check(model)
    assert model.index(0, MINUTES_COL).data() == "1 h 35 min"
    assert model.index(1, MINUTES_COL).data() == "20 min"
    assert model.index(0, 2).data() == "Python"
    assert model.index(0, NOTE_COL).data() == "<b>x</b> line two"
    assert "&lt;b&gt;x&lt;/b&gt;" in model.index(0, NOTE_COL).data(D.ToolTipRole)


def test_weekly_totals_on_known_data():
    today = date(2025, 3, 12)  # a Wednesday; its week starts Monday 10 March
    data = {"2025-03-10": 30, "2025-03-12": 45, "2025-03-09": 60, "2025-03-03": 15,
            "2024-01-01": 999, "not a date": 5}
    weeks = weekly_totals(data, today)
    assert len(weeks) == 16
    assert weeks[-1] == (date(2025, 3, 10), 75)
    assert weeks[-2] == (date(2025, 3, 3), 75)   # Sunday 9th belongs to the week of the 3rd
    assert weeks[0][0] == date(2024, 11, 25)
    assert sum(m for _, m in weeks) == 150        # the 2024 session is out of the window
    assert first_day_needed(today) == "2024-11-25"


def test_short_level_titles_drop_the_shared_words():
    from tracker.curriculum.model import Level
    from tracker.ui.models.skill_tree import short_level_titles

    levels = [Level("junior", 1, "Junior MLOps Engineer"), Level("mlops", 2, "MLOps Engineer"),
              Level("senior", 3, "Senior MLOps Engineer"), Level("lead", 4, "MLOps Team Lead"),
              Level("director", 5, "Director of MLOps")]
    assert short_level_titles(levels) == {"junior": "Junior", "mlops": "MLOps Engineer",
                                          "senior": "Senior", "lead": "Team Lead",
                                          "director": "Director"}
    two = [Level("a", 1, "Apprentice Baker"), Level("b", 2, "Master Baker")]
    assert short_level_titles(two) == {"a": "Apprentice Baker", "b": "Master Baker"}
