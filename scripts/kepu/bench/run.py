"""`kepu bench`: kepu against the Material blog plugin on the same corpus.

Every build runs in a fresh interpreter (kepu.bench.child), kepu and blog
alternating, so wall time and peak memory are per build. Sizes are
deterministic for a corpus seed; timings are noise on shared machines, so
only size budgets can fail the command (exit 1), timing budgets are reported.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

try:
    import resource  # CPU time of the measured builds (not on Windows: reported as 0)
except ImportError:  # pragma: no cover - Windows
    resource = None
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from kepu.bench.corpus import Community, CorpusSpec, write_corpus
from kepu.core.commands import command
from kepu.bench.child import PREFIX

KB = 1024
QUICK = CorpusSpec(years=2, acts_per_month=3)
FULL = CorpusSpec(years=10, acts_per_month=5)
CI_LIMIT_S = 600  # what we allow a CI job for the whole street office


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


# ---------------------------------------------------------------- builds

@dataclass
class Build:
    wall: float
    rss_mb: float
    phases: dict
    cpu: float = 0.0  # user + system CPU seconds of the child and its subprocesses (less noisy than wall on a shared machine)


def fresh(root: Path, *, caches: bool) -> None:
    """Take away what an earlier build of `root` left, as on the fresh CI machine that deploys:
    site/ and kepu's site.old and site.building (otherwise a measured build also deletes the last
    one: kepu in a background thread, MkDocs before it starts), and with `caches` the engine's and
    kepu's caches (a cold build; without: the deploy workflow's restored caches, a monthly update)."""
    for name in ("site", "site.old", "site.building", *((".cache", ".kepu-cache") if caches else ())):
        shutil.rmtree(root / name, ignore_errors=True)


def run_child(kind: str, roots: list[Path]) -> Build:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "kepu.bench.child", kind, *map(str, roots)],
                          capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime) if resource else 0.0
    line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith(PREFIX)), None)
    if proc.returncode or line is None:
        raise RuntimeError(f"{kind} build failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    data = json.loads(line[len(PREFIX):])
    return Build(wall, data.pop("rss_mb"), data, cpu)


def median_build(builds: list[Build]) -> Build:
    keys = {k for b in builds for k, v in b.phases.items() if isinstance(v, (int, float))}
    return Build(statistics.median(b.wall for b in builds), statistics.median(b.rss_mb for b in builds),
                 {k: statistics.median(b.phases.get(k, 0.0) for b in builds) for k in keys},
                 statistics.median(b.cpu for b in builds))


# ---------------------------------------------------------------- sizes

class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.refs.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.refs.append(a["src"])


@dataclass
class Weight:
    page: str
    html: int  # raw bytes
    html_gz: int
    assets_gz: int  # CSS + JS it loads, gzipped
    external: list[str] = field(default_factory=list)

    @property
    def total_gz(self) -> int:
        return self.html_gz + self.assets_gz


def page_weight(site: Path, rel: str | None) -> Weight | None:
    if not rel or not (site / rel).is_file():
        return None
    path = site / rel
    data = path.read_bytes()
    parser = _Refs()
    parser.feed(data.decode("utf-8", "replace"))
    assets, external = 0, []
    for ref in dict.fromkeys(parser.refs):
        if re.match(r"^([a-z]+:)?//", ref):
            external.append(ref)
            continue
        target = (path.parent / ref.split("#")[0].split("?")[0]).resolve()
        if target.is_file() and site.resolve() in target.parents:
            assets += gz(target.read_bytes())
    return Weight(rel, len(data), gz(data), assets, external)


@dataclass
class SiteStats:
    bytes: int
    pages: int
    html_bytes: int
    max_page: tuple[str, int]
    over_100k: list[tuple[str, int]]
    index_raw: int
    index_gz: int
    index_escapes: int  # \uXXXX escapes of CJK/U+200B
    index_markup: int  # entries with HTML tags in their text
    weights: dict[str, Weight | None]
    index_all_gz: int = 0  # every index file; index_raw/index_gz are what one search downloads
    search: "SearchCost | None" = None  # kepu's search: bytes per query (median, max, each query)

    @property
    def avg_page(self) -> float:
        return self.html_bytes / self.pages if self.pages else 0.0


def site_stats(site: Path, pages: dict[str, str | None]) -> SiteStats:
    total, html_total, count, biggest, over = 0, 0, 0, ("", 0), []
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        if path.suffix == ".html":
            rel = path.relative_to(site).as_posix()
            count += 1
            html_total += size
            if size > biggest[1]:
                biggest = (rel, size)
            if size > 100 * KB:
                over.append((rel, size))
    index = site / "search" / "search_index.json"  # Material's (the blog baseline): loaded on every page
    raw = index.read_bytes() if index.is_file() else b""
    text = raw.decode("utf-8")
    docs_text = text[text.find('"docs"'):]  # config.separator legitimately contains a regex "\\u200b"
    escapes = len(re.findall(r"(?<!\\)\\u(?:[34-9][0-9a-fA-F]{3}|200[bB])", docs_text))
    markup = 0
    if raw:
        markup = sum(1 for d in json.loads(raw).get("docs", []) if re.search(r"<[a-z/][^>]*>", d.get("text", "")))
    raw_n, gz_n, all_gz, cost = len(raw), (gz(raw) if raw else 0), (gz(raw) if raw else 0), None
    if (site / "search" / "meta.json").is_file():  # kepu's: nothing on page load, a few files per query
        cost = kepu_search_cost(site / "search")
        raw_n, gz_n, all_gz, escapes, markup = cost.median_raw, cost.median_gz, cost.all_gz, cost.escapes, cost.markup
    return SiteStats(total, count, html_total, biggest, sorted(over, key=lambda x: -x[1]), raw_n, gz_n,
                     escapes, markup, {k: page_weight(site, v) for k, v in pages.items()}, all_gz, cost)


@dataclass
class SearchCost:
    queries: list[tuple[str, int, int]]  # (query, raw bytes, gzip bytes) one search downloads
    all_gz: int  # every index file, each gzipped
    escapes: int
    markup: int

    @property
    def median_raw(self) -> int:
        return int(statistics.median(q[1] for q in self.queries)) if self.queries else 0

    @property
    def median_gz(self) -> int:
        return int(statistics.median(q[2] for q in self.queries)) if self.queries else 0

    @property
    def max_gz(self) -> tuple[str, int, int]:
        return max(self.queries, key=lambda q: (q[2], q[1])) if self.queries else ("", 0, 0)


def kepu_search_cost(folder: Path) -> SearchCost:
    """kepu's search: the bytes (raw, and gzip file by file as a server sends them) that the
    search page downloads for each query in a fresh browser (search_index.fetch_plan, tested
    against the real search.js) over sample_queries (>= 30 from the titles, plus the common
    words residents type); all index files (gzip); escapes and markup in the model's documents
    (hand-written guide pages may show tags such as <br> as text, on purpose)."""
    from kepu.views import search_index

    queries = []
    for q in search_index.sample_queries(folder):
        files = [(folder / f).read_bytes() for f in search_index.fetch_plan(folder, q)]
        queries.append((q, sum(len(b) for b in files), sum(gz(b) for b in files)))
    everything = sorted(folder.rglob("*.json"))
    docs = [p for p in everything if p.name.startswith("d")]
    texts = [p.read_text(encoding="utf-8") for p in docs]
    escapes = len(re.findall(r"(?<!\\)\\u(?:[34-9][0-9a-fA-F]{3}|200[bB])", "".join(texts)))
    model = [d for d in map(json.loads, texts) if d.get("k") not in (search_index.GUIDE, search_index.NOTE)]
    markup = sum(1 for d in model if re.search(r"<[a-z/][^>]*>", d.get("x", "")))
    return SearchCost(queries, sum(gz(p.read_bytes()) for p in everything), escapes, markup)


def search_budgets(ks: SiteStats, bs: SiteStats | None, years: int) -> list[Budget]:
    """kepu's search budgets (issue 12): bytes one query downloads, gzip. The per-query bytes do not
    grow with the corpus (a shard stays ~2 KB, a query fetches the 20 documents it shows), while
    the blog plugin's index grows with every post: below 10 years its index is scaled up to 10
    years (linear: it holds every post's text) for the "every query" budget."""
    c = ks.search
    if c is None:
        return []
    out = [Budget("一次搜索下载的索引（gzip，中位数）≤ 100 KB", f"{_kb(c.median_gz)}（{len(c.queries)} 个查询）",
                  "≤ 100 KB", c.median_gz <= 100 * KB, True)]
    if bs and bs.index_gz:
        q, _, most = c.max_gz
        blog10 = bs.index_gz * max(1.0, 10 / years)
        label = "博客插件整个索引" if years >= 10 else f"博客插件整个索引（按 10 年推算：{_kb(blog10)}）"
        out.append(Budget(f"每一次搜索下载的索引（gzip，最多）≤ {label}的 1/4", f"{_fmt_ratio(most, blog10)} 倍（「{q}」{_kb(most)}）",
                          "≤ 0.25", most <= blog10 / 4, True))
    return out


def search_rows(ks: SiteStats, bs: SiteStats | None, row) -> None:
    """kepu's search rows of the report table (see search_budgets)."""
    c = ks.search
    row("一次搜索下载的索引（原始，中位数）", _kb(ks.index_raw), _kb(bs.index_raw) if bs else "n/a",
        _fmt_ratio(ks.index_raw, bs.index_raw) if bs else "")
    row("一次搜索下载的索引（gzip，中位数）", _kb(ks.index_gz), _kb(bs.index_gz) if bs else "n/a",
        _fmt_ratio(ks.index_gz, bs.index_gz) if bs else "")
    if c:
        q, raw, most = c.max_gz
        row(f"一次搜索下载的索引（gzip，最多：「{q}」）", f"{_kb(most)}（原始 {_kb(raw)}）", _kb(bs.index_gz) if bs else "n/a",
            _fmt_ratio(most, bs.index_gz) if bs else "")
    row("搜索索引全部文件（gzip）", _kb(ks.index_all_gz), _kb(bs.index_gz) if bs else "n/a",
        _fmt_ratio(ks.index_all_gz, bs.index_gz) if bs else "")


def _largest(site: Path, pattern: str) -> str | None:
    found = sorted(site.glob(pattern), key=lambda p: (-p.stat().st_size, str(p)))
    return found[0].relative_to(site).as_posix() if found else None


def kepu_pages(site: Path) -> dict[str, str | None]:
    from kepu.bench.corpus import TODAY

    return {"首页": "index.html", "月刊": f"{TODAY.year}/{TODAY.month:02d}/index.html",
            "专题（最大的）": _largest(site, "topics/*/index.html"),
            "大屏": "screen/index.html" if (site / "screen" / "index.html").is_file() else None}


def blog_pages(site: Path) -> dict[str, str | None]:
    from kepu.bench.corpus import TODAY

    issue = next(iter(sorted(site.glob(f"blog/{TODAY.year}/{TODAY.month:02d}/{TODAY.year}-{TODAY.month:02d}/index.html"))), None)
    return {"首页": "blog/index.html", "月刊": issue.relative_to(site).as_posix() if issue else None,
            "专题（最大的）": _largest(site, "blog/category/*/index.html"), "大屏": None}


# ---------------------------------------------------------------- rebuild / serve

def touch_activity(root: Path, marker: str) -> Path:
    """Append a sentence to the body of a past activity (deterministic choice)."""
    files = sorted(p for p in (root / "bulletins").rglob("*.md") if re.match(r"\d{4}-\d{2}-\d{2}-", p.name))
    path = files[len(files) // 2]
    path.write_text(path.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    return path


def activity_url(path: Path) -> str:
    y, m, d = path.name[:4], path.name[5:7], path.name[8:10]
    return f"{y}/{m}/{d}-{path.stem[11:]}/"


@dataclass
class Preview:
    """`kepu serve` as a volunteer meets it: from a save until the open page shows the change."""
    median_s: float | None  # over the saves (None: timed out)
    worst_s: float | None
    start_s: float | None = None  # process started -> first page shown
    cpu_s: float | None = None  # median CPU seconds of the serve process per save (Linux)
    saves: int = 0


def preview_latency(root: Path, saves: int = 3) -> Preview:
    """The preview latency on the corpus site `root` (its files are changed): the serve
    benchmark's measurement (kepu.bench.serve_latency: several kinds of edit, from outside)
    when it is there, else `serve_latency` below (one kind of edit, `saves` times)."""
    try:
        from kepu.bench import serve_latency as outside
    except ImportError:
        outside = None
    if outside is not None and hasattr(outside, "measure"):
        lat = outside.measure(root, add_file=False, log=lambda m: None)
        return Preview(lat.median_s, lat.worst_s, lat.start_s, None, len(lat.saves))
    return serve_latency(root, saves=saves)


def serve_latency(root: Path, timeout: float = 60.0, saves: int = 3) -> Preview:
    """Wall seconds from saving a changed activity until `kepu serve` serves it (median and
    worst over `saves` saves after the first build), and the CPU seconds the serve process spent
    on it (Linux; None elsewhere): what a volunteer waits for while editing. None on a timeout."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from kepu.bench.corpus import TODAY

    t_start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kepu", "serve", "--root", str(root), "--port", str(port),
                             "--today", TODAY.isoformat()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})

    def cpu() -> float | None:
        try:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        except (OSError, ValueError, AttributeError):
            return None

    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(base, timeout=2) as resp:
                    base = resp.geturl()  # the preview redirects to the site_url path, e.g. /kepu/
                if resp.status == 200:
                    break
            except OSError:
                pass  # not listening yet, or 503 while the first build runs
            time.sleep(0.3)
        else:
            return Preview(None, None)
        started = time.perf_counter() - t_start
        walls, cpus = [], []
        for n in range(saves):
            time.sleep(1.0)
            marker = f"KEPUSERVE{n}x{int(time.time())}"
            c0, t0 = cpu(), time.perf_counter()
            path = touch_activity(root, marker)
            url = base.rstrip("/") + "/" + activity_url(path)
            while time.perf_counter() - t0 < timeout:
                try:
                    if marker in urllib.request.urlopen(url, timeout=5).read().decode("utf-8", "replace"):
                        break
                except OSError:
                    pass
                time.sleep(0.1)
            else:
                return Preview(None, None, started)
            walls.append(time.perf_counter() - t0)
            c1 = cpu()
            cpus.append(c1 - c0 if c0 is not None and c1 is not None else None)
        known = [c for c in cpus if c is not None]
        return Preview(statistics.median(walls), max(walls), started, statistics.median(known) if known else None,
                       len(walls))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


# ---------------------------------------------------------------- growth with the years

DEFAULT_YEARS = (1, 5, 10)


@dataclass
class YearRow:
    years: int
    items: int  # issues + activities
    build: Build  # a cold kepu build
    preview: Preview | None = None


def year_rows(years, acts_per_month: int, work: Path, *, seed: int, known: dict | None = None,
              preview: bool = True, log=print) -> list[YearRow]:
    """A cold build (and the preview latency) of a corpus of each size in `years`. `known`:
    years -> (items, Build, corpus root) already measured (the main corpus); its preview is
    measured on that root."""
    rows = []
    for y in sorted(set(years)):
        if known and y in known:
            items, bld, root = known[y]
        else:
            log(f"  {y} 年：冷启动生成 …")
            c = write_corpus(CorpusSpec(years=y, acts_per_month=acts_per_month, seed=seed, blog=False), work / f"y{y}")[0]
            items, root = c.issues + c.activities, c.kepu
            bld = run_child("kepu", [root])
        row = YearRow(y, items, bld)
        if preview:
            log(f"  {y} 年：预览（serve）保存到显示 …")
            row.preview = preview_latency(root)
        rows.append(row)
    return rows


def _slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares growth per added year of (years, value) points."""
    pts = [(x, v) for x, v in points if v is not None]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    mv = sum(v for _, v in pts) / len(pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (v - mv) for x, v in pts) / den if den else None


def growth(rows: list[YearRow]) -> dict[str, tuple[float | None, float | None]]:
    """name -> (growth per added year (least squares), linearity: the growth per year of the
    last interval ÷ that of the first (1.0 = a straight line; None with fewer than 3 sizes))."""
    series = {"wall": [(r.years, r.build.wall) for r in rows], "cpu": [(r.years, r.build.cpu) for r in rows],
              "rss_mb": [(r.years, r.build.rss_mb) for r in rows],
              "preview": [(r.years, r.preview.median_s if r.preview else None) for r in rows]}
    out = {}
    for name, pts in series.items():
        pts = [(x, v) for x, v in pts if v is not None]
        ratio = None
        if len(pts) >= 3:
            first = (pts[1][1] - pts[0][1]) / (pts[1][0] - pts[0][0])
            last = (pts[-1][1] - pts[-2][1]) / (pts[-1][0] - pts[-2][0])
            ratio = last / first if first > 0 else None
        out[name] = (_slope(pts), ratio)
    return out


def years_table(rows: list[YearRow]) -> list[str]:
    """The Markdown table of build time, CPU, memory and preview latency by corpus size, and
    the growth per added year."""
    def sec(x):  # preview latencies are around a second: two decimals
        return "超时" if x is None else f"{x:.2f} 秒"

    lines = ["| 年数 | 条目数 | 完整生成（墙钟） | CPU 时间 | 峰值内存 | 预览保存到显示（中位数 / 最慢） | 预览启动 |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        p = r.preview
        pv = f"{sec(p.median_s)} / {sec(p.worst_s)}（{p.saves} 次）" if p else "—（未测）"
        lines.append(f"| {r.years} 年 | {r.items} | {_s(r.build.wall)} 秒 | {_s(r.build.cpu)} 秒 | {r.build.rss_mb:.0f} MB "
                     f"| {pv} | {sec(p.start_s) if p else '—'} |")
    g = growth(rows)
    names = {"wall": ("完整生成", "秒"), "cpu": ("CPU 时间", "秒"), "rss_mb": ("峰值内存", "MB"),
             "preview": ("保存到显示", "秒")}
    parts = []
    for key, (label, unit) in names.items():
        slope, ratio = g[key]
        if slope is None:
            continue
        lin = f"，后段 ÷ 前段每年增量 {ratio:.2f}" if ratio is not None else ""
        parts.append(f"{label} {slope:+.2f} {unit}{lin}")
    if parts:
        lines += ["", "每多一年（最小二乘）：" + "；".join(parts) + "。后段 ÷ 前段 = 1 表示直线增长，小于 1 表示越往后每年增加得越少。"]
    return lines


# ---------------------------------------------------------------- the run

@dataclass
class Budget:
    line: str
    value: str
    limit: str
    ok: bool | None  # None: not measured in this mode
    size: bool  # deterministic size budget (may fail the command)
    known: str = ""  # documented reason a budget does not hold (docs/performance.md)


@dataclass
class Report:
    spec: CorpusSpec
    community: Community
    kepu: Build
    blog: Build | None
    kepu_stats: SiteStats
    blog_stats: SiteStats | None
    check_only: Build | None = None
    rebuild_written: list[str] = field(default_factory=list)
    rebuild_files: int = 0
    years: list[YearRow] = field(default_factory=list)  # growth with the years (build, memory, preview)
    multi: tuple[int, Build] | None = None
    kepu_warm: Build | None = None  # rebuild with kepu's caches (images, QR codes) warm
    blog_default: tuple[Build, SiteStats] | None = None
    budgets: list[Budget] = field(default_factory=list)


def bench(spec: CorpusSpec, *, rounds: int, work: Path, full: bool, log=print, years=None) -> Report:
    """`years`: corpus sizes for the growth table (default: DEFAULT_YEARS in full mode, none in quick)."""
    log(f"生成测试语料：{spec.years} 年，每月 {spec.acts_per_month} 场活动 …")
    com = write_corpus(spec, work / "main")[0]
    kb, bb = [], []
    for r in range(rounds):
        order = ("kepu", "blog") if r % 2 == 0 else ("blog", "kepu")
        for kind in order:
            log(f"  第 {r + 1}/{rounds} 轮：{'kepu' if kind == 'kepu' else 'Material 博客插件'} …")
            root = com.kepu if kind == "kepu" else com.blog
            fresh(root, caches=kind == "kepu")  # every measured kepu round is a cold build
            (kb if kind == "kepu" else bb).append(run_child(kind, [root]))
    rep = Report(spec, com, median_build(kb), median_build(bb),
                 site_stats(com.kepu / "site", kepu_pages(com.kepu / "site")),
                 site_stats(com.blog / "site", blog_pages(com.blog / "site")))
    fresh(com.kepu, caches=False)
    rep.kepu_warm = run_child("kepu", [com.kepu])  # caches from the last round: a monthly update
    rep.check_only = run_child("check", [com.kepu])
    run_child("regen", [com.kepu])  # settle: nothing to write
    touch_activity(com.kepu, "（补记：活动照片已上传。）")
    regen = run_child("regen", [com.kepu])
    rep.rebuild_written = list(regen.phases.get("written", []))
    manifest = com.kepu / "docs" / ".generated-manifest.json"
    rep.rebuild_files = len(json.loads(manifest.read_text(encoding="utf-8"))) if manifest.is_file() else 0
    years = DEFAULT_YEARS if years is None and full else (years or ())
    if years:
        rep.years = year_rows(years, spec.acts_per_month, work, seed=spec.seed, log=log,
                              known={spec.years: (com.issues + com.activities, rep.kepu, com.kepu)})
    if full:
        log("  5 个社区 × 10 年 …")
        cs = write_corpus(CorpusSpec(years=10, acts_per_month=spec.acts_per_month, communities=5, seed=spec.seed,
                                     blog=False), work / "multi")
        rep.multi = (len(cs), run_child("kepu", [c.kepu for c in cs]))
        log("  对照：博客插件不加 <!-- more --> …")
        d = write_corpus(CorpusSpec(**{**spec.__dict__, "blog_more": False}), work / "nomore")[0]
        b = run_child("blog", [d.blog])
        rep.blog_default = (b, site_stats(d.blog / "site", blog_pages(d.blog / "site")))
    rep.budgets = budgets(rep)
    return rep


def _fmt_ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


TIME_RATIO, MEMORY_RATIO, OURS_SHARE = 0.35, 0.50, 0.25  # issues 13 and 26


def speed_budgets(k: Build, b: Build) -> list[Budget]:
    """Whole cold build (a fresh interpreter: check, generate, MkDocs, search index, exit;
    subprocesses' memory included) against the blog plugin, in the same run."""
    return [Budget(f"完整生成时间 ≤ 博客插件的 {TIME_RATIO}", f"{_fmt_ratio(k.wall, b.wall)} 倍", f"≤ {TIME_RATIO}",
                   k.wall <= b.wall * TIME_RATIO, False, "MkDocs 逐页渲染占大半，见性能说明"),
            Budget(f"峰值内存 ≤ 博客插件的 {MEMORY_RATIO}", f"{_fmt_ratio(k.rss_mb, b.rss_mb)} 倍", f"≤ {MEMORY_RATIO}",
                   k.rss_mb <= b.rss_mb * MEMORY_RATIO, False, "Python、MkDocs 和内容模型的基础占用，见性能说明")]


def ours_share(k: Build) -> float | None:
    """Checking + generating as a share of the whole build (wall time of the child)."""
    ours = k.phases.get("check", 0) + k.phases.get("generate", 0)
    return ours / k.wall if k.wall else None


def share_budget(k: Build) -> Budget:
    share = ours_share(k)
    return Budget(f"检查 + 生成 ≤ 整个生成的 {OURS_SHARE:.0%}", f"{share:.0%}" if share is not None else "n/a",
                  f"≤ {OURS_SHARE:.0%}", share <= OURS_SHARE if share is not None else None, False,
                  "读取 YAML、逐页生成和打印页，见性能说明")


def budgets_growth(rep: Report) -> list[Budget]:
    """Close to linear: the build's CPU time (steadier than wall time on a shared machine) added
    per year in the last interval of sizes ÷ in the first."""
    if len(rep.years) < 3:
        return []
    ratio = growth(rep.years)["cpu"][1]
    if ratio is None:
        return []
    y = [r.years for r in rep.years]
    return [Budget(f"线性增长：第 {y[-2]}–{y[-1]} 年每年增加的生成 CPU 时间 ÷ 第 {y[0]}–{y[1]} 年", f"{ratio:.2f} 倍",
                   "≤ 1.25", ratio <= 1.25, False)]


def budgets(rep: Report) -> list[Budget]:
    k, b, ks, bs = rep.kepu, rep.blog, rep.kepu_stats, rep.blog_stats
    out = []
    if b:
        out += speed_budgets(k, b)
    out.append(share_budget(k))
    if rep.check_only:
        out.append(Budget("kepu check 单独运行（保存时检查）", f"{rep.check_only.wall:.1f} 秒", "≤ 2 秒",
                          rep.check_only.wall <= 2.0, False))
    out += budgets_growth(rep)
    if rep.multi:
        n, bld = rep.multi
        out.append(Budget(f"{n} 个社区 × 10 年：时间 / 内存", f"{bld.wall:.0f} 秒 / {bld.rss_mb:.0f} MB",
                          f"≤ {CI_LIMIT_S} 秒 / 2048 MB", bld.wall <= CI_LIMIT_S and bld.rss_mb <= 2048, False))
    out += search_budgets(ks, bs, rep.spec.years)
    out.append(Budget("搜索索引没有 \\uXXXX 转义、没有 HTML 标记", f"{ks.index_escapes} 个转义 / {ks.index_markup} 条带标记",
                      "0 / 0", ks.index_escapes == 0 and ks.index_markup == 0, True))
    for name, limit in (("首页", 250), ("大屏", 150)):
        w = ks.weights.get(name)
        out.append(Budget(f"{name}传输量（gzip，不含照片）", f"{w.total_gz / KB:.0f} KB" if w else "n/a（还没有这个页面）",
                          f"≤ {limit} KB", (w.total_gz <= limit * KB) if w else None, True))
    out.append(Budget("没有超过 100 KB 的 HTML 页面", f"最大 {ks.max_page[1] / KB:.0f} KB（{ks.max_page[0]}）",
                      "≤ 100 KB", not ks.over_100k, True))
    ext = sorted({e for w in ks.weights.values() if w for e in w.external})
    out.append(Budget("页面不加载其他网站的文件", "、".join(ext) or "无", "无", not ext, True))
    if rep.rebuild_files:
        n = len(rep.rebuild_written)
        out.append(Budget("改一场活动只重新生成相关文件", f"{n} / {rep.rebuild_files} 个文件",
                          "只有依赖它的文件", 0 < n <= max(5, rep.rebuild_files // 50), True))
    shown = next((r.preview for r in rep.years if r.years == rep.spec.years and r.preview), None)
    if shown is not None:
        out.append(Budget(f"预览保存到显示（serve，{rep.spec.years} 年，中位数）",
                          f"{shown.median_s:.1f} 秒" if shown.median_s is not None else "超时",
                          "≤ 1 秒", shown.median_s is not None and shown.median_s <= 1.0, False,
                          "见性能说明"))
    return out


# ---------------------------------------------------------------- output

def _s(x: float) -> str:
    return f"{x:.1f}"


def _kb(n: int | float) -> str:
    return f"{n / KB:,.0f} KB" if n < 10 * KB * KB else f"{n / KB / KB:,.1f} MB"


def render(rep: Report) -> str:
    k, b, ks, bs = rep.kepu, rep.blog, rep.kepu_stats, rep.blog_stats
    c, spec = rep.community, rep.spec
    lines = [f"语料：{spec.years} 年 × 每月 {spec.acts_per_month} 场活动 × {spec.communities} 个社区，"
             f"{c.issues} 期月刊、{c.activities} 场活动，正文约 {c.chars / 10000:.0f} 万字（种子 {spec.seed}）。",
             "", "| 项目 | kepu | Material 博客插件 | kepu ÷ 博客 |", "|---|---|---|---|"]

    def row(name, a, bv, ratio=""):
        lines.append(f"| {name} | {a} | {bv} | {ratio} |")

    ph = k.phases
    shown = next((r.preview for r in rep.years if r.years == spec.years and r.preview), None)
    row("完整生成（墙钟时间）", f"{_s(k.wall)} 秒", f"{_s(b.wall)} 秒" if b else "n/a", _fmt_ratio(k.wall, b.wall) if b else "")
    if rep.kepu_warm:
        w = rep.kepu_warm
        row("　缓存命中时的重建（如每月更新一次）", f"{_s(w.wall)} 秒", "—", _fmt_ratio(w.wall, b.wall) if b else "")
    row("　其中 检查", f"{_s(ph.get('check', 0))} 秒", "—")
    row("　其中 生成页面", f"{_s(ph.get('generate', 0))} 秒", "—")
    row("　其中 MkDocs", f"{_s(ph.get('mkdocs', 0))} 秒", f"{_s(b.phases.get('mkdocs', 0))} 秒" if b else "n/a")
    row("　其中 把 kepu 的 HTML 放回页面（引擎之后）", f"{_s(ph.get('unwrap', 0))} 秒", "—")
    row("　其中 写搜索索引", f"{_s(ph.get('search_index', 0))} 秒", "—")
    row("CPU 时间（用户 + 系统，含子进程；共用机器上比墙钟可靠）", f"{_s(k.cpu)} 秒", f"{_s(b.cpu)} 秒" if b else "n/a",
        _fmt_ratio(k.cpu, b.cpu) if b else "")
    row("峰值内存", f"{k.rss_mb:.0f} MB", f"{b.rss_mb:.0f} MB" if b else "n/a", _fmt_ratio(k.rss_mb, b.rss_mb) if b else "")
    row("site/ 大小", _kb(ks.bytes), _kb(bs.bytes) if bs else "n/a", _fmt_ratio(ks.bytes, bs.bytes) if bs else "")
    row("页面数", str(ks.pages), str(bs.pages) if bs else "n/a")
    row("平均页面大小（HTML）", _kb(ks.avg_page), _kb(bs.avg_page) if bs else "n/a",
        _fmt_ratio(ks.avg_page, bs.avg_page) if bs else "")
    row("最大页面（HTML）", f"{_kb(ks.max_page[1])} `{ks.max_page[0]}`",
        f"{_kb(bs.max_page[1])} `{bs.max_page[0]}`" if bs else "n/a")
    row("打开页面时下载的搜索索引（gzip）", "0 KB", _kb(bs.index_gz) if bs else "n/a")
    search_rows(ks, bs, row)
    for name in ks.weights:
        w, v = ks.weights[name], (bs.weights.get(name) if bs else None)
        row(f"{name}传输量（HTML+CSS+JS，gzip）", f"{_kb(w.total_gz)}（HTML {_kb(w.html_gz)}）" if w else "n/a",
            f"{_kb(v.total_gz)}（HTML {_kb(v.html_gz)}）" if v else "n/a",
            _fmt_ratio(w.total_gz, v.total_gz) if w and v else "")
    if rep.check_only:
        row("kepu check 单独运行", f"{_s(rep.check_only.wall)} 秒", "—")
    if rep.rebuild_files:
        row("改一场活动后重新写入的文件", f"{len(rep.rebuild_written)} / {rep.rebuild_files}", "—")
    if shown is not None:
        cpu = f"，CPU {_s(shown.cpu_s)} 秒" if shown.cpu_s is not None else ""
        row("预览保存到显示（serve，中位数 / 最慢）",
            f"{_s(shown.median_s)} / {_s(shown.worst_s)} 秒{cpu}" if shown.median_s is not None else "超时", "—")
    if rep.blog_default:
        bd, bds = rep.blog_default
        lines += ["", "对照：博客插件文章里不加 `<!-- more -->`（插件默认把整篇文章放进列表页）："
                  f"生成 {_s(bd.wall)} 秒，峰值内存 {bd.rss_mb:.0f} MB，搜索索引 {_kb(bds.index_raw)}（gzip {_kb(bds.index_gz)}），"
                  f"site/ {_kb(bds.bytes)}，最大页面 {_kb(bds.max_page[1])}。"]
    if rep.years:
        lines += ["", "随年数增长（kepu，每种规模一次冷启动生成，另测预览 serve 的保存到显示）：", ""] + years_table(rep.years)
    if rep.multi:
        n, bld = rep.multi
        lines += ["", f"{n} 个社区 × 10 年（一个进程里依次生成）：{_s(bld.wall)} 秒，峰值内存 {bld.rss_mb:.0f} MB。"]
    if ks.over_100k:
        lines += ["", "超过 100 KB 的页面：" + "、".join(f"`{p}` {_kb(s)}" for p, s in ks.over_100k[:10])]
    lines += ["", "| 预算 | 实测 | 要求 | 结果 |", "|---|---|---|---|"]
    for bud in rep.budgets:
        res = "—（本模式未测）" if bud.ok is None else ("达标" if bud.ok else ("未达标" + (f"：{bud.known}" if bud.known else "")))
        lines.append(f"| {bud.line}{'' if bud.size else '（时间，只报告）'} | {bud.value} | {bud.limit} | {res} |")
    return "\n".join(lines) + "\n"


def failed_size_budgets(rep: Report) -> list[Budget]:
    return [b for b in rep.budgets if b.size and b.ok is False and not b.known]


# ---------------------------------------------------------------- engines (MkDocs and Zensical)

def engines(spec: CorpusSpec, work: Path, *, rounds: int, log=print) -> str:
    """kepu build of one corpus with each engine, cold (no caches), alternating; a Markdown table
    of wall time, the engine's share and peak memory (kepu's process plus the engine's subprocess)."""
    com = write_corpus(CorpusSpec(**{**spec.__dict__, "blog": False}), work / "engines")[0]
    runs: dict[str, list[Build]] = {"kepu": [], "zensical": []}
    for r in range(rounds):
        for kind in (("kepu", "zensical") if r % 2 == 0 else ("zensical", "kepu")):
            log(f"  引擎对比 第 {r + 1}/{rounds} 轮：{'MkDocs' if kind == 'kepu' else 'Zensical'} …")
            fresh(com.kepu, caches=True)
            runs[kind].append(run_child(kind, [com.kepu]))
    lines = [f"引擎对比（同一份语料：{com.issues} 期月刊、{com.activities} 场活动，冷启动，{rounds} 轮取中位数）：", "",
             "| 引擎 | 完整生成（墙钟时间） | 其中引擎 | 峰值内存（含引擎子进程） |", "|---|---|---|---|"]
    for kind, name in (("kepu", "MkDocs + Material"), ("zensical", "Zensical")):
        b = median_build(runs[kind])
        lines.append(f"| {name} | {_s(b.wall)} 秒 | {_s(b.phases.get('mkdocs', 0))} 秒 | {b.rss_mb:.0f} MB |")
    return "\n".join(lines) + "\n"


def main(*, quick: bool, out: str | None = None, keep: str | None = None, engine: str = "mkdocs",
         years: tuple[int, ...] | None = None) -> int:
    spec = QUICK if quick else FULL
    if engine != "mkdocs":
        from kepu import engine as engines_mod

        if not engines_mod.available("zensical"):
            print(f"kepu bench: 错误: {engines_mod.missing_message('zensical')}", file=sys.stderr)
            return 2
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="kepu-bench-"))
    if keep:
        shutil.rmtree(work, ignore_errors=True)
    t0 = time.perf_counter()
    engine_table = ""
    try:
        rep = bench(spec, rounds=1 if quick else 3, work=work, full=not quick, years=years,
                    log=lambda m: print(m, file=sys.stderr, flush=True))
        if engine != "mkdocs":  # --engine zensical / both: the same corpus with each engine
            engine_table = engines(spec, work, rounds=1 if quick else 3, log=lambda m: print(m, file=sys.stderr, flush=True))
    except RuntimeError as exc:
        print(f"kepu bench: 错误: 测试用的网站没有生成成功 — 先运行 {command('build')} 确认项目本身能生成。详细信息：\n{exc}",
              file=sys.stderr)
        return 2
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    text = render(rep) + ("\n" + engine_table if engine_table else "")
    text += f"\n（{'快速模式' if quick else '完整模式'}，本次测试共用 {time.perf_counter() - t0:.0f} 秒；时间是噪声，看比值。）\n"
    print(text)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        print(f"结果已写入 {out}")
    bad = failed_size_budgets(rep)
    for bud in bad:
        print(f"kepu bench: 错误: 超出预算「{bud.line}」：实测 {bud.value}，要求 {bud.limit}", file=sys.stderr)
    return 1 if bad else 0
