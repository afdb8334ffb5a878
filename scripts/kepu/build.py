"""`kepu build`: check -> generate -> the site engine (MkDocs by default, or Zensical) in strict mode.

A broken site is never produced: nothing is generated when the check has
errors, and the engine builds into a temporary folder inside the site root
that replaces site/ only when the whole build succeeded."""
from __future__ import annotations

import gc
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kepu import engine, github
from kepu.checks import load_and_check
from kepu.content import notices
from kepu.content.loader import LoadResult
from kepu.content.model import Site
from kepu.core import memo
from kepu.core.commands import command
from kepu.core.writer import ConflictError, Output, WriteReport
from kepu.media import qr
from kepu.media.publish import Media
from kepu.views import admin, calendar_ics, feeds, printing, screen, share, stats
from kepu.views import depends
from kepu.views.pages import activities_index, activity_pages, archive, home, issue_pages, search_page, topic_pages

# Every view of the model, in pipeline order. Each: generate(site, out, media) -> None.
GENERATORS = [
    home, issue_pages, activity_pages, archive, topic_pages, activities_index,
    feeds, calendar_ics, stats,
    search_page,  # /search/?q=…
    printing,  # print posters and activity records
    share,  # the link-preview card of pages without a photo
    screen,  # /screen/ and version.json (keep last: version.json hashes all generated files)
]


@dataclass
class Timings:
    check: float = 0.0
    generate: float = 0.0
    mkdocs: float = 0.0  # the site engine's time (MkDocs or Zensical)
    extra: dict = field(default_factory=dict)


def generate_all(site: Site, out: Output | None = None) -> Output:
    out = out if out is not None else Output()
    media = Media(out)
    for gen in GENERATORS:
        gen.generate(site, out, media)
    return out


def print_problems(problems, out=None) -> None:
    out = out or sys.stdout
    for problem in problems.sorted():
        print(problem.format(), file=out)
    errors, warnings = len(problems.errors), len(problems.warnings)
    if errors or warnings:
        print(f"\n共 {errors} 个错误，{warnings} 个警告。", file=out)
    github.report_problems(problems)  # annotations and job summary, only on GitHub Actions


def regenerate(root: Path, *, today: date | None = None, strict: bool = False,
               timings: Timings | None = None, cache: dict | None = None,
               tracker=None) -> tuple[LoadResult, WriteReport | None]:
    """Check and, only if it passes, write the generated area of docs/. `cache`: see load_site;
    `tracker` (kepu.views.depends.Tracker): keep the files a save did not touch (both kepu serve)."""
    timings = timings or Timings()
    t0 = time.perf_counter()
    result = load_and_check(root, today=today, cache=cache)
    timings.check = time.perf_counter() - t0
    print_problems(result.problems)
    if result.problems.errors or (strict and result.problems.warnings):
        return result, None
    t0 = time.perf_counter()
    qr_cache = engine.cache_dir(root) / "qr.json"
    qr.load_cache(qr_cache)
    try:  # streamed: each file is written as it is made, nothing is kept in memory
        if tracker is None:
            report = generate_all(result.site, Output(docs=root / "docs")).finish()
        else:
            report = tracker.generate(result.site, root / "docs", GENERATORS, depends.context(result.site, root))
    except ConflictError as exc:
        result.problems.error(root / "docs" / exc.args[0], 1, "这个位置留给自动生成的页面，但这里有一个手写的文件",
                              "把手写的页面移到 docs/about/ 或 docs/guide/ 等其他文件夹；kepu 不会删除或覆盖它")
        print_problems(result.problems)
        return result, None
    finally:
        qr.save_cache(qr_cache)
    timings.generate = time.perf_counter() - t0
    return result, report


def _remove_in_background(folder: Path):
    """Delete `folder` (an old site/, kepu's own) in a daemon thread; if the process ends
    first, the next build finishes the job. Returns the thread, or None."""
    if not folder.exists():
        return None
    import threading

    thread = threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, daemon=True)
    thread.start()
    return thread


def build(root: Path, *, today: date | None = None, strict: bool = False, site_dir: Path | None = None,
          timings: Timings | None = None, engine_name: str | None = None) -> int:
    """`engine_name`: "mkdocs" or "zensical"; None uses mkdocs.yml's extra.engine (default mkdocs)."""
    root = root.resolve()
    timings = timings if timings is not None else Timings()
    target = (site_dir or root / "site").resolve()
    old = target.with_name(target.name + ".old")
    cleaner = _remove_in_background(old)  # what the last build left, while this one checks
    result, report = regenerate(root, today=today, strict=strict, timings=timings)
    memo.forget()  # this process generates no more pages: free what only kepu serve's next save would reuse
    if report is None:
        print(f"\n有错误，网站没有生成。请按上面的提示修改后重新运行 {command('build')}。", file=sys.stderr)
        return 1
    try:
        name = engine.resolve(engine_name, result.site.settings if result.site else None)
    except engine.EngineMissing as exc:
        print(f"{exc.args[0]}\n网站没有生成，原来的 site/ 保持不变。", file=sys.stderr)
        return 1
    tmp = target.with_name(target.name + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    ok = engine.build(name, root, tmp, site=result.site)
    timings.mkdocs = time.perf_counter() - t0
    gc.collect()  # the engine's pages, files and nav are reference cycles: freed before the search index is made
    if not ok:
        shutil.rmtree(tmp, ignore_errors=True)
        print("网站没有生成，原来的 site/ 保持不变。", file=sys.stderr)
        return 1
    from kepu.views import search_index  # site search: sharded index from the model, fetched on demand
    from kepu.engine import unwrap

    timings.extra["unwrap"] = unwrap.unwrap_site(tmp, root / "docs")[1]  # kepu's HTML blocks out of their comments
    t0 = time.perf_counter()
    search_index.write_index(tmp, result.site)
    timings.extra["search_index"] = time.perf_counter() - t0
    timings.extra["notices"] = notices.insert_banners(tmp, result.site)[1]  # urgent notices: a banner on every page
    admin.write(tmp, result.site.settings, result.site.topics)  # the form editor /admin/: after the engine, never in docs/
    if cleaner:
        cleaner.join()
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    _remove_in_background(old)  # the old site/ (kepu's own output) is deleted without blocking
    site = result.site
    print(f"网站已生成到 {target}：{len(site.issues)} 期月刊，{len(site.past)} 场活动，{len(site.upcoming)} 场预告。"
          f"（检查 {timings.check:.1f} 秒，生成页面 {timings.generate:.1f} 秒（更新 {len(report.written)} 个文件），"
          f"{engine.label(name).split(' ')[0]} {timings.mkdocs:.1f} 秒）")
    github.report_build(site, root)  # job summary with counts and links, only on GitHub Actions
    return 0
