"""`kepu serve`: a live preview that kepu serves itself.

One worker thread rebuilds: kepu checks and regenerates the generated area of docs/,
the site engine (MkDocs, or Zensical with --engine zensical) builds into a
new folder under .kepu-cache/preview/, then the site search index is written,
exactly as `kepu build` does. The process lives long, so what a save does not
touch is kept at every step:
- checking: each bulletin is read once per state of its file (load_site's cache);
- generating: the per-bulletin views declare what each file is made from, and
  only the files whose inputs changed are made again (kepu.views.depends);
- the engine: with MkDocs the new folder starts from an older build (the one
  before the last good build, or a spare copy of hard links made while idle)
  and only the generated pages whose files changed, were added or were removed
  are rendered again (or deleted), with sitemap.xml; anything that can change
  every page (mkdocs.yml, overrides/, a hand-written page, the notice banner, a
  page of the nav added or removed) makes a full build (see
  `incremental_changes`), in two steps: the nav's pages first, shown at once,
  then the others, while a request for one of them waits;
- the search index (~1,750 files at ten years) is written just after the new
  build is shown.
Either way the folder ends up byte for byte what `kepu build` makes
(tests/test_serve_incremental.py). Zensical builds everything every time (it
has no incremental build kepu can drive); the checking and generating above
apply to it too. A file watcher (bulletins/, mkdocs.yml, hand-written docs/ and
overrides/; never kepu's own outputs) waits for 0.2 s of quiet before starting a
rebuild; changes made during a rebuild coalesce into at most one more.

A small HTTP server on 127.0.0.1 serves the last good build under
site_url's path. Into HTML pages it injects preview.js, which long-polls
/__kepu/status: it reloads the page when a new good build is published
and, while the content has errors, shows them (file:line, how to fix) over
the last good version. Nothing here depends on the engine beyond the one
`engine.build` call.
"""
from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import shutil
import sys
import threading
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit

from kepu.core.commands import command
from kepu.core.writer import MANIFEST, is_generated_path
from kepu.content.problems import ERROR, WARNING, Problem

ASSETS = Path(__file__).resolve().parent / "preview"
QUIET_SECONDS = 0.2  # a save counts as finished after this much quiet (an editor's steps are milliseconds apart)
POLL_SECONDS = 20.0  # how long one /__kepu/status request may wait for news
PORT_TRIES = 11  # the asked port and the next 10
STATUS_PATH = "/__kepu/status"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".json": "application/json; charset=utf-8",
         ".xml": "application/xml; charset=utf-8", ".svg": "image/svg+xml", ".ics": "text/calendar; charset=utf-8",
         ".webp": "image/webp", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8", ".map": "application/json"}
FIRST_PAGES = frozenset({"index.md", "current/index.md"})  # made first when a full build starts (see _build_once)
WAIT_SECONDS = 120.0  # how long a request waits for a page a starting build has not made yet
TEMP_SUFFIXES = (".tmp", ".temp", ".swp", ".swx", ".swo", ".part", ".crdownload", ".bak", "~")


# ------------------------------------------------------------------ what to watch

def is_watched(rel: str) -> bool:
    """Pure: does a change to `rel` (relative to the site root, forward slashes) need a rebuild?
    Volunteers' sources do; kepu's own outputs, caches and editors' temporary files do not."""
    p = PurePosixPath(rel)
    if not p.parts or p.is_absolute() or ".." in p.parts:
        return False
    name = p.name
    if any(part.startswith(".") for part in p.parts) or name.startswith("~") or name == "4913" \
            or name.lower().endswith(TEMP_SUFFIXES):
        return False  # hidden, Office lock (~$x), vim probe (4913), editors' and kepu's temporary files
    top = p.parts[0]
    if top in ("bulletins", "overrides"):
        return len(p.parts) > 1
    if top == "docs":
        inner = PurePosixPath(*p.parts[1:]).as_posix() if len(p.parts) > 1 else ""
        return bool(inner) and inner != MANIFEST and not is_generated_path(inner)
    return rel == "mkdocs.yml"


