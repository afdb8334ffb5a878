"""The form editor (/admin/) in a real Chromium, no network: the page is served on 127.0.0.1 (local-repository
mode), the repository is the frozen example copied into the browser's origin-private file system, and every
request to another host is aborted and recorded. One browser and one page for the whole module."""
from __future__ import annotations

import base64
import re
import shutil
import time
from pathlib import Path

import pytest
from admin_browser import init_script, serve_admin
from browser import browser, needs_chromium
from conftest import EXAMPLE, TODAY

from kepu.checks import load_and_check
from kepu.content.config import load_settings
from kepu.content.problems import Problems
from kepu.content.topics import load_topics
from kepu.views import admin

pytestmark = needs_chromium
FOREIGN_OK = ("https://api.github.com/",)


class Editor:
    def __init__(self, page, url, foreign, timings):
        self.page, self.url, self.foreign, self.timings = page, url, foreign, timings

    def field(self, label: str):
        return self.page.locator(f"section[aria-label='「\u2068{label}\u2069」字段']")

    def collection(self, name: str):
        self.page.get_by_text(name, exact=True).first.click()
        self.page.wait_for_timeout(300)

    def read(self, rel: str) -> bytes:
        return base64.b64decode(self.page.evaluate(f"__kepuRead({rel!r})"))

    def listing(self, rel: str) -> list[str]:
        return self.page.evaluate(f"__kepuList({rel!r})")

    def open(self, collection: str, title: str, label: str):
        """Open an entry from its collection's list; returns its title box, the cursor at the end."""
        self.page.evaluate("location.hash = '#/collections'")
        self.page.wait_for_timeout(200)
        self.collection(collection)
        self.page.locator("[role=row], [role=option], li, a").filter(has_text=title).first.click()
        box = self.field(label).locator("input")
        box.wait_for()
        box.press("End")
        return box

    def fill(self, label: str, value: str):
        """Type into a field's box; again if the new form was still setting up and dropped it."""
        box = self.field(label).locator("input").first
        box.wait_for()
        for _ in range(10):
            box.fill(value)
            self.page.wait_for_timeout(200)
            if box.input_value() == value:
                return
        raise AssertionError(f"{label}: the form does not keep {value!r}")

    def save(self):
        """Save, and wait until the CMS has written the file: it then closes the editor and goes back
        to the collection's list (#/collections/NAME), for a new entry, an edited one and the topics file."""
        self.page.get_by_role("button", name="保存").click()
        self.page.wait_for_function("/^#\\/collections\\/[^/]+$/.test(location.hash)")


@pytest.fixture(scope="module")
def editor():
    problems = Problems(EXAMPLE)
    files = admin.files(load_settings(EXAMPLE, problems), load_topics(EXAMPLE / "bulletins" / "topics.yml", problems))
    foreign: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            return r.continue_()
        foreign.append(url)
        r.abort()

    with serve_admin(files) as url, browser() as b:
        ctx = b.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        ctx.add_init_script(init_script(EXAMPLE))
        ctx.route("**/*", route)
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(url)
        page.get_by_text("使用本地仓库").wait_for()
        timings = {"login_page_ms": (time.perf_counter() - t0) * 1000}
        page.get_by_text("使用本地仓库").click()
        page.get_by_text("集合").first.wait_for()
        page.wait_for_timeout(500)
        timings["collections_ms"] = (time.perf_counter() - t0) * 1000
        yield Editor(page, url, foreign, timings)
        ctx.close()


def test_chinese_ui_icons_and_no_foreign_request(editor):
    page = editor.page
    text = page.inner_text("body")
    assert "月刊" in text and "活动" in text and "专题表" in text and "新建" in text
    for english in ("Couldn't load", "Collections", "Sign In", "Unexpected error", "translation"):
        assert english not in text
    assert page.evaluate("document.fonts.check('24px \"Material Symbols Outlined\"', 'edit')")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Material Symbols" in f for f in loaded), loaded  # the icons are drawn, not shown as words
    assert [u for u in editor.foreign if not u.startswith(FOREIGN_OK)] == []


