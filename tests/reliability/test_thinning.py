"""Thinning: which backups survive, decided by a pure function on dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.db.backup import Retention, backups_to_keep

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class B:
    name: str
    created_at: datetime
    reason: str = "daily"


def at(days: float, reason: str = "daily", hours: float = 0) -> B:
    t = NOW - timedelta(days=days, hours=hours)
    return B(f"tracker-{t:%Y%m%d-%H%M%S}-{reason}.sqlite3", t, reason)


def test_nothing_to_keep_when_there_is_nothing():
    assert backups_to_keep([], NOW) == set()


def test_the_newest_is_kept_even_when_very_old():
    old = [at(3000), at(3100)]
    assert at(3000).name in backups_to_keep(old, NOW)


def test_everything_from_the_last_two_days_is_kept():
    recent = [at(0, "manual", hours=h) for h in range(0, 47, 1)]
    assert backups_to_keep(recent, NOW) == {b.name for b in recent}


def test_one_per_day_for_a_week_then_weekly_then_monthly():
    # A backup every 6 hours for 500 days.
    items = [at(0, hours=6 * i) for i in range(500 * 4)]
    keep = backups_to_keep(items, NOW)
    kept = sorted((b for b in items if b.name in keep), key=lambda b: b.created_at,
                  reverse=True)
    # all of the last 2 days (8 backups), plus daily/weekly/monthly representatives
    assert sum(1 for b in kept if NOW - b.created_at < timedelta(days=2)) == 8
    days = {b.created_at.date() for b in kept}
    for d in range(7):
        assert (NOW - timedelta(days=d)).date() in days
    weeks = {b.created_at.isocalendar()[:2] for b in kept}
    assert len(weeks) >= 8
    months = {(b.created_at.year, b.created_at.month) for b in kept}
    assert len(months) == 12
    # bounded: 2 days at 4 a day, + 7 + 8 + 12 representatives (some shared)
    assert len(kept) <= 8 + 7 + 8 + 12
    # the newest of each day is the one kept
    for b in kept:
        same_day = [x for x in items if x.created_at.date() == b.created_at.date()]
        if NOW - b.created_at >= timedelta(days=2):
            assert b.created_at == max(x.created_at for x in same_day)


def test_safety_backups_are_kept_for_30_days_then_thinned():
    daily = [at(d) for d in range(0, 60)]
    young = at(20, "before-migration", hours=3)
    young2 = at(25, "before-restore", hours=5)
    old = at(40, "before-migration", hours=3)
    keep = backups_to_keep(daily + [young, young2, old], NOW)
    assert young.name in keep and young2.name in keep
    assert old.name not in keep


def test_coming_back_after_a_year_keeps_older_history():
    # 100 daily backups a year ago, then nothing: the policy counts days that have a backup,
    # so a new backup today does not wipe out that history.
    items = [at(365 + d) for d in range(100)] + [at(0)]
    keep = backups_to_keep(items, NOW)
    assert len(keep) >= 1 + 7


def test_custom_policy():
    items = [at(d) for d in range(30)]
    keep = backups_to_keep(items, NOW, Retention(keep_all_days=0, daily=3, weekly=0,
                                                 monthly=0))
    assert keep == {at(0).name, at(1).name, at(2).name}


ages = st.lists(st.tuples(st.floats(min_value=-1, max_value=800, allow_nan=False),
                          st.sampled_from(["daily", "manual", "before-migration",
                                           "before-restore"])),
                min_size=1, max_size=60, unique_by=lambda x: x[0])


@settings(max_examples=200, deadline=None)
@given(ages)
def test_thinning_properties(spec):
    items = [at(d, r) for d, r in spec]
    items = list({b.name: b for b in items}.values())
    keep = backups_to_keep(items, NOW)
    names = {b.name for b in items}
    assert keep <= names
    newest = max(items, key=lambda b: (b.created_at, b.name))
    assert newest.name in keep
    for b in items:
        age = NOW - b.created_at
        if age < timedelta(days=2):
            assert b.name in keep
        if b.reason.startswith("before-") and age < timedelta(days=30):
            assert b.name in keep
    # idempotent: thinning what was kept deletes nothing more
    again = backups_to_keep([b for b in items if b.name in keep], NOW)
    assert again == keep
    # bounded outside the protected windows
    old = [b for b in items if b.name in keep and NOW - b.created_at >= timedelta(days=30)]
    assert len(old) <= 1 + 7 + 8 + 12