# ------------------------------------------------------------------ pages

def inject(html: bytes, build: int) -> bytes:
    """Pure: `html` with the preview script added (before </head>, else at the end)."""
    tag = (f'<script src="/__kepu/preview.js" data-build="{int(build)}" defer></script>').encode()
    lower = html.lower()
    at = lower.rfind(b"</head>")
    if at < 0:
        at = lower.rfind(b"</body>")
    if at < 0:
        return html + tag
    return html[:at] + tag + html[at:]


class Preview:
    """The state the server shows and the worker changes: last good build and current problems."""

    def __init__(self, root: Path, work: Path, today: date | None, engine_name: str = "mkdocs"):
        self.root = root
        self.work = work  # .kepu-cache/preview/<port>/
        self.today = today
        self.engine = engine_name
        self.cond = threading.Condition()
        self.version = 0  # changes whenever anything below changes (long-poll clients wake up)
        self.build = 0  # number of the last good build (0: none yet)
        self.current: Path | None = None  # folder of the last good build
        self.building = True
        self.problems: list[Problem] = []
        self.changes: set[str] = set()
        self.last_event = 0.0
        self.events = threading.Condition()
        self.seen: dict[str, str | None] = {}  # content fingerprint of each file an event named
        self.sources: dict[Path, Sources] = {}  # what each kept build was made from (incremental builds)
        self.last_changed: set[str] | None = None
        self.pending = None  # what is left of the last build once it is shown (its search index)
        self.partial: set[str] | None = None  # while a full build is being finished: the pages already made
        self._partial: set[str] | None = None  # the same, for the build being made
        self.shown_after = 0.0  # seconds from the start of the last good build until it was shown
        self.parsed: dict = {}  # load_site's cache: front matter parsed once per file content
        from kepu.views.depends import Tracker

        self.tracker = Tracker()  # what each generated file was made from: a save makes only what it touches

    # ---- status (server threads read, worker writes)

    def status(self) -> dict:
        with self.cond:
            return {"version": self.version, "build": self.build, "building": self.building,
                    "problems": [asdict(p) for p in self.problems]}

    def wait_status(self, seen: int | None) -> dict:
        with self.cond:
            if seen == self.version:
                self.cond.wait(POLL_SECONDS)
            return self.status()

    def _publish(self, **changes) -> None:
        with self.cond:
            for key, value in changes.items():
                setattr(self, key, value)
            self.version += 1
            self.cond.notify_all()

    # ---- watcher (observer thread) and worker

    def changed(self, rel: str) -> None:
        with self.events:
            self.changes.add(rel)
            self.last_event = time.monotonic()
            self.events.notify()

    def work_forever(self) -> None:
        self.rebuild()
        while True:
            self.make_spare()
            with self.events:
                while not self.changes:
                    self.events.wait()
                while (left := self.last_event + QUIET_SECONDS - time.monotonic()) > 0:
                    self.events.wait(left)  # debounce: editors save in several steps
                changed = self.real_changes(self.changes)
                self.changes.clear()
            if not changed:
                continue  # touched but not changed (antivirus, sync tools, an editor saving unchanged text)
            names = [rel for rel in changed if (self.root / rel).exists()] or changed  # not editors' temp files
            shown = "、".join(names[:3]) + (f" 等 {len(names)} 个文件" if len(names) > 3 else "")
            print(f"\n检测到修改：{shown}，正在重新生成…", flush=True)
            self.rebuild()

    def real_changes(self, rels) -> list[str]:
        """The paths whose content differs from the last time an event named them (a path never seen counts)."""
        out = []
        for rel in sorted(rels):
            now = fingerprint(self.root / rel)
            if rel not in self.seen or self.seen[rel] != now:
                out.append(rel)
            self.seen[rel] = now
        return out

    def rebuild(self) -> None:
        self._publish(building=True)
        t0 = time.perf_counter()
        self.pending, self._partial = None, None
        try:
            problems, folder = self._build_once()
        except Exception:  # a bug in kepu, not in the volunteer's files: keep the preview running
            problems, folder = [_crash(self.root)], None
        if folder is None:
            self._publish(building=False, problems=problems)
            where = "浏览器里显示的是上一次正确的版本" if self.build else "预览还没有生成"
            print(f"\n有错误，{where}。请按上面的提示修改，保存后会自动重新生成。", flush=True)
            return
        previous, previous_build = self.current, self.build
        self._publish(building=False, problems=problems, current=folder, build=self.build + 1, partial=self._partial)
        self.shown_after = time.perf_counter() - t0
        try:
            failed = self.pending()  # the rest of the build just shown: its search index (and other pages)
        except Exception:
            failed = problems + [_crash(self.root)]
        self.pending, self._partial = None, None
        if failed:  # the build shown could not be finished: back to the one before
            self.sources.pop(folder, None)
            self._publish(problems=failed, partial=None, current=previous,
                          build=previous_build + 2 if previous is not None else self.build)
            print("\n有错误，浏览器里显示的是上一次正确的版本。请按上面的提示修改，保存后会自动重新生成。", flush=True)
            return
        self._remove_stale(keep=(folder, previous))  # the previous one may still be answering a request
        what = "预览已生成" if self.build == 1 else "预览已更新"
        print(f"{what}（用时 {self.shown_after:.1f} 秒），浏览器里打开的页面会自动刷新。", flush=True)

    def _build_once(self) -> tuple[list[Problem], Path | None]:
        from kepu import engine
        from kepu.content import notices
        from kepu.engine import unwrap
        from kepu.views import admin, search_index
        from kepu.build import regenerate

        result, report = regenerate(self.root, today=self.today, cache=self.parsed, tracker=self.tracker)  # prints the problems
        sys.stdout.flush()
        problems = [p for p in result.problems.sorted() if p.severity in (ERROR, WARNING)]  # 提示 lines only in the terminal
        if report is None:
            return problems, None
        folder = self.work / f"build-{self.build + 1}"
        shutil.rmtree(folder, ignore_errors=True)
        state = Sources(sources_state(self.root), banner_key(result.site))
        changed, moved = self.prepare(folder, state)
        self.last_changed = changed  # what the engine made again (None: everything)
        rest = None
        if changed is None and self.engine == "mkdocs":
            # A full build in two steps: first the pages a browser opens first (the nav's), shown at
            # once; then every other page into the same folder (`_finish_pages`), while a request
            # for one of them waits. Each step is an incremental build (an empty folder: everything
            # else is copied), so the folder ends up as a full build makes it.
            pages = {rel[5:] for rel in state.files if rel.startswith("docs/") and rel.endswith(".md")}
            changed = pages & FIRST_PAGES
            rest = pages - changed
        failed = problems + [Problem("docs", 0, ERROR, "网站页面生成失败：docs/ 里手写的页面、overrides/ 或 mkdocs.yml 有问题",
                                     "看运行预览的窗口里的提示，改好保存后会自动重新生成")]
        made_how = engine.build(self.engine, self.root, folder, site=result.site, changed=changed,
                                moved=moved if rest is None else frozenset())
        if not made_how:
            shutil.rmtree(folder, ignore_errors=True)
            return failed, None
        if made_how == "full":  # the engine could not do less: every page is new, nothing is left to make
            changed, rest = None, None
            self.last_changed = None
        # The steps after the engine, exactly as `kepu build` does them. The folder may share files with
        # the last good build through hard links: a step must replace a file it changes (write a
        # temporary file, os.replace), or change only pages the engine has just made (new files).
        made = None if changed is None else [rel for rel in built_pages(changed) if (folder / rel).is_file()]  # incremental: the pages the engine made (not the removed ones)
        unwrap.unwrap_site(folder, self.root / "docs", pages=made)  # kepu's HTML blocks out of their comments
        admin.write(folder, result.site.settings, result.site.topics)  # the form editor, as `kepu build` does
        if rest:
            notices.insert_banners(folder, result.site, pages=made)
            self._partial = set(made) | {"404.html"}  # what can be shown before the other pages are made
            self.pending = lambda: self._finish_pages(folder, state, result, rest, failed)
            return problems, folder
        pages = search_index.page_entries(folder, self.root / "docs")  # read before the banners, as `kepu build` does
        notices.insert_banners(folder, result.site, pages=made)  # urgent notices, as `kepu build` does
        self.sources[folder] = state
        # The site search index is written after the new build is shown (`finish`): at ten years it is
        # ~1,750 new files, which is most of a save's time; the pages do not need it to show the change.
        self.pending = lambda: search_index.write_index(folder, result.site, pages=pages) and None
        return problems, folder

    def _finish_pages(self, folder: Path, state: "Sources", result, rest: set[str], failed: list[Problem]) -> None:
        """The second step of a full build (see _build_once): the other pages, then the search index."""
        from kepu import engine
        from kepu.content import notices
        from kepu.engine import unwrap
        from kepu.views import search_index

        made_how = engine.build(self.engine, self.root, folder, site=result.site, changed=rest)
        if not made_how:
            return failed
        if made_how == "full":  # the engine made the first pages again too: put every page right
            rest = None
        made = None if rest is None else built_pages(rest)
        unwrap.unwrap_site(folder, self.root / "docs", pages=made)
        pages = search_index.page_entries(folder, self.root / "docs")
        notices.insert_banners(folder, result.site, pages=made)
        self.sources[folder] = state
        self._publish(partial=None)  # the waiting requests are answered; no reload (same build number)
        search_index.write_index(folder, result.site, pages=pages)
        return None

    def prepare(self, folder: Path, state: "Sources") -> tuple[set[str] | None, frozenset[str]]:
        """Start the new build `folder` from an older one when the engine can then make only the
        changed files again; returns those (docs-relative), or None for a full build, and which of
        them were added to docs/ or removed from it since the older build. The older
        build is the one before the last good build (moved here: it is no longer shown), else a
        copy of the last good build made of hard links."""
        if self.engine != "mkdocs":
            return None, frozenset()  # Zensical makes everything every time
        for base in [f for f in self.sources if f != self.current] + [self.current]:
            changed = incremental_changes(self.sources[base], state) if base in self.sources else None
            if changed is None or not base.is_dir():
                continue
            moved = frozenset(rel[5:] for rel in self.sources[base].files.keys() ^ state.files.keys())
            if base == self.current:
                link_tree(base, folder)
                return changed, moved
            del self.sources[base]
            try:
                os.replace(base, folder)
            except OSError:  # Windows: a file in it still open
                continue
            return changed, moved
        return None, frozenset()

    def make_spare(self) -> None:
        """While waiting for a save: when the last good build is the only one kept, a copy of it
        made of hard links, for the next save to start from (`prepare`), so that the save does not
        wait for the copy. Given up (and removed) as soon as a file changes."""
        current = self.current
        if current is None or current not in self.sources or any(f != current for f in self.sources):
            return
        spare = self.work / f"spare-{self.build}"
        shutil.rmtree(spare, ignore_errors=True)
        if link_tree(current, spare, stop=lambda: bool(self.changes)):
            self.sources[spare] = self.sources[current]
        else:
            shutil.rmtree(spare, ignore_errors=True)

    def _remove_stale(self, keep: tuple[Path | None, ...]) -> None:
        for child in self.work.iterdir() if self.work.is_dir() else ():
            if child not in keep and child.name.startswith(("build-", "spare-")):
                shutil.rmtree(child, ignore_errors=True)  # a file still open on Windows: removed next time
        for folder in list(self.sources):
            if folder not in keep:
                del self.sources[folder]


