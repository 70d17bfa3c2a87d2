"""Hostile curriculum packs cost bounded memory and output (issue 10, review §3).

`curriculum check` on the review's cycle bomb (milestone i requires i+1 and milestone 0)
used to copy a DFS path per back edge and print the text of every cycle: an 814 KB pack
peaked at 1.38 GB. Peak RSS is measured in the child itself (os.wait4), under an
address-space limit so a regression fails fast instead of starving the shared machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.conftest import run_tracker_measured



def cycle_bomb_toml(n: int) -> str:
    lines = ['id = "bomb"', 'version = "1"', 'title = "Bomb"', "",
             "[[levels]]", 'id = "junior"', "rank = 1", 'title = "J"', "",
             "[[areas]]", 'id = "a"', 'title = "A"', "",
             "[[skills]]", 'id = "s"', 'area = "a"', 'title = "S"', ""]
    for i in range(n):
        req = [f"m.n{(i + 1) % n}"] + (["m.n0"] if i else [])
        lines += ["[[milestones]]", f'id = "m.n{i}"', 'skill = "s"', 'level = "junior"',
                  f'title = "T{i}"', "requires = [" + ", ".join(f'"{r}"' for r in req) + "]",
                  ""]
    return "\n".join(lines)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc and RLIMIT_AS")
@pytest.mark.parametrize("n", [8_000, 44_000])
def test_curriculum_check_on_a_cycle_bomb_stays_small(tmp_path: Path, n: int):
    """8,000: the review's 814 KB pack (1.38 GB before). 44,000: the largest such pack
    under the 5 MB limit (tens of GB by the old growth)."""
    pack = tmp_path / "bomb.toml"
    pack.write_text(cycle_bomb_toml(n))
    assert pack.stat().st_size < 5_000_000
    code, out, err, maxrss_kb = run_tracker_measured(
        ["--data-dir", str(tmp_path / "d"), "curriculum", "check", str(pack)], tmp_path,
        1_000_000_000)
    assert code == 2, err
    assert err == "error: bomb.toml: 1 problem\n"
    assert len(out) < 1_000
    assert 0 < maxrss_kb < 250_000, f"peak RSS {maxrss_kb / 1024:.0f} MB"
