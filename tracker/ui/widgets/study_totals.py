"""The line under the study heatmap's streak: time studied, active days and milestones done
in the weeks the heatmap shows. Pure (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _hours(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours:,} h {rest:02d} min" if rest else f"{hours:,} h"


def heat_totals_text(days: Sequence[Any]) -> str:
    """``days`` are the heatmap's HeatDay cells (minutes, done, active)."""
    if not days:
        return ""
    weeks = (len(days) + 6) // 7
    minutes = sum(d.minutes for d in days)
    active = sum(1 for d in days if d.active)
    done = sum(d.done for d in days)
    return (f"{_hours(minutes)} studied · {active:,} active day{'s' if active != 1 else ''}"
            f" · {done:,} milestone{'s' if done != 1 else ''} done in the last {weeks} weeks")