# ------------------------------------------------------------------ incremental engine builds

@dataclass(frozen=True)
class Sources:
    """What an engine build was made from: every file of docs/, mkdocs.yml and overrides/
    (root-relative path -> fingerprint), and the urgent-notice banner put into every page."""
    files: dict
    banner: str | None


def built_pages(changed: set[str]) -> list[str]:
    """Pure: the site-relative HTML files an incremental MkDocs build made for the docs-relative
    Markdown files `changed` (use_directory_urls: a/b.md -> a/b/index.html)."""
    out = []
    for rel in sorted(changed):
        if not rel.endswith(".md"):
            continue
        stem = rel[:-3]
        out.append(f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html")
    return out


def link_tree(src: Path, dst: Path, stop=None) -> bool:
    """`dst` as a copy of folder `src` made of hard links (a plain copy where links are not possible).
    `stop()`, asked once per folder: give up (returns False, `dst` left half made)."""
    for dirpath, _dirs, files in os.walk(src):
        if stop is not None and stop():
            return False
        rel = os.path.relpath(dirpath, src)
        target = dst if rel == "." else dst / rel
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(os.path.join(dirpath, name), target / name)
            except OSError:
                shutil.copy2(os.path.join(dirpath, name), target / name)
    return True


def sources_state(root: Path) -> dict[str, tuple]:
    """Root-relative path -> fingerprint of each file the engine reads. kepu's generated files
    are replaced atomically (new inode, new mtime) whenever their bytes change, so their stat is
    their fingerprint; the volunteer's own files (hand-written pages, mkdocs.yml, overrides/)
    are few and small and are fingerprinted by content, whatever their editor does to mtimes."""
    state: dict[str, tuple] = {}
    for top in ("docs", "overrides"):
        for dirpath, dirs, files in os.walk(root / top):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                if name.startswith("."):
                    continue  # the writer's manifest and temporary files; MkDocs skips them too
                path = os.path.join(dirpath, name)
                rel = Path(path).relative_to(root).as_posix()
                state[rel] = _stat(path) if top == "docs" and is_generated_path(rel[5:]) else (fingerprint(Path(path)),)
    state["mkdocs.yml"] = (fingerprint(root / "mkdocs.yml"),)
    return state


def _stat(path: str) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return (None,)
    return st.st_size, st.st_mtime_ns, st.st_ino


def banner_key(site) -> str | None:
    """The banner `notices.insert_banners` puts into every page (None: pages keep the empty marker)."""
    from kepu.content import notices

    if site is None or not site.notices:
        return None
    return notices.banner(site, notices.build_now(site.settings, site.today))


def incremental_changes(old: Sources, new: Sources) -> set[str] | None:
    """Pure: the docs-relative paths of kepu's generated files that changed, were added or were
    removed between two builds' sources, when only those need rendering again (a removed one: its
    output deleted); None when a full engine build is needed: mkdocs.yml, overrides/, a hand-written
    page or asset changed, added or removed (its title, its links), or the notice banner (it is in
    every page). The engine itself asks for a full build when a file added or removed is in the nav
    or the nav is made from the file list (engine/mkdocs.py `_incremental`)."""
    if old.banner != new.banner:
        return None
    changed = {rel for rel, fp in new.files.items() if old.files.get(rel) != fp} | (old.files.keys() - new.files.keys())
    if any(not rel.startswith("docs/") or not is_generated_path(rel[5:]) for rel in changed):
        return None
    return {rel[5:] for rel in changed}


def fingerprint(path: Path) -> str | None:
    try:
        if path.is_dir():
            return "folder"
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None  # gone (or locked while being written: a later event brings the content)


def _crash(root: Path) -> Problem:
    from kepu.engine import CACHE_DIR, cache_dir

    log = cache_dir(root) / "logs" / "crash.log"
    shown = f"{CACHE_DIR}/logs/crash.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(traceback.format_exc(), encoding="utf-8")
    except OSError:
        pass
    print(f"kepu 内部出错了（这不是你的文件的问题）。请把 {shown} 发给技术志愿者。", flush=True)
    return Problem(shown, 0, ERROR, "kepu 内部出错了（这不是你的文件的问题）",
                   f"请把 {shown} 发给技术志愿者；修改文件并保存后会再试一次")


# ------------------------------------------------------------------ HTTP

def make_handler(preview: Preview, base: str):
    class Handler(BaseHTTPRequestHandler):
        server_version = "kepu-preview"

        def do_HEAD(self):
            self.do_GET(head=True)

        def do_GET(self, head: bool = False):
            url = urlsplit(self.path)
            path = unquote(url.path)
            if path == STATUS_PATH:
                seen = parse_qs(url.query).get("version", [""])[0]
                body = json.dumps(preview.wait_status(int(seen) if seen.isdigit() else None), ensure_ascii=False)
                return self.reply(200, TYPES[".json"], body.encode("utf-8"), head)
            if path in ("/__kepu/preview.js", "/__kepu/preview.css"):
                name = path.rsplit("/", 1)[1]
                return self.reply(200, TYPES[Path(name).suffix], (ASSETS / name).read_bytes(), head)
            if path == base + "admin":
                return self.redirect(base + "admin/")
            if path.startswith(base + "admin/"):  # the form editor (kepu.views.admin), made from the current settings
                return self.admin(path[len(base + "admin/"):], head)
            if not path.startswith(base):
                if base.startswith(path.rstrip("/") + "/"):  # "/" or a parent of the base path
                    return self.redirect(base)
                return self.reply(404, TYPES[".txt"], f"预览网站在 {base} 下面。".encode("utf-8"), head)
            with preview.cond:
                folder, build = preview.current, preview.build
                if preview.partial is not None and folder is not None:
                    wanted = path[len(base):]
                    wanted = (wanted + "index.html") if not wanted or wanted.endswith("/") else wanted
                    if wanted.endswith(".html") and wanted not in preview.partial:
                        preview.cond.wait_for(lambda: preview.partial is None, WAIT_SECONDS)  # being made
                        folder, build = preview.current, preview.build
            if folder is None:  # no good build yet: a waiting page that shows progress and errors
                return self.reply(503, TYPES[".html"], inject((ASSETS / "waiting.html").read_bytes(), 0), head)
            rel = PurePosixPath(path[len(base):])
            if ".." in rel.parts or any(":" in part or "\\" in part for part in rel.parts):
                return self.reply(404, TYPES[".txt"], "没有这个页面。".encode("utf-8"), head)
            target = folder.joinpath(*rel.parts)
            if target.is_dir():
                if not path.endswith("/"):
                    return self.redirect(path + "/")
                target = target / "index.html"
            status = 200
            if not target.is_file():
                status, target = 404, folder / "404.html"
                if not target.is_file():
                    return self.reply(404, TYPES[".txt"], "没有这个页面。".encode("utf-8"), head)
            try:
                data = target.read_bytes()
            except OSError:  # the build was replaced while reading: the browser will retry
                return self.reply(503, TYPES[".txt"], "预览正在更新，请刷新。".encode("utf-8"), head)
            suffix = target.suffix.lower()
            kind = TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if suffix == ".html":
                data = inject(data, build)
            self.reply(status, kind, data, head)

        def admin(self, rel: str, head: bool) -> None:
            from kepu.views import admin

            if ".." in rel.split("/") or "\\" in rel:
                return self.reply(404, TYPES[".txt"], "没有这个页面。".encode("utf-8"), head)
            data = admin.read(preview.root, rel)
            if data is None:
                return self.reply(404, TYPES[".txt"], "没有这个页面。".encode("utf-8"), head)
            kind = TYPES.get(Path(rel or "index.html").suffix, "text/yaml; charset=utf-8")
            self.reply(200, kind, data, head)

        def reply(self, status: int, kind: str, body: bytes, head: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def redirect(self, where: str) -> None:
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", where)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # no English request log in the volunteer's terminal
            pass

    return Handler


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # open long-polls never delay Ctrl+C
    allow_reuse_address = os.name != "nt"  # on Windows it would let two servers share a port

    def handle_error(self, request, client_address):
        pass  # a browser that closed the connection (reload, tab closed) is not an error


def open_server(port: int, handler) -> tuple[PreviewServer | None, int]:
    for candidate in range(port, port + PORT_TRIES):
        try:
            return PreviewServer(("127.0.0.1", candidate), handler), candidate
        except (OSError, OverflowError):  # busy, not allowed, or not a port number
            continue
    return None, port


# ------------------------------------------------------------------ watcher

def start_watching(root: Path, preview: Preview):
    from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileCreatedEvent,
                                 FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileSystemEventHandler)
    from watchdog.observers import Observer

    # Only real changes: not opened/closed-without-writing, which every build's reading would cause.
    kinds = [FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent,
             DirCreatedEvent, DirDeletedEvent, DirMovedEvent]

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            for raw in (event.src_path, getattr(event, "dest_path", "")):
                if not raw:
                    continue
                path = Path(os.fsdecode(raw))
                try:
                    rel = path.relative_to(root).as_posix()
                except ValueError:
                    continue
                if is_watched(rel):
                    preview.changed(rel)

    observer = Observer()
    handler = Handler()
    observer.schedule(handler, str(root), recursive=False, event_filter=kinds)  # mkdocs.yml
    for name in ("bulletins", "docs", "overrides"):
        if (root / name).is_dir():
            observer.schedule(handler, str(root / name), recursive=True, event_filter=kinds)
    observer.daemon = True
    observer.start()
    return observer


# ------------------------------------------------------------------ command

def serve(root: Path, *, port: int = 8000, today: date | None = None, engine_name: str | None = None) -> int:
    from kepu import engine
    from kepu.content.config import load_settings
    from kepu.content.problems import Problems

    root = root.resolve()
    settings = load_settings(root, Problems(root))  # problems are reported by the first build
    base = settings.base_path
    try:
        engine_name = engine.resolve(engine_name, settings)
    except engine.EngineMissing as exc:
        print(f"{exc.args[0]}\n预览没有启动。", flush=True)
        return 1
    server, used = open_server(port, None)
    if server is None:
        print(f"端口 {port}–{port + PORT_TRIES - 1} 都被占用了，预览没有启动。可能已经开着一个预览窗口："
              f"先关掉它（在那个窗口按 Ctrl+C），或者换一个端口，例如：{command('serve', '--port', str(port + 100))}",
              flush=True)
        return 1
    if used != port:
        print(f"端口 {port} 已被占用（可能另一个预览还开着），改用端口 {used}。", flush=True)
    work = engine.cache_dir(root) / "preview" / str(used)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    preview = Preview(root, work, today, engine_name)
    server.RequestHandlerClass = make_handler(preview, base)
    print(f"预览地址：http://127.0.0.1:{used}{base}  （用浏览器打开；按 Ctrl+C 停止预览）", flush=True)
    print(f"编辑器地址：http://127.0.0.1:{used}{base}admin/  （用 Chrome 或 Edge 打开，选择这个文件夹就能用表单写稿）", flush=True)
    print("正在生成预览…", flush=True)
    observer = start_watching(root, preview)
    threading.Thread(target=preview.work_forever, name="kepu-preview-build", daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        observer.stop()
    print("\n预览已停止。", flush=True)
    return 0
