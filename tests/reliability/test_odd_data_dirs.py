"""Issue 10, item 4 (review §5): a data folder whose name looks like part of a URL (``?``,
``%XX``, ``#``, a ``file:`` prefix) or holds a space or non-ASCII letters is used as the
plain folder name it is. Writes used to go through ``f"sqlite:///{path}"``, which SQLAlchemy
parses: ``a?mode=ro`` wrote (and migrated the schema into) a file ``a`` beside it, and
``%3F`` was decoded. Now every command works, and nothing outside the folder is touched."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from tracker.cli import main

NAMES = ["a?mode=ro", "b%3Fc", "p%41ct", "c#d", "sp ace é", "semi;colon", "quote'd",
         "x?mode=memory&cache=shared"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest()
                                         if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}


def exercise(capsys, data: str) -> None:
    """Write (first open runs the migrations), read, back up, export, restore a backup."""
    g = ["--data-dir", data]
    code, _o, err = run(capsys, *g, "tick", "python.venv")
    assert code == 0, (data, err)
    code, out, err = run(capsys, *g, "milestones", "--json", "--state", "done")
    assert code == 0, (data, err)
    assert [m["id"] for m in json.loads(out)["milestones"]] == ["python.venv"]
    code, out, err = run(capsys, *g, "backup")
    assert code == 0, (data, err)
    name = out.strip()
    code, _o, err = run(capsys, *g, "tick", "python.packaging")
    assert code == 0, (data, err)
    code, _o, err = run(capsys, *g, "restore-backup", name, "--yes")
    assert code == 0, (data, err)
    code, out, err = run(capsys, *g, "milestones", "--json", "--state", "done")
    assert [m["id"] for m in json.loads(out)["milestones"]] == ["python.venv"], data
    assert err == ""


@pytest.mark.parametrize("name", NAMES)
def test_a_data_folder_with_url_characters_is_a_plain_folder(tmp_path, capsys, name):
    parent = tmp_path / "weird"
    parent.mkdir()
    folder = parent / name
    exercise(capsys, str(folder))
    # Nothing beside the folder (no stray database named after the part before "?").
    assert [p.name for p in parent.iterdir()] == [name]
    con = sqlite3.connect(f"{(folder / 'tracker.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        assert con.execute("SELECT state FROM progress WHERE milestone_id='python.venv'"
                           ).fetchone() == ("done",)
    finally:
        con.close()


def test_an_unrelated_sqlite_file_at_the_prefix_is_never_touched(tmp_path, capsys):
    notes = tmp_path / "notes.db"
    con = sqlite3.connect(notes)
    con.execute("CREATE TABLE notes(t TEXT)")
    con.execute("INSERT INTO notes VALUES ('x')")
    con.commit()
    con.close()
    before = tree(tmp_path)
    folder = tmp_path / "notes.db?x=1"
    code, _o, err = run(capsys, "--data-dir", str(folder), "status")
    assert code == 0, err
    after = tree(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("notes.db?x=1")} == before
    con = sqlite3.connect(notes)
    try:
        assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["notes"]
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        con.close()


def test_a_relative_data_folder_starting_with_file_colon(tmp_path, capsys, monkeypatch):
    """SQLite reads a relative name starting with ``file:`` as a URI; the data folder is
    made absolute in one place (paths.data_dir), so no database path ever starts so."""
    monkeypatch.chdir(tmp_path)
    exercise(capsys, "file:y?mode=ro")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file:y?mode=ro"]
    assert (tmp_path / "file:y?mode=ro" / "tracker.sqlite3").is_file()
