"""kepu serve's dependency tracking (kepu.views.depends) and the two-step full build, piece by piece.
The whole-site guarantee (preview == full build after each kind of edit) is test_serve_incremental."""
from __future__ import annotations

import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kepu.core.writer import Output
from kepu.serve import Preview, built_pages, make_handler, open_server
from kepu.views import share
from kepu.views.depends import Tracker


@dataclass(frozen=True)
class Item:
    name: str
    color: str
    text: str


class Pages:
    """A view like the per-bulletin ones: one page per item, each with a share card of its colour."""

    def __init__(self, items):
        self.items = items
        self.made: list[str] = []

    def generate(self, site, out, media):
        for item in self.items:
            rel = f"topics/{item.name}/index.md"
            if out.unchanged(rel, item):
                continue
            self.made.append(item.name)
            card = share.image_for(media, colors=[item.color])
            out.page(rel, f"{item.text} {card}\n")


def generate(docs: Path, tracker: Tracker, items, context="same"):
    view = Pages(items)
    report = tracker.generate(None, docs, [view], context)
    return view.made, report


def test_unchanged_inputs_keep_the_file_and_what_it_published(tmp_path):
    docs = tmp_path / "docs"
    tracker = Tracker()
    a, b = Item("a", "#112233", "A"), Item("b", "#112233", "B")  # b only looks up the card a made
    made, _ = generate(docs, tracker, [a, b])
    assert made == ["a", "b"] and tracker.full
    card = next((docs / "assets/generated/share").iterdir())
    made, report = generate(docs, tracker, [Item("a", "#445566", "A2"), b])  # a changes colour; b is kept
    assert made == ["a"] and tracker.kept == 1 and not tracker.full
    assert card.is_file(), "the card b shows was removed with a's change"
    assert report.written == sorted(["topics/a/index.md", f"assets/generated/share/{_card('#445566')}"])
    made, _ = generate(docs, tracker, [Item("a", "#445566", "A2"), b], context="other")  # settings changed
    assert made == ["a", "b"] and tracker.full


def test_a_file_changed_behind_its_back_is_made_again(tmp_path):
    """Another `kepu build` in between made docs/ differently: the manifest no longer has our hash."""
    docs = tmp_path / "docs"
    tracker = Tracker()
    a = Item("a", "#112233", "A")
    generate(docs, tracker, [a])
    out = Output(docs=docs)
    out.page("topics/a/index.md", "something else\n")
    out.finish()
    made, _ = generate(docs, tracker, [a])
    assert made == ["a"]


def _card(color: str) -> str:
    import hashlib

    return f"{hashlib.sha1(color.encode()).hexdigest()[:12]}.png"


def test_built_pages():
    assert built_pages({"index.md", "2026/11/index.md", "about/team.md", "assets/x.css"}) == [
        "2026/11/index.html", "about/team/index.html", "index.html"]


def test_a_page_not_made_yet_waits_for_the_second_step(tmp_path):
    site = tmp_path / "build"
    (site / "later").mkdir(parents=True)
    (site / "index.html").write_text("<html><head></head>home</html>", encoding="utf-8")
    (site / "later" / "index.html").write_text("<html><head></head>half made</html>", encoding="utf-8")
    preview = Preview(tmp_path, tmp_path / "work", None)
    preview._publish(current=site, build=1, building=False, partial={"index.html"})
    server, _ = open_server(0, make_handler(preview, "/"))
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        got: dict = {}

        def ask(path):
            got[path] = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read().decode()

        home = threading.Thread(target=ask, args=("/",))
        later = threading.Thread(target=ask, args=("/later/",))
        home.start(), later.start()
        home.join(10)
        assert "home" in got["/"]  # made in the first step: answered at once
        time.sleep(0.3)
        assert "/later/" not in got  # still waiting
        (site / "later" / "index.html").write_text("<html><head></head>finished</html>", encoding="utf-8")
        preview._publish(partial=None)
        later.join(10)
        assert "finished" in got["/later/"]
    finally:
        server.shutdown()
        server.server_close()


def test_a_bulletin_is_read_again_when_a_topic_alias_changes(tmp_path):
    """load_site(cache=…) reuses a file's reading only while the topics' names and aliases, the
    date and the file list are those it was read with."""
    from conftest import TODAY
    from sitecopy import copy_site

    from kepu.content.loader import load_site

    root = copy_site(tmp_path / "site")
    act = root / "bulletins/2026/2026-11-07-fire-drill.md"

    def edit(path, old, new):
        text = path.read_text(encoding="utf-8")
        assert old in text, f"the fixture changed: {old!r} is not in {path.name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit(act, "topics:\n  - 消防\n", "topics:\n  - 防火\n")
    cache: dict = {}

    def unknown():
        return [p.message for p in load_site(root, today=TODAY, cache=cache).problems.items if "防火" in p.message]

    assert unknown()  # 防火 is not a registered name or alias
    topics = root / "bulletins/topics.yml"
    edit(topics, "    - 消防\n", "    - 防火\n    - 消防\n")
    assert unknown() == []  # the activity file did not change, its reading did
    edit(topics, "description: 消防", "description: 防火")
    assert unknown() == []


def test_a_file_deleted_behind_its_back_is_made_again(tmp_path):
    docs = tmp_path / "docs"
    tracker = Tracker()
    a = Item("a", "#112233", "A")
    generate(docs, tracker, [a])
    (docs / "topics/a/index.md").unlink()
    made, _ = generate(docs, tracker, [a])
    assert made == ["a"] and (docs / "topics/a/index.md").is_file()
