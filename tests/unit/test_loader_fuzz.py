"""Structure-aware fuzzing of the curriculum loader (issue 10, review §6).

A valid pack has values replaced at random (anywhere: ids, references, numbers, whole
tables or arrays) by lists, tables, integers of any size, booleans, floats (NaN and
infinities too), strings and nulls. Whatever comes in, the only exception the loader may
raise is its own :class:`CurriculumError`, both for the data (the JSON shape, as progress
files embed it) and for the same data written out as TOML text.
"""

from __future__ import annotations

import copy
import json
import math
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.curriculum.loader import CurriculumError, parse_pack, parse_toml_text

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "tiny.toml"
BASE = tomllib.loads(TINY.read_text())


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value inside ``value`` (containers included), depth first."""
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, prefix + (i,))


PATHS = list(_paths(BASE))
IDS = sorted({str(t["id"]) for kind in ("levels", "areas", "skills", "milestones")
              for t in BASE[kind]})

scalars = st.one_of(
    st.integers(), st.integers(min_value=10**300, max_value=10**310), st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
    st.sampled_from(IDS), st.none())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.one_of(st.text(max_size=6), st.sampled_from(
                                ["id", "level", "skill", "area", "requires", "rank"])),
                                inner, max_size=3)),
    max_leaves=6)
mutations = st.lists(st.tuples(st.integers(0, len(PATHS) - 1), values), min_size=1,
                     max_size=4)


def _mutate(changes: list[tuple[int, Any]]) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    for index, value in changes:
        *parents, last = PATHS[index]
        target: Any = doc
        try:
            for key in parents:
                target = target[key]
            target[last] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced a container on this path
    return doc


# ------------------------------------------------------------ a small TOML writer
def _toml_key(key: Any) -> str:
    return json.dumps(str(key), ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if value is None:
        return '""'  # TOML has no null
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise AssertionError(type(value))


def _toml(doc: dict[str, Any]) -> str:
    lines: list[str] = []
    tables: list[tuple[str, list[Any]]] = []
    for key, value in doc.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, items in tables:
        for item in items:
            lines.append(f"\n[[{_toml_key(key)}]]")
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"


def test_the_fixture_round_trips_through_the_writer():
    assert parse_toml_text(_toml(BASE), "tiny").content_hash == \
        parse_pack(BASE, "tiny").content_hash


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations)
def test_a_pack_with_values_replaced_raises_only_curriculum_error(changes):
    doc = _mutate(changes)
    for parse, arg in ((parse_pack, doc), (parse_toml_text, None)):
        if arg is None:
            try:
                arg = _toml(doc)
            except ValueError:  # a lone surrogate: not writable as UTF-8
                continue
        try:
            parse(arg, "fuzzed")
        except CurriculumError as exc:
            assert exc.problems
            assert exc.first_line.startswith("fuzzed: ")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), max_size=4), min_size=1, max_size=12))
def test_cycles_are_found_per_strongly_connected_component(edges):
    """Tarjan's components equal the brute-force ones (mutual reachability), and the cycle
    shown for each is a real one through its first milestone."""
    from tracker.curriculum.loader import _cycle_through, _tangles
    from tracker.curriculum.model import Milestone

    n = len(edges)
    ms = [Milestone(f"m{i}", "s", "l", "t", requires=tuple(f"m{j}" for j in reqs))
          for i, reqs in enumerate(edges)]  # ids >= n are unknown: ignored
    graph, tangles = _tangles(ms)

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in graph[todo.pop()]:
                if nxt in graph and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reaches = {m: reach(m) for m in graph}
    expected = {frozenset([a] + [b for b in graph if b in reaches[a] and a in reaches[b]])
                for a in graph}
    assert {frozenset(t) for t in tangles} == {c for c in expected if len(c) > 1}
    for t in tangles:
        assert t == sorted(t, key=lambda x: int(x[1:]))  # file order
        cycle = _cycle_through(graph, t)
        assert cycle[0] == t[0] and len(set(cycle)) == len(cycle) <= n
        assert all(b in graph[a] for a, b in zip(cycle, cycle[1:] + cycle[:1]))
