"""`kepu serve` as a volunteer meets it: how long it takes to start, and from a save until the
open page shows the change, for several kinds of edit (measured from outside: a real
`kepu serve` process, real file writes, HTTP requests as the browser makes them).

    from kepu.bench.serve_latency import measure
    lat = measure(site_root)          # a corpus site (kepu.bench.corpus), already built once or not
    lat.start_s, lat.median_s, lat.worst_s, lat.saves

or `python -m kepu.bench.serve_latency --years 10` (writes a corpus into a temporary folder).

Each edit is followed by requests for the page that must show it, every 50 ms, until it does:
"shown" is what a volunteer waits for (preview.js reloads the page as soon as the build is
published). The site search index is written just after a build is shown; `index_s` is when
search/meta.json changed too."""
from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

POLL = 0.05
TIMEOUT = 120.0


@dataclass
class Latency:
    start_s: float | None = None  # process started -> home page served (the first build shown)
    ready_s: float | None = None  # process started -> every page made (a deep link answered)
    saves: list[tuple[str, float]] = field(default_factory=list)  # (kind of edit, save -> shown seconds)
    index_s: list[float] = field(default_factory=list)  # save -> search index written
    added_s: float | None = None  # a new activity file -> its page shown
    cpu_s: list[float] = field(default_factory=list)  # CPU seconds of the serve process, save -> shown (Linux)
    start_cpu_s: float | None = None  # its CPU seconds until the home page was served (Linux)

    @property
    def median_s(self) -> float | None:
        return statistics.median(s for _, s in self.saves) if self.saves else None

    @property
    def worst_s(self) -> float | None:
        return max(s for _, s in self.saves) if self.saves else None

    def lines(self) -> list[str]:
        """Chinese report lines (bench tables, the performance note)."""
        out = [f"启动到首页显示：{_s(self.start_s)} 秒；全部页面生成完：{_s(self.ready_s)} 秒"]
        if self.saves:
            out.append(f"保存到页面显示（{len(self.saves)} 次不同的修改）：中位数 {_s(self.median_s)} 秒，最慢 {_s(self.worst_s)} 秒")
            out += [f"  {kind}：{_s(s)} 秒" for kind, s in self.saves]
        if self.cpu_s:
            out.append(f"其中预览进程用的 CPU：中位数 {_s(statistics.median(self.cpu_s))} 秒"
                       f"（启动 {_s(self.start_cpu_s)} 秒），机器忙时时间会比 CPU 长")
        if self.index_s:
            out.append(f"保存到搜索索引更新：中位数 {_s(statistics.median(self.index_s))} 秒")
        if self.added_s is not None:
            out.append(f"新增一个活动文件到它的页面显示：{_s(self.added_s)} 秒")
        return out


def _s(x: float | None) -> str:
    return "超时" if x is None else f"{x:.2f}"


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.read().decode("utf-8", "replace")
    except OSError:
        return None


