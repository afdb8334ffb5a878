"""`kepu build`: check -> generate -> mkdocs build --strict.

A broken site is never produced: nothing is generated when the check has
errors, and MkDocs builds into a temporary folder that replaces site/ only
when the whole build succeeded."""
from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kepu import calendar_ics, feeds, stats
from kepu import github, qr
from kepu.commands import command
from kepu.generate import activities_index, activity_pages, archive, home, issue_pages, topic_pages
from kepu.generate.writer import ConflictError, Output, WriteReport
from kepu.loader import LoadResult, load_site
from kepu.media import Media
from kepu.model import Site

# Every view of the model. Each: generate(site, out, media) -> None.
# Feature modules append themselves here (one line each).
GENERATORS = [home, issue_pages, activity_pages, archive, topic_pages, activities_index]
GENERATORS += [feeds, calendar_ics, stats]  # feeds/calendar/stats issue
from kepu.generate import search_page  # noqa: E402  (search issue)
GENERATORS += [search_page]  # /search/?q=…
from kepu import printing  # noqa: E402  (photos/QR/print issue)
GENERATORS += [printing]  # print posters and activity records
from kepu import share  # noqa: E402  (residents first issue)
GENERATORS += [share]  # the link-preview card of pages without a photo
from kepu import screen  # noqa: E402  (lobby screen issue)
GENERATORS += [screen]  # /screen/ and version.json (keep last: version.json hashes all generated files)


@dataclass
class Timings:
    check: float = 0.0
    generate: float = 0.0
    mkdocs: float = 0.0
    extra: dict = field(default_factory=dict)


def generate_all(site: Site, out: Output | None = None) -> Output:
    out = out if out is not None else Output()
    media = Media(out)
    for gen in GENERATORS:
        gen.generate(site, out, media)
    return out


def regenerate(root: Path, *, today: date | None = None, strict: bool = False,
               timings: Timings | None = None) -> tuple[LoadResult, WriteReport | None]:
    """Check and, only if it passes, write the generated area of docs/."""
    from kepu.cli import print_problems

    timings = timings or Timings()
    t0 = time.perf_counter()
    result = load_site(root, today=today)
    timings.check = time.perf_counter() - t0
    print_problems(result.problems)
    if result.problems.errors or (strict and result.problems.warnings):
        return result, None
    t0 = time.perf_counter()
    qr_cache = root / ".cache" / "kepu" / "qr.json"
    qr.load_cache(qr_cache)
    try:  # streamed: each file is written as it is made, nothing is kept in memory
        report = generate_all(result.site, Output(docs=root / "docs")).finish()
    except ConflictError as exc:
        result.problems.error(root / "docs" / exc.args[0], 1, "这个位置留给自动生成的页面，但这里有一个手写的文件",
                              "把手写的页面移到 docs/about/ 或 docs/guide/ 等其他文件夹；kepu 不会删除或覆盖它")
        print_problems(result.problems)
        return result, None
    finally:
        qr.save_cache(qr_cache)
    timings.generate = time.perf_counter() - t0
    return result, report


