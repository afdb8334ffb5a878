"""MkDocs + Material for MkDocs, through MkDocs' Python API (in this process).

MkDocs' warnings are never shown in English: each is mapped back to the
bulletin (and line) it came from, or written to a log for the technical
volunteer."""
from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from pathlib import Path

from kepu.core.writer import is_generated_path
from kepu.engine import report

MKDOCS_LINK = re.compile(r"Doc file '(?P<page>[^']+)' contains (?:an? )?(?:unrecognized relative |absolute )?link '(?P<url>[^']*)'")
MKDOCS_SUMMARY = re.compile(r"^Aborted with \d+ warnings? in strict mode!?$")
LOG_NAME = "mkdocs-warnings.log"


def build(root: Path, site_dir: Path, *, strict: bool = True, site=None, changed: set[str] | None = None,
          moved: frozenset[str] = frozenset()) -> str | bool:
    """`changed` (docs-relative paths, forward slashes), `moved`: see `run_mkdocs`."""
    return run_mkdocs(root, site_dir, strict=strict, site=site, changed=changed, moved=moved)


def run_mkdocs(root: Path, site_dir: Path, *, strict: bool = True, site=None, changed: set[str] | None = None,
               moved: frozenset[str] = frozenset()) -> str | bool:
    """A full MkDocs build into `site_dir`; or, with `changed`, an incremental one: `site_dir` already
    holds a build of the same docs/ except the files in `changed`, with the same docs files,
    mkdocs.yml and theme (the caller, kepu serve, makes sure), and only those are made again (see
    `_incremental`). `moved`: those of `changed` added to docs/ or removed from it since the build in
    `site_dir` (a removed one is no longer in docs/). Returns False when the site could not be built,
    else "full" or "incremental": what was made (an incremental build the engine cannot do safely is
    a full one)."""
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
    ok = "incremental"
    try:
        cfg = load_config(str(root / "mkdocs.yml"), strict=strict, site_dir=str(site_dir))
        with _one_markdown(), _drop_sources():
            if changed is None or not _incremental(cfg, set(changed), set(moved)):
                ok = "full"
                mkdocs_build(cfg)  # it empties site_dir first
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


def report_mkdocs_messages(root: Path, messages: list[str], site) -> list[str]:
    """Print MkDocs' warnings in Chinese as `path:line` of the bulletin they came from; return the lines printed."""
    broken, unknown = [], []
    for msg in messages:
        m = MKDOCS_LINK.search(msg)
        if m:
            broken.append((m.group("page"), m.group("url")))
        elif not MKDOCS_SUMMARY.match(msg.strip()):
            unknown.append(msg)
    return report(root, broken, unknown, site, "mkdocs", LOG_NAME)


def _incremental(config, changed: set[str], moved: set[str] = frozenset()) -> bool:
    """MkDocs' own `build()` (mkdocs.commands.build, MkDocs 1.6) step by step, except that only the
    pages in `changed` are read and rendered; every other page keeps the HTML already in site_dir,
    which is exactly what a full build makes as long as the set of docs files, mkdocs.yml and the
    theme are unchanged (MkDocs renders a page from its own source, the file list and the nav; kepu
    uses no plugins). Nav pages are always read, so every page's nav has their titles; a changed
    nav page without a title in mkdocs.yml (its title comes from its content and is in every page's
    nav) needs a full build, and so do anchor links checked as warnings, and a file added or removed
    (`moved`) when it is a page of the nav or the nav is made from the file list: returns False
    then, before writing anything. A page not in an explicit nav is in no other page's HTML but the
    sitemap's: adding one renders it and the sitemap; removing one deletes its output, and every
    hand-written page is read again (not written) so that a link to it is a warning, as in a full
    build (kepu checks the links of the generated pages). Theme templates (404.html,
    sitemap.xml: the nav, the file list and the build date) are rendered again only when the build
    date or the file list changed or they are missing; the theme's Jinja environment is made once (`_theme_env`). Every file written replaces the one that was there (unlink,
    then write: site_dir may share files with another build through hard links)."""
    from mkdocs import utils
    from mkdocs.commands import build as mb
    from mkdocs.exceptions import Abort, BuildError
    from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    files = get_files(config)
    env, same_date = _theme_env(config)
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    in_nav = {page.file.src_uri: page for page in nav.pages}
    for uri in changed:
        if uri in in_nav and not _title_from_config(in_nav[uri]):
            return False
    if moved and (config.nav is None or moved & in_nav.keys()):
        return False  # a nav made from the file list, or a page of the nav added or removed: in every page
    removed = {uri for uri in changed if files.get_file_from_path(uri) is None}
    if config.validation.links.anchors >= logging.WARNING:
        return False  # a page not rendered again may link to an anchor of a changed one (MkDocs' default: info)
    inclusion = InclusionLevel.is_included
    warnings = utils.CountHandler()
    warnings.setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    if config.strict:
        logger.addHandler(warnings)
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        for uri in sorted(removed):  # its page (or file) goes; the folders it leaves empty too
            _remove_output(config, uri)
        for file in files.documentation_pages(inclusion=inclusion):
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
            if file.src_uri in changed or file.src_uri in in_nav or (removed and not is_generated_path(file.src_uri)):
                mb._populate_page(file.page, config, files)  # (a hand-written page is read for its links)
        env = config.plugins.on_env(env, config=config, files=files)
        for file in files:  # Files.copy_static_files, for the changed ones
            if file.is_documentation_page() or not inclusion(file.inclusion):
                continue
            if file.src_uri in changed or file.abs_src_path is None or not os.path.exists(file.abs_dest_path):
                Path(file.abs_dest_path).unlink(missing_ok=True)
                file.copy_file()
        for template in config.theme.static_templates:
            path = os.path.join(config.site_dir, template)
            if same_date and os.path.exists(path) and not moved:
                continue  # 404.html, sitemap.xml: made from the nav, the file list and the build date, all unchanged
            Path(path).unlink(missing_ok=True)
            Path(path + ".gz").unlink(missing_ok=True)
            mb._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            Path(os.path.join(config.site_dir, template)).unlink(missing_ok=True)
            mb._build_extra_template(template, files, config, nav)
        doc_files = files.documentation_pages(inclusion=inclusion)
        for file in doc_files:
            if file.src_uri in changed:
                Path(file.abs_dest_path).unlink(missing_ok=True)
                mb._build_page(file.page, config, doc_files, nav, env, excluded=file.inclusion.is_excluded())
        for file in doc_files:
            if file.src_uri in changed:
                file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        config.plugins.on_post_build(config=config)
    except BuildError as exc:
        log = logging.getLogger("mkdocs")
        log.error(str(exc))
        raise Abort("Aborted with a BuildError!") from exc
    finally:
        logger.removeHandler(warnings)
    if counts := warnings.get_counts():
        raise Abort(f"Aborted with {', '.join(f'{v} {k.lower()}s' for k, v in counts)} in strict mode!")
    return True