def _cpu(pid: int) -> float | None:
    """utime + stime of a process, in seconds (Linux; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, AttributeError, IndexError):
        return None


def _wait(url: str, marker: str, since: float, timeout: float = TIMEOUT) -> float | None:
    while time.perf_counter() - since < timeout:
        text = _get(url)
        if text is not None and marker in text:
            return time.perf_counter() - since
        time.sleep(POLL)
    return None


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise RuntimeError(f"{path}: {old!r} not found")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _activity_url(path: Path) -> str:
    return f"{path.name[:4]}/{path.name[5:7]}/{path.name[8:10]}-{path.stem[11:]}/"


def measure(root: Path, *, today: str | None = None, add_file: bool = True, log=print) -> Latency:
    """Start `kepu serve` on the site `root` and make the edits; the files are changed in place."""
    from kepu.bench.corpus import TODAY

    root = Path(root).resolve()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bulletins = root / "bulletins"
    acts = sorted(p for p in bulletins.rglob("*.md") if re.match(r"\d{4}-\d{2}-\d{2}-", p.name))
    issues = sorted(p for p in bulletins.rglob("*.md") if re.fullmatch(r"\d{4}-\d{2}", p.stem))
    lat = Latency()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kepu", "serve", "--root", str(root), "--port", str(port),
                             "--today", today or TODAY.isoformat()], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        base = f"http://127.0.0.1:{port}/"
        while time.perf_counter() - t0 < 300:
            try:
                with urllib.request.urlopen(base, timeout=5) as resp:
                    if resp.status == 200:
                        base = resp.geturl()  # the site_url path, e.g. /kepu/
                        break
            except OSError:
                pass  # not listening yet, or 503 while the first build runs
            time.sleep(POLL)
        else:
            return lat
        lat.start_s = time.perf_counter() - t0
        lat.start_cpu_s = _cpu(proc.pid)
        deep = _activity_url(acts[0])
        if _get(base + deep) is not None:  # waits while the first build makes the other pages
            lat.ready_s = time.perf_counter() - t0
        log(f"  启动：首页 {_s(lat.start_s)} 秒，全部页面 {_s(lat.ready_s)} 秒")
        time.sleep(3.0)  # the search index of the first build, and the spare copy, while the volunteer reads

        n = [0]

        def mark() -> str:
            n[0] += 1
            return f"KEPUBENCH{n[0]}x{int(time.time())}"

        def body(path: Path) -> tuple[str, str]:
            m = mark()
            path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{m}\n", encoding="utf-8")
            return m, _activity_url(path) if path in acts else f"{path.stem[:4]}/{path.stem[5:7]}/"

        def title(path: Path) -> tuple[str, str]:
            m = mark()
            _replace(path, "title: ", f"title: {m}")
            return m, _activity_url(path) if path in acts else f"{path.stem[:4]}/{path.stem[5:7]}/"

        def topic() -> tuple[str, str]:
            m = mark()
            _replace(bulletins / "topics.yml", "description: ", f"description: {m}")
            tid = re.search(r"- id: (\S+)", (bulletins / "topics.yml").read_text(encoding="utf-8")).group(1)
            return m, f"topics/{tid}/"

        mid = len(acts) // 2
        edits = [
            ("改一场活动的正文", lambda: body(acts[mid])),
            ("改一场活动的标题", lambda: title(acts[mid + 7])),
            ("改本期月刊的正文", lambda: body(issues[-1])),
            ("改一期往期月刊的标题", lambda: title(issues[len(issues) // 3])),
            ("改专题表 topics.yml 的说明", topic),
            ("改另一场活动的正文", lambda: body(acts[mid // 2])),
        ]
        for kind, edit in edits:
            before = _get(base + "search/meta.json")
            since, cpu0 = time.perf_counter(), _cpu(proc.pid)
            marker, url = edit()
            shown = _wait(base + url, marker, since)
            if shown is None:
                log(f"  {kind}：超时")
                continue
            cpu1 = _cpu(proc.pid)
            lat.saves.append((kind, shown))
            if cpu0 is not None and cpu1 is not None:
                lat.cpu_s.append(cpu1 - cpu0)
            while time.perf_counter() - since < TIMEOUT:
                if _get(base + "search/meta.json") != before:
                    lat.index_s.append(time.perf_counter() - since)
                    break
                time.sleep(POLL)
            log(f"  {kind}：{shown:.2f} 秒")
            time.sleep(1.0)  # a volunteer looks at the page before the next save
        if add_file:
            new = acts[mid].with_name(acts[mid].name[:11] + "bench-added.md")
            m = mark()
            since = time.perf_counter()
            new.write_text(acts[mid].read_text(encoding="utf-8").replace("title: ", f"title: {m}", 1), encoding="utf-8")
            lat.added_s = _wait(base + _activity_url(new), m, since)
            log(f"  新增一个活动文件：{_s(lat.added_s)} 秒")
        return lat
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    import argparse

    from kepu.bench.corpus import CorpusSpec, write_corpus

    parser = argparse.ArgumentParser(description="预览（python3 tasks.py serve）的启动时间和保存后刷新时间")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--root", help="已有的站点（会被修改）；默认在临时文件夹里生成测试内容")
    args = parser.parse_args(argv)
    if args.root:
        lat = measure(Path(args.root))
    else:
        with tempfile.TemporaryDirectory(prefix="kepu-serve-bench-") as tmp:
            root = write_corpus(CorpusSpec(years=args.years, blog=False), Path(tmp))[0].kepu
            print(f"{args.years} 年的测试内容：{root}")
            lat = measure(root)
    print("\n".join(lat.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