def run_mkdocs(root: Path, site_dir: Path, *, strict: bool = True, site: Site | None = None) -> bool:
    """Run MkDocs; its warnings are never shown in English: each is mapped back to the
    bulletin (and line) it came from, or written to a log for the technical volunteer."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    _quiet_mkdocs_logging()
    log = logging.getLogger("mkdocs")
    collected = _Collect()
    others = log.handlers[:]
    for h in others:
        log.removeHandler(h)
    log.addHandler(collected)
    ok = True
    try:
        cfg = load_config(str(root / "mkdocs.yml"), strict=strict, site_dir=str(site_dir))
        mkdocs_build(cfg)
    except (Abort, ConfigurationError) as exc:
        collected.records.append(logging.makeLogRecord({"msg": str(exc), "levelno": logging.ERROR}))
        ok = False
    finally:
        log.removeHandler(collected)
        for h in others:
            log.addHandler(h)
    report_mkdocs_messages(root, [r.getMessage() for r in collected.records], site)
    return ok


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


MKDOCS_LINK = re.compile(r"Doc file '(?P<page>[^']+)' contains (?:an? )?(?:unrecognized relative |absolute )?link '(?P<url>[^']*)'")
MKDOCS_SUMMARY = re.compile(r"^Aborted with \d+ warnings? in strict mode!?$")


def report_mkdocs_messages(root: Path, messages: list[str], site: Site | None) -> list[str]:
    """Print MkDocs' warnings in Chinese as `path:line` of the bulletin they came from; return the lines printed."""
    from kepu.problems import Problems

    problems = Problems(root)
    unknown = []
    for msg in messages:
        m = MKDOCS_LINK.search(msg)
        if m:
            path, line = _source_of(root, site, m.group("page"), m.group("url"))
            problems.error(path, line, f"网站生成时发现链接「{m.group('url')}」指向的页面或文件不存在",
                           "检查这一行的链接或图片路径：链接别的月刊或活动写它的 .md 文件名，图片写 images/ 里的文件名，"
                           "其他网站写完整网址 https://…")
        elif not MKDOCS_SUMMARY.match(msg.strip()):
            unknown.append(msg)
    lines = [p.format() for p in problems.sorted()]
    if unknown:
        log = root / ".cache" / "kepu" / "mkdocs-warnings.log"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text("\n".join(unknown) + "\n", encoding="utf-8")
        except OSError:
            pass
        lines.append(f"MkDocs 生成网站时报告了 {len(unknown)} 个问题，kepu 没能把它们对应到你写的文件。"
                     f"原文保存在 {log}，请发给技术志愿者。")
    for text in lines:
        print(text, file=sys.stderr)
    return lines


def _source_of(root: Path, site: Site | None, page: str, url: str) -> tuple[Path, int]:
    """The bulletin a generated page came from (via the URL scheme) and the line that has `url`."""
    from urllib.parse import unquote

    from kepu import urls

    sources: dict[str, Path] = {}
    if site is not None:
        for issue in site.issues:
            sources[urls.source_of(urls.issue(issue))] = issue.source
        for act in site.activities:
            sources[urls.source_of(urls.activity(act))] = act.source
        if site.current_issue:
            sources[urls.source_of(urls.CURRENT)] = site.current_issue.source
    candidates = [sources[page]] if page in sources else list(dict.fromkeys(sources.values()))
    for source in candidates:
        try:
            lines = Path(source).read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            continue
        for n, text in enumerate(lines, start=1):
            if url and (url in text or unquote(url) in text):
                return Path(source), n
    return (Path(candidates[0]) if len(candidates) == 1 else root / "docs" / page), 0


def _quiet_mkdocs_logging() -> None:
    log = logging.getLogger("mkdocs")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("MkDocs %(levelname)s: %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False


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
          timings: Timings | None = None) -> int:
    root = root.resolve()
    timings = timings if timings is not None else Timings()
    target = (site_dir or root / "site").resolve()
    old = target.with_name(target.name + ".old")
    cleaner = _remove_in_background(old)  # what the last build left, while this one checks
    result, report = regenerate(root, today=today, strict=strict, timings=timings)
    if report is None:
        print(f"\n有错误，网站没有生成。请按上面的提示修改后重新运行 {command('build')}。", file=sys.stderr)
        return 1
    tmp = target.with_name(target.name + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    ok = run_mkdocs(root, tmp, site=result.site)
    timings.mkdocs = time.perf_counter() - t0
    if not ok:
        shutil.rmtree(tmp, ignore_errors=True)
        print("网站没有生成，原来的 site/ 保持不变。", file=sys.stderr)
        return 1
    from kepu import search_index  # site search: sharded index from the model, fetched on demand

    t0 = time.perf_counter()
    search_index.write_index(tmp, result.site)
    timings.extra["search_index"] = time.perf_counter() - t0
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
          f"MkDocs {timings.mkdocs:.1f} 秒）")
    github.report_build(site, root)  # job summary with counts and links, only on GitHub Actions
    return 0