def _remove_output(config, uri: str) -> None:
    """Delete what a full build made of the docs file `uri` that no longer exists (a page's
    index.html, or a copied file), then the folders that leaves empty."""
    from mkdocs.structure.files import File

    dest = Path(File(uri, config.docs_dir, config.site_dir, config.use_directory_urls).abs_dest_path)
    dest.unlink(missing_ok=True)
    site = Path(config.site_dir).resolve()
    folder = dest.parent.resolve()
    while folder != site and site in folder.parents:
        try:
            folder.rmdir()  # only when empty
        except OSError:
            break
        folder = folder.parent


_ENVS: dict = {}  # theme (folders, locale) -> (its Jinja environment, the build date it last served)


def _theme_env(config):
    """The theme's Jinja environment, made once per theme for the incremental builds of one
    process (MkDocs makes a new one per build: every template compiled again, every theme
    file listed again), and whether the build date is the one of the last incremental build.
    Only incremental builds reuse it: they run with the same mkdocs.yml and theme files as the
    build they start from (kepu serve checks), and MkDocs' environment holds nothing of a build."""
    from mkdocs.utils import get_build_date

    key = (tuple(config.theme.dirs), str(config.theme.locale))
    today = get_build_date()
    env, last = _ENVS.get(key, (None, None))
    if env is None:
        env = config.theme.get_env()
        listed, kept = env.list_templates, []

        def list_templates(extensions=None, filter_func=None):  # only add_files_from_theme calls it, with
            if not kept:  # a filter made from the same mkdocs.yml every time
                kept.append(listed(extensions=extensions, filter_func=filter_func))
            return kept[0]

        env.list_templates = list_templates
    _ENVS.clear()
    _ENVS[key] = (env, today)
    return env, last == today


@contextlib.contextmanager
def _one_markdown():
    """One `markdown.Markdown` for all the pages of a build, `reset()` before each, instead of the
    new one MkDocs 1.6 makes per page (`Page.render`, always with mkdocs.yml's extensions and
    their configurations). Making one loads every extension again and copies its configuration: about 0.3 ms
    a page, a quarter of a second at 10 years. Reusing a converter with `reset()` between
    documents is Python-Markdown's documented way to convert many (every extension that keeps
    state resets it). MkDocs registers its page's own processors (anchors, relative links, title,
    raw HTML) on the converter after making it; registering under the same name replaces the last
    page's, at the same place in the order. Only `Page.render` looks up `markdown.Markdown` in
    mkdocs.structure.pages, and only during the build is it this one (one build at a time: kepu
    serve builds in one thread); `tests/test_engine_markdown.py` pins that and compares the pages."""
    from mkdocs.structure import pages

    real = pages.markdown
    last: list = []  # [(extensions, extension_configs, converter)] of the last call, at most one

    class _Markdown:
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def Markdown(*, extensions, extension_configs):
            # compared by value: with no extension configs MkDocs passes a new `{}` for every page
            if last and last[0][0] == extensions and last[0][1] == extension_configs:
                return last[0][2].reset()
            md = real.Markdown(extensions=extensions, extension_configs=extension_configs)
            last[:] = [(extensions, extension_configs, md)]
            return md

    pages.markdown = _Markdown()
    try:
        yield
    finally:
        pages.markdown = real


@contextlib.contextmanager
def _drop_sources():
    """A page's Markdown source is let go once it is converted. MkDocs 1.6 reads and converts every
    page before it renders the first template, and keeps each page's source (`Page.markdown`) to the
    end of the build: at 10 years, 772 pages and 9.6 MB of text, a tenth of the build's peak memory.
    Nothing reads it after `Page.render` (the templates use the HTML, the table of contents and the
    title; no plugins). It becomes "" rather than None: `Page.title` takes None for "not read yet".
    Only during the build, like `_one_markdown`; `tests/test_engine_markdown.py` compares the pages
    with MkDocs' own and pins what `Page.title` and the build read."""
    from mkdocs.structure import pages

    real = pages.Page.render

    def render(self, config, files):
        real(self, config, files)
        self.markdown = ""

    pages.Page.render = render
    try:
        yield
    finally:
        pages.Page.render = real


def _title_from_config(page) -> bool:
    return "title" in vars(page)  # MkDocs keeps a title given in the nav as the instance's own attribute




def _quiet_mkdocs_logging() -> None:
    log = logging.getLogger("mkdocs")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("MkDocs %(levelname)s: %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False
