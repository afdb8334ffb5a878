"""The site engine: the one step that turns the generated docs/ into HTML.

Everything kepu does before (checking, generating) and after (search index,
moving the build into place) is the same for every engine; an engine is a
module with `build(root, site_dir, *, strict, site) -> bool` that prints its
problems in Chinese (`path:line` of the bulletin when it can) and never shows
the engine's English output or a traceback to a volunteer.

    from kepu import engine
    engine.build("zensical", root, root / "site.building", site=model)

MkDocs + Material is the default; Zensical (Material's successor) is an
optional, pinned extra (requirements-zensical.lock)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from kepu.core.commands import command

ENGINES = {"mkdocs": "MkDocs + Material for MkDocs", "zensical": "Zensical"}
DEFAULT = "mkdocs"
CACHE_DIR = ".kepu-cache"  # kepu's own caches and logs, at the site root; no engine cleans it


class EngineMissing(Exception):
    """The engine's package is not installed; args[0] is the Chinese message."""


def cache_dir(root: Path) -> Path:
    """kepu's cache folder of a site (images, QR codes, preview builds, logs).
    Not `.cache/`: `zensical build --clean` deletes that whole folder."""
    return Path(root) / CACHE_DIR


def label(name: str) -> str:
    return ENGINES.get(name, name)


def suggest(name: str) -> str | None:
    import difflib

    guess = difflib.get_close_matches((name or "").strip().lower(), list(ENGINES), n=1, cutoff=0.4)
    return guess[0] if guess else None


def unknown_message(name: str) -> str:
    guess = suggest(name)
    hint = f"你是不是想写 {guess}？" if guess else ""
    return f"「{name}」不是 kepu 能用的网站引擎。{hint}可以用：{'、'.join(ENGINES)}（默认 {DEFAULT}）"


def available(name: str) -> bool:
    module = {"mkdocs": "mkdocs", "zensical": "zensical"}.get(name)
    return module is not None and importlib.util.find_spec(module) is not None


def missing_message(name: str) -> str:
    if name == "zensical":
        return ("没有安装 Zensical（可选的网站引擎）。运行 "
                f"{command('setup', '--engine', 'zensical')} 安装（按 requirements-zensical.lock 的固定版本），"
                f"然后重新运行；也可以直接运行 {command('build', '--engine', 'zensical')}，它会先自动安装。")
    return f"没有安装 {label(name)}。运行 {command('setup')} 安装依赖后重新运行。"


def resolve(name: str | None, settings=None) -> str:
    """The engine to use: the command line's, else mkdocs.yml's extra.engine, else the default.
    Raises EngineMissing (Chinese message) when it is unknown or not installed."""
    chosen = (name or (getattr(settings, "engine", "") if settings is not None else "") or DEFAULT).strip().lower()
    if chosen not in ENGINES:
        raise EngineMissing(unknown_message(chosen))
    if not available(chosen):
        raise EngineMissing(missing_message(chosen))
    return chosen


def build(name: str, root: Path, site_dir: Path, *, strict: bool = True, site=None,
          changed: set[str] | None = None, moved: frozenset[str] = frozenset()) -> str | bool:
    """Build the generated docs/ of `root` into `site_dir` with engine `name`. Problems are
    printed in Chinese; returns False when the site could not be built.
    `changed` (kepu serve): `site_dir` already holds a build of the same docs/ except these files
    (docs-relative); an engine that can (MkDocs) makes only them again, the others (Zensical) make
    a full build (into an emptied site_dir). `moved`: those of `changed` added or removed since
    that build. Returns False when the site could not be built, else "full" or "incremental"
    (what the engine made; an engine may make a full build where it cannot safely do less)."""
    if name == "zensical":
        from kepu.engine import zensical as impl

        if changed is not None:
            import shutil

            shutil.rmtree(site_dir, ignore_errors=True)
        return "full" if impl.build(Path(root), Path(site_dir), strict=strict, site=site) else False
    if name == "mkdocs":
        from kepu.engine import mkdocs as impl

        return impl.build(Path(root), Path(site_dir), strict=strict, site=site, changed=changed,
                          moved=moved)
    raise EngineMissing(unknown_message(name))


def version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        if name == "mkdocs":
            return f"MkDocs {dist_version('mkdocs')}，Material {dist_version('mkdocs-material')}"
        return f"Zensical {dist_version(name)}"
    except PackageNotFoundError:
        return label(name)


def source_of(root: Path, site, page: str, url: str) -> tuple[Path, int]:
    """The bulletin a generated page (docs-relative `page`) came from, via the URL scheme, and
    the line that has `url`; else the page itself (line 0)."""
    from urllib.parse import unquote

    from kepu.core import urls

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
    return (Path(candidates[0]) if len(candidates) == 1 else Path(root) / "docs" / page), 0


last_problems = []  # the last report()'s problems (Problems objects), for `kepu build --report` (kepu.github)


def report(root: Path, broken: list[tuple[str, str]], unknown: list[str], site, engine_name: str,
           log_name: str) -> list[str]:
    """Print broken links (docs-relative page, url) as `path:line` errors of the bulletin they came
    from, and the engine's other messages as one Chinese line pointing to a log; return the lines."""
    import sys

    from kepu.content.problems import Problems

    problems = Problems(root)
    for page, url in broken:
        path, line = source_of(root, site, page, url)
        problems.error(path, line, f"网站生成时发现链接「{url}」指向的页面或文件不存在",
                       "检查这一行的链接或图片路径：链接别的月刊或活动写它的 .md 文件名，图片写 images/ 里的文件名，"
                       "其他网站写完整网址 https://…")
    last_problems[:] = [problems]
    lines = [p.format() for p in problems.sorted()]
    if unknown:
        log = cache_dir(root) / "logs" / log_name
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text("\n".join(unknown) + "\n", encoding="utf-8")
        except OSError:
            pass
        lines.append(f"{label(engine_name)} 生成网站时报告了 {len(unknown)} 个问题，kepu 没能把它们对应到你写的文件。"
                     f"原文保存在 {log}，请发给技术志愿者。")
    for text in lines:
        print(text, file=sys.stderr)
    return lines
