"""generate/writer.py: an interrupted build (an exception after N files, or a
real SIGKILL of `kepu build` at several moments) never blocks the next one,
while a hand-written file in the generated area still stops the build."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kepu.generate import writer
from kepu.generate.writer import MANIFEST, ConflictError, Output, write


def output(version: int, pages: int = 12) -> Output:
    out = Output()
    for n in range(pages):
        out.page(f"2026/{n:02d}/index.md", f"# 第 {n} 页\n\n版本 {version}\n")
    if version == 1:
        out.text("archive/old-only.md", "只在第一版里\n")
    if version == 2:
        out.text("archive/new-only.md", "只在第二版里\n")
    out.text("feed.xml", f"<feed>{version}</feed>\n")
    return out


def tree(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def expected(out: Output) -> dict[str, bytes]:
    return {**out.files, MANIFEST: None}


def assert_exactly(docs: Path, out: Output, hand: dict[str, bytes] | None = None) -> None:
    files = tree(docs)
    manifest = json.loads(files.pop(MANIFEST))
    assert files == {**out.files, **(hand or {})}
    assert set(manifest) == set(out.files) and all(isinstance(v, str) for v in manifest.values())


class Boom(Exception):
    pass


@pytest.mark.parametrize("after", [0, 1, 5, 12, 14, 15])
def test_exception_after_n_files_then_next_build_succeeds(tmp_path, monkeypatch, after):
    docs = tmp_path / "docs"
    hand = {"about/index.md": b"# \xe5\x85\xb3\xe4\xba\x8e\n"}
    (docs / "about").mkdir(parents=True)
    (docs / "about" / "index.md").write_bytes(hand["about/index.md"])
    write(output(1), docs)
    calls = {"n": 0}
    real_replace = os.replace

    def failing_replace(src, dst):
        if calls["n"] == after:
            raise Boom(f"interrupted after {after} replacements")
        calls["n"] += 1
        real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", failing_replace)
    with pytest.raises(Boom):
        write(output(2), docs)  # replacements: journal, then 14 files, then the final manifest
    monkeypatch.setattr(writer.os, "replace", real_replace)
    write(output(3), docs)  # the volunteer changed something meanwhile: every page differs again
    assert_exactly(docs, output(3), hand)
    assert not list(docs.rglob("*.kepu-tmp"))
    write(output(1), docs)  # and back: old-only.md is back
    assert_exactly(docs, output(1), hand)


def test_exception_while_removing_stale_files(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    write(output(1), docs)

    def failing_unlink(self, missing_ok=False):
        if self.name == "old-only.md":
            raise Boom("interrupted while removing")
        return real_unlink(self, missing_ok=missing_ok)

    real_unlink = Path.unlink
    monkeypatch.setattr(Path, "unlink", failing_unlink)
    with pytest.raises(Boom):
        write(output(2), docs)
    monkeypatch.setattr(Path, "unlink", real_unlink)
    write(output(3), docs)
    assert_exactly(docs, output(3))


def test_hand_written_and_edited_files_still_stop_the_build(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    write(output(1), docs)
    (docs / "2026" / "03" / "index.md").write_text("我改过这一页\n", encoding="utf-8")
    with pytest.raises(ConflictError) as exc:
        write(output(2), docs)
    assert exc.value.args == ("2026/03/index.md",)
    assert (docs / "2026" / "03" / "index.md").read_text(encoding="utf-8") == "我改过这一页\n"
    (docs / "2026" / "03" / "index.md").write_bytes(output(1).files["2026/03/index.md"])

    # interrupted half-way, then a volunteer drops a page where a new one will go: still refused
    monkeypatch.setattr(writer.os, "replace", lambda *a: (_ for _ in ()).throw(Boom()))
    with pytest.raises(Boom):
        write(output(2), docs)
    monkeypatch.undo()
    hand = docs / "topics" / "index.md"
    hand.parent.mkdir(parents=True)
    hand.write_text("# 手写的专题页\n", encoding="utf-8")
    out = output(2)
    out.page("topics/index.md", "# 专题\n")
    with pytest.raises(ConflictError):
        write(out, docs)
    assert hand.read_text(encoding="utf-8") == "# 手写的专题页\n"
    hand.unlink()
    write(out, docs)
    assert_exactly(docs, out)


def test_manifest_of_an_older_kepu_is_still_understood(tmp_path):
    docs = tmp_path / "docs"
    write(output(1), docs)
    manifest = json.loads((docs / MANIFEST).read_text(encoding="utf-8"))
    assert all(isinstance(v, str) for v in manifest.values())  # one hash per file, as before
    write(output(2), docs)
    assert_exactly(docs, output(2))


# ---- real SIGKILLs of a separate process, at precise moments and at random times

KILL_AFTER = r"""
import os, signal, sys
from pathlib import Path
from kepu.generate import writer
from test_writer import output
n = int(sys.argv[2])
real = os.replace
count = [0]
def replace(src, dst):
    if count[0] == n:
        os.kill(os.getpid(), signal.SIGKILL)
    count[0] += 1
    real(src, dst)
writer.os.replace = replace
writer.write(output(int(sys.argv[3]), pages=int(sys.argv[4])), Path(sys.argv[1]))
"""


def _env() -> dict:
    env = dict(os.environ)
    here = Path(__file__).resolve().parent
    env["PYTHONPATH"] = os.pathsep.join([str(here), str(here.parent / "scripts"), env.get("PYTHONPATH", "")])
    return env


@pytest.mark.parametrize("after", [0, 1, 7, 14, 15])
def test_sigkill_inside_the_writer_then_next_build_succeeds(tmp_path, after):
    docs = tmp_path / "docs"
    write(output(1), docs)
    r = subprocess.run([sys.executable, "-c", KILL_AFTER, str(docs), str(after), "2", "12"], env=_env())
    assert r.returncode == -signal.SIGKILL
    write(output(3), docs)
    assert_exactly(docs, output(3))


def test_sigkill_of_kepu_build_at_several_moments(tmp_path):
    """`kepu build` of a real site killed at several moments while it writes
    docs/: the next build succeeds every time."""
    import shutil

    from conftest import EXAMPLE, GOOD_ACTIVITY, GOOD_ISSUE, MKDOCS_YML, REPO

    root = tmp_path / "site"
    (root / "bulletins" / "2026").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    shutil.copy(EXAMPLE / "bulletins" / "topics.yml", root / "bulletins" / "topics.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    issue = root / "bulletins" / "2026" / "2026-11.md"
    for n in range(1, 13):
        (root / "bulletins" / "2026" / f"2026-11-{n:02d}-talk.md").write_text(GOOD_ACTIVITY, encoding="utf-8")
    cmd = [sys.executable, "-m", "kepu", "build", "--root", str(root), "--today", "2026-11-29"]
    env = _env()
    t0 = time.perf_counter()  # one full build first: the kills land at fractions of its time, on any machine
    assert subprocess.run(cmd, env=env, capture_output=True).returncode == 0
    full = time.perf_counter() - t0
    kills = 0
    for k, delay in enumerate([full * f for f in (0.2, 0.4, 0.6, 0.8)]):
        issue.write_text(GOOD_ISSUE.replace("导语。", f"导语 {k}。"), encoding="utf-8")  # every page changes
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "导语 %d。" % k in (root / "docs" / "2026" / "11" / "index.md").read_text(encoding="utf-8")
    assert kills >= 2
    assert not list((root / "docs").rglob("*.kepu-tmp"))
    assert not list((root / "docs").rglob("*.tmp"))
