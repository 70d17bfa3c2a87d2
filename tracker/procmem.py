"""This process's peak resident memory, for the benchmark. Pure, no Qt.

On Linux it is ``VmHWM`` from ``/proc/self/status``: the high-water mark of this process's
own address space. Not ``ru_maxrss``: Linux carries that over from before ``exec``, so a
command started from a large process (the benchmark itself, a test session) would report its
parent's peak. A forked child's VmHWM starts at what it shares with its parent at the fork.
Elsewhere ``ru_maxrss`` is the best there is.
"""

from __future__ import annotations

import sys


def peak_rss_kb() -> int:
    """Peak resident memory of this process in KB (0 where it cannot be known)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak
