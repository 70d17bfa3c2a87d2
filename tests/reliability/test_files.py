"""Files that leave the app: on a really full disk an export or a report fails with one clear
line, the previous file stays whole, no temp file is left and the database is unchanged;
and reports never load a remote or local resource named by the data (deny by default)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.reliability.conftest import integrity
from tests.reliability.test_disk_full import fill, tiny_disk  # noqa: F401 - fixture

HOSTILE = ['<img src="http://evil.example/pixel.png">', "<script>alert(1)</script>",
           "url(http://evil.example/x.css)", '"><link rel=stylesheet href=//evil.example/a>',
           "file:///etc/passwd", "javascript:alert(1)", "@import 'http://evil.example/i.css';"]


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MLOPS_TRACKER_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "tracker", "--data-dir", str(folder), *args],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("what", ["export", "report"])
def test_export_and_report_on_a_full_disk(tiny_disk: Path, what: str):  # noqa: F811
    folder = tiny_disk / "data"
    assert cli(folder, "tick", "python.venv").returncode == 0
    out = tiny_disk / ("me.mlops-progress.json" if what == "export" else "report.html")
    args = ["export", "-o", str(out)] if what == "export" else \
        ["report", "--self", "-o", str(out)]
    first = cli(folder, *args)
    assert first.returncode == 0, first.stderr
    previous = out.read_bytes()
    assert cli(folder, "tick", "python.packaging").returncode == 0
    # An open connection keeps SQLite's -shm file in place, so the command can still open
    # the database on a disk with not one byte free.
    keeper = sqlite3.connect(folder / "tracker.sqlite3")
    keeper.execute("SELECT count(*) FROM meta").fetchall()
    try:
        filler = fill(tiny_disk)
        r = cli(folder, *args)
        filler.unlink()
    finally:
        keeper.close()
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "space" in lines[0].lower() or "full" in lines[0].lower()
    assert "Traceback" not in r.stderr
    print(f"\n{what} on a full disk: exit {r.returncode}: {lines[0]}")
    assert out.read_bytes() == previous                      # the previous file is whole
    assert sorted(p.name for p in tiny_disk.iterdir()) == sorted(["data", out.name])
    assert integrity(folder / "tracker.sqlite3") == ["ok"]
    assert cli(folder, *args).returncode == 0                 # and works again with room


class Resources(HTMLParser):
    LOADING_TAGS = {"script", "img", "link", "iframe", "frame", "object", "embed", "video",
                    "audio", "source", "track", "base", "form", "input", "picture", "svg:image",
                    "image", "use", "applet", "portal"}
    LOADING_ATTRS = {"src", "srcset", "poster", "data", "action", "formaction", "background",
                     "xlink:href", "codebase", "archive", "ping", "manifest"}

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.csp = ""
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in self.LOADING_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name in self.LOADING_ATTRS:
                self.problems.append(f"{tag} {name}={value!r}")
            if name == "style" and value:
                self.styles.append(value)
            if name == "href" and tag != "a":
                self.problems.append(f"{tag} href={value!r}")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("meta refresh")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content") or ""
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def test_reports_never_load_remote_or_local_resources(filled):
    if not (ROOT / "tracker" / "reports" / "html.py").exists():
        pytest.skip("no HTML report yet")
    from tracker.db.types import CertificationInput
    from tracker.exchange.progress import (build_progress_document, dumps_document,
                                           read_progress_bytes)
    from tracker.reports.data import report_data
    from tracker.reports.html import render_html

    filled.set_profile(name="Zoë url(http://evil.example/x.css) file:///etc/passwd")
    for i, text in enumerate(HOSTILE):
        filled.set_note(["python.venv", "python.packaging", "docker.build"][i % 3], text)
        filled.add_evidence("python.venv", f"https://evil.example/{i}.png")
        filled.add_study_session(10, day="2025-03-02", note=text)
    filled.add_certification(CertificationInput(
        name=HOSTILE[0][:100], issuer=HOSTILE[1], earned="2025-01-01",
        url="https://evil.example/badge.png"))
    doc = build_progress_document(filled.snapshot(with_history=False))
    html = render_html(report_data(read_progress_bytes(dumps_document(doc), "test")))
    parser = Resources()
    parser.feed(html)
    assert parser.problems == []
    assert "default-src 'none'" in parser.csp
    for css in parser.styles:
        low = css.lower()
        assert "@import" not in low
        assert "url(" not in low.replace("url(data:", ""), css[:200]
    assert "<script>" not in html and "evil.example/pixel" not in html.split("</head>")[0]
    shutil.rmtree(filled.folder / "backups", ignore_errors=True)
