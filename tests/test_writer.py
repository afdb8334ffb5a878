"""generate/writer.py: an interrupted build (an exception after N files, or a
real SIGKILL of `kepu build` at several moments) never blocks the next one,
while a hand-written file in the generated area still stops the build; the
build streams (each file is written when it is made, its content not kept)."""
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

from kepu.core import writer
from kepu.core.writer import MANIFEST, ConflictError, Output, write


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


@pytest.mark.parametrize("after", [0, 1, 5, 12, 13, 14])
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
        write(output(2), docs)  # replacements: 14 files, then the final manifest
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
from kepu.core import writer
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
out = output(int(sys.argv[3]), pages=int(sys.argv[4]))
if sys.argv[5] == "stream":
    stream = writer.Output(docs=Path(sys.argv[1]))
    for rel, data in out.files.items():
        stream.add(rel, data)
    stream.finish()
else:
    writer.write(out, Path(sys.argv[1]))
"""


def _env() -> dict:
    env = dict(os.environ)
    here = Path(__file__).resolve().parent
    env["PYTHONPATH"] = os.pathsep.join([str(here), str(here.parent / "scripts"), env.get("PYTHONPATH", "")])
    return env


@pytest.mark.parametrize("mode", ["memory", "stream"])
@pytest.mark.parametrize("after", [0, 1, 7, 13, 14])
def test_sigkill_inside_the_writer_then_next_build_succeeds(tmp_path, after, mode):
    docs = tmp_path / "docs"
    write(output(1), docs)
    r = subprocess.run([sys.executable, "-c", KILL_AFTER, str(docs), str(after), "2", "12", mode], env=_env())
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


# ---- streaming: what `kepu build` does (Output(docs=...))

def stream(out: Output, docs: Path) -> Output:
    streamed = Output(docs=docs)
    for rel, data in out.files.items():
        streamed.add(rel, data)
    return streamed


def test_streamed_output_writes_each_file_when_it_is_made_and_keeps_only_its_hash(tmp_path):
    docs = tmp_path / "docs"
    out = Output(docs=docs)
    out.page("2026/01/index.md", "# 一月\n")
    page = docs / "2026" / "01" / "index.md"
    assert page.read_bytes().endswith("# 一月\n".encode())  # on disk before finish()
    page.write_bytes(b"changed behind its back")
    assert out.files["2026/01/index.md"] == b"changed behind its back"  # read back from disk: not kept
    assert "2026/01/index.md" in out.files and len(out.files) == 1
    with pytest.raises(ValueError):
        out.page("2026/01/index.md", "# 不一样\n")  # two generators, two contents


def test_streamed_build_holds_no_file_contents_in_memory(tmp_path):
    """40 files of 1 MB: streamed, Python's memory never holds more than a few of them."""
    import tracemalloc

    docs = tmp_path / "docs"
    tracemalloc.start()
    try:
        out = Output(docs=docs)
        for n in range(40):
            out.text(f"archive/{n:02d}.txt", f"{n:02d}" * 500_000)
        report = out.finish()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(report.written) == 40 and (docs / "archive" / "39.txt").stat().st_size == 1_000_000
    assert peak < 8_000_000, peak  # in memory it would be over 40 MB
    memory = Output()
    for n in range(3):
        memory.text(f"archive/{n:02d}.txt", f"{n:02d}" * 500_000)
    assert sum(len(v) for v in memory.files.values()) == 3_000_000  # the in-memory Output does keep them


def test_streamed_build_is_the_same_as_write_and_removes_stale_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for version in (1, 2, 2, 3, 1):
        report = stream(output(version), a).finish()
        assert report.removed == write(output(version), b).removed
        assert tree(a) == tree(b)
        assert_exactly(a, output(version))
        assert not (a / writer.JOURNAL).exists()
    assert report.written == ["2026/00/index.md", "2026/01/index.md", "2026/02/index.md", "2026/03/index.md",
                              "2026/04/index.md", "2026/05/index.md", "2026/06/index.md", "2026/07/index.md",
                              "2026/08/index.md", "2026/09/index.md", "2026/10/index.md", "2026/11/index.md",
                              "archive/old-only.md", "feed.xml"]
    again = stream(output(1), a).finish()
    assert again.written == [] and again.unchanged == 14


def test_streamed_build_stops_at_a_hand_written_file_and_never_changes_it(tmp_path):
    docs = tmp_path / "docs"
    stream(output(1), docs).finish()
    edited = docs / "2026" / "05" / "index.md"
    edited.write_text("我改过这一页\n", encoding="utf-8")
    with pytest.raises(ConflictError) as exc:
        stream(output(2), docs).finish()
    assert exc.value.args == ("2026/05/index.md",)
    assert edited.read_text(encoding="utf-8") == "我改过这一页\n"
    edited.unlink()  # the volunteer moves it away: the next build succeeds
    stream(output(2), docs).finish()
    assert_exactly(docs, output(2))


def test_a_journal_line_cut_short_by_a_kill_is_ignored(tmp_path):
    docs = tmp_path / "docs"
    write(output(1), docs)
    (docs / writer.JOURNAL).write_text("feed.xml\t" + "a" * 64 + "\n2026/03/index.md\tabc", encoding="utf-8")
    known = writer._read_manifest(docs / MANIFEST)
    assert "a" * 64 in known["feed.xml"] and len(known["feed.xml"]) == 2
    assert len(known["2026/03/index.md"]) == 1
    write(output(2), docs)
    assert_exactly(docs, output(2))
    assert not (docs / writer.JOURNAL).exists()