def test_new_activity_form_saves_a_file_that_passes_the_strict_check(editor, tmp_path):
    page, F = editor.page, editor.field
    editor.collection("活动")
    t0 = time.perf_counter()
    page.get_by_role("button", name="创建新条目").click()
    F("活动名称").locator("input").wait_for()
    editor.timings["first_form_ms"] = (time.perf_counter() - t0) * 1000
    editor.fill("活动名称", "冬季消防演练")
    F("日期").locator("input").fill("2027-01-09")
    F("地点").locator("input").fill("社区服务中心二楼")
    F("时间").locator("input").fill("14:30-16:00")
    F("专题").get_by_role("combobox").click()
    page.get_by_role("option", name="安全").first.click()
    F("主办").locator("input").click()
    F("正文").locator("[contenteditable=true]").click()
    page.keyboard.type("活动预告：学习使用灭火器，适合全体居民。")
    editor.save()
    assert editor.listing("bulletins/2027") == ["2027-01-09-huodong.md"]
    saved = editor.read("bulletins/2027/2027-01-09-huodong.md").decode("utf-8")
    assert saved == ("---\ntitle: 冬季消防演练\ndate: 2027-01-09\nlocation: 社区服务中心二楼\ntopics:\n  - 安全\n"
                     "time: 14:30-16:00\n---\n\n活动预告：学习使用灭火器，适合全体居民。\n")
    root = tmp_path / "site"
    shutil.copytree(EXAMPLE, root)
    (root / "bulletins" / "2027").mkdir()
    (root / "bulletins" / "2027" / "2027-01-09-huodong.md").write_text(saved, encoding="utf-8")
    result = load_and_check(root, today=TODAY)
    mine = [p.format() for p in result.problems.sorted() if "2027-01-09" in str(p.path)]
    assert mine == [] and not result.problems.errors
    act = next(a for a in result.site.activities if a.slug == "huodong")
    assert (act.title, act.location, act.topics, act.start.isoformat()) == ("冬季消防演练", "社区服务中心二楼", ("safety",), "14:30:00")


def test_new_issue_with_two_panels_from_the_panel_button_and_a_photo(editor, tmp_path):
    page, F = editor.page, editor.field
    photo = tmp_path / "winter photo (1).jpg"  # a phone's name: a space and brackets
    from PIL import Image

    Image.new("RGB", (64, 48), (200, 80, 40)).save(photo)
    editor.page.evaluate("location.hash = '#/collections'")
    editor.collection("月刊")
    page.get_by_role("button", name="创建新条目").click()
    editor.fill("标题", "冬季用电安全")  # waits for the new form
    F("月份").locator("input").fill("2027-01-15")  # any day of the month: the issue is January's
    F("封面图").locator("input[type=file]").first.set_input_files(str(photo))
    body = F("正文").locator("[contenteditable=true]").first
    body.click()
    page.keyboard.type("本期导语。")
    page.keyboard.press("Enter")
    for topic, title, text in (("安全", "取暖器这样用", "取暖器离窗帘一米远。"), ("健康", "冬季防流感", "勤洗手，多通风。")):
        F("正文").get_by_role("button", name="插入").click()
        page.get_by_role("menuitem", name="展板").click()  # kepu's component: pick the topic, type the title
        F("专题").last.get_by_role("combobox").click()
        page.get_by_role("option", name=topic, exact=True).first.click()
        F("展板标题").last.locator("input").fill(title)
        body.press("Control+End")
        page.keyboard.type(text)
        page.keyboard.press("Enter")
    editor.fill("标题", "冬季用电安全")  # still there (a form still setting up has dropped it once)
    editor.save()
    for _ in range(20):  # the photo is written too
        if "2027-01.md" in editor.listing("bulletins/2027"):
            break
        page.wait_for_timeout(250)
    page.screenshot(path=str(tmp_path / "issue.png"))
    assert "2027-01.md" in editor.listing("bulletins/2027"), page.inner_text("body")[:600]
    saved = editor.read("bulletins/2027/2027-01.md").decode("utf-8")
    assert saved == ("---\ntitle: 冬季用电安全\nmonth: 2027-01\ncover: images/winter-photo-1.jpg\n---\n\n本期导语。\n\n"
                     "## 【安全】取暖器这样用\n\n取暖器离窗帘一米远。\n\n## 【健康】冬季防流感\n\n勤洗手，多通风。\n")
    assert editor.listing("bulletins/2027/images") == ["winter-photo-1.jpg"]  # beside the issue, a name the check accepts
    root = tmp_path / "site"
    shutil.copytree(EXAMPLE, root)
    (root / "bulletins" / "2027" / "images").mkdir(parents=True)
    (root / "bulletins" / "2027" / "2027-01.md").write_text(saved, encoding="utf-8")
    (root / "bulletins" / "2027" / "images" / "winter-photo-1.jpg").write_bytes(editor.read("bulletins/2027/images/winter-photo-1.jpg"))
    result = load_and_check(root, today=TODAY)
    assert [p.format() for p in result.problems.sorted() if "2027" in str(p.path)] == [] and not result.problems.errors
    issue = next(i for i in result.site.issues if (i.year, i.month) == (2027, 1))
    assert [(p.topic, p.title) for p in issue.panels] == [("safety", "取暖器这样用"), ("health", "冬季防流感")]
    assert issue.cover is not None


def _without_end_blank_lines(data: bytes) -> bytes:
    return data.rstrip(b"\n") + b"\n"


BODY = {"heading": r"^#{1,6} ", "bullet": r"^\s*[-*+] ", "nested": r"^\s+([-*+]|\d+\.) ", "ordered": r"^\s*\d+[.)] ",
        "table": r"^\s*\|", "image": r"!\[", "link": r"(?<!!)\]\(", "html": r"<[a-zA-Z/!]", "bold": r"\*\*|__",
        "em": r"(?<![*\w])[*_][^*_\s]", "code": r"`", "quote": r"^\s*>", "rule": r"^\s*(---|\*\*\*)\s*$",
        "hard-break": r"  $|\\$", "escape": r"\\[^\n]", "tab": "\t", "trailing-space": r"\S[ \t]$"}


def _shape(collection: str, text: str) -> set[str]:
    """What the CMS's reading and writing of a file can depend on: its collection, which front-matter keys it
    has in which order, the kinds of values (a list of one or of several items; quotes, colons, commas, lines
    longer than 80 characters, where a YAML writer may quote or fold), the kinds of Markdown in the body and
    how many newlines end it."""
    fm, _, body = text.removeprefix("---\n").partition("\n---\n")
    out = {f"{collection}:keys:" + ",".join(re.findall(r"^(\w+):", fm, re.M))}
    key = ""
    for line in fm.splitlines():
        m = re.match(r"^(\w+):\s*(.*)$", line)
        if m:
            key, value = m[1], m[2]
            out.add(f"{collection}:{key}:{'list' if not value else 'scalar'}")
        else:
            value = re.sub(r"^\s*- ", "", line)
        for name, chars in (("quotes", "\"'“”‘’「」"), ("colon", ":："), ("comma", ",，"), ("hash", "#")):
            if any(c in value for c in chars):
                out.add(f"{collection}:{key}:{name}")
        if len(line) > 80:
            out.add(f"{collection}:{key}:long")
    for name, items in re.findall(r"^(\w+):\n((?:\s+- .*(?:\n|$))+)", fm, re.M):
        out.add(f"{collection}:{name}:items{min(items.count('- '), 2)}")
    out.update("body:" + name for name, pattern in BODY.items() if re.search(pattern, body, re.M))
    if "\n\n\n" in body:
        out.add("body:blank-lines")
    out.add(f"body:ends-with-{len(body) - len(body.rstrip(chr(10)))}-newlines")
    return out


def _entries_of_every_shape(example) -> list[tuple[str, Path, str]]:
    """(collection, source, title) of a few example entries that together have every shape (_shape) of all of
    them, picked greedily in a fixed order (the one with most shapes not yet covered first). The CMS reads and
    writes a file by its collection, fields and Markdown, not by which file it is: an entry of a shape already
    covered adds nothing but 2 s of clicking. A new example entry of a new shape is picked up by itself."""
    entries = [("月刊", Path(i.source), i.title) for i in example.issues] + \
              [("活动", Path(a.source), a.title) for a in example.activities]
    shapes = [_shape(c, p.read_text(encoding="utf-8")) for c, p, _ in entries]
    left, chosen = set().union(*shapes), []
    while left:
        best = max(range(len(entries)), key=lambda n: (len(shapes[n] & left), -n))
        chosen.append(best)
        left -= shapes[best]
    assert {entries[n][0] for n in chosen} == {"月刊", "活动"} and len(left) == 0
    return [entries[n] for n in sorted(chosen)]


def test_saving_example_entries_of_every_shape_changes_only_what_was_changed(editor, example):
    """Open an example issue or activity of each shape (_entries_of_every_shape: every front-matter key set,
    kind of value and kind of Markdown of the example), make a no-op edit (type a character into the title,
    delete it) and save: the file stays the same bytes (blank lines at the end excepted). Then, for the first
    issue and the first activity, add the character and save: exactly the title line differs. So kepu's
    front-matter style (kepu new, the example) and the editor's are one."""
    entries = _entries_of_every_shape(example)
    assert 4 <= len(entries) < len(example.issues) + len(example.activities)
    changed, other, edited = [], [], set()
    for collection, path, title in entries:
        rel = path.relative_to(EXAMPLE).as_posix()
        before = (EXAMPLE / rel).read_bytes()
        label = "标题" if collection == "月刊" else "活动名称"
        box = editor.open(collection, title, label)
        box.fill(title + "字")
        box.fill(title)
        editor.save()
        if _without_end_blank_lines(editor.read(rel)) != _without_end_blank_lines(before):
            changed.append(rel)
        if collection in edited:
            continue
        edited.add(collection)
        box = editor.open(collection, title, label)
        box.fill(title + "字")
        editor.save()
        after = editor.read(rel).decode("utf-8").splitlines()
        lines = before.decode("utf-8").splitlines()
        diff = [(a, b) for a, b in zip(lines, after) if a != b]
        if len(after) != len(lines) or diff != [(f"title: {title}", f"title: {title}字")]:
            other.append((rel, diff[:2]))
    editor.timings["round_trip"] = f"{len(entries) - len(changed)}/{len(entries)}"
    print("\nround trip byte-identical:", editor.timings["round_trip"], [p.name for _, p, _ in entries], editor.timings)
    assert changed == [] and other == []


def test_topics_table_save_changes_only_the_edited_line_and_drops_the_comments(editor):
    """专题表: a save keeps every topic line as written (kepu's style is the editor's), except that the CMS
    does not keep YAML comments: the explanation lines at the top of topics.yml go (the guide has them)."""
    page, F = editor.page, editor.field
    page.evaluate("location.hash = '#/collections'")
    page.wait_for_timeout(200)
    editor.collection("专题表")
    page.get_by_text("专题表", exact=True).last.click()
    box = F("说明").first.locator("input")
    box.wait_for()
    box.fill(box.input_value() + "。")
    editor.save()
    before = (EXAMPLE / "bulletins" / "topics.yml").read_text(encoding="utf-8").splitlines()
    after = editor.read("bulletins/topics.yml").decode("utf-8").splitlines()
    kept = [line for line in before if not line.startswith("#")]
    assert len(after) == len(kept)
    assert [(a, b) for a, b in zip(kept, after) if a != b] == [
        ("  description: 传染病预防、合理用药、心理健康和日常保健知识。", "  description: 传染病预防、合理用药、心理健康和日常保健知识。。")]
