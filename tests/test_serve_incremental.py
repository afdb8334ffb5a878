"""`kepu serve` rebuilds incrementally: the next preview starts from the last good one and the
engine renders only the generated pages that changed. The result must be exactly what a full
build of the same content makes (same files, same bytes)."""
from __future__ import annotations

import filecmp
import os
from pathlib import Path

import pytest
from conftest import TODAY
from sitecopy import copy_site

from kepu.build import build
from kepu.serve import Preview, Sources, incremental_changes

ACTIVITY = "bulletins/2026/2026-11-07-fire-drill.md"


def tree(folder: Path) -> dict[str, bytes]:
    out = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return out


def assert_same_as_full_build(preview: Preview, tmp_path: Path, label: str) -> None:
    full = tmp_path / f"full-{label}"
    assert build(preview.root, today=TODAY, site_dir=full) == 0
    ours, theirs = tree(preview.current), tree(full)
    assert sorted(ours) == sorted(theirs), label
    differ = sorted(rel for rel in ours if ours[rel] != theirs[rel])
    assert differ == [], label


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("serve-site"))
    work = root / ".kepu-cache" / "preview" / "test"
    work.mkdir(parents=True)
    preview = Preview(root, work, TODAY)
    preview.rebuild()
    assert preview.build == 1 and preview.last_changed is None  # the first build is a full one
    return preview


def rebuild(preview: Preview) -> None:
    before = preview.build
    preview.rebuild()
    assert preview.build == before + 1, [p.format() for p in preview.problems]


def test_first_build_in_two_steps_is_a_full_build(preview, tmp_path):
    """The first build shows the nav's pages first and makes the others into the same folder."""
    assert preview.partial is None and preview.pending is None  # finished before rebuild() returned
    assert_same_as_full_build(preview, tmp_path, "first")


def test_edited_activity_renders_only_what_changed(preview, tmp_path):
    previous = preview.current
    edit(preview.root, ACTIVITY, "\n---\n", "\n---\n\n增量预览测试句子。\n")
    rebuild(preview)
    changed = preview.last_changed
    assert changed and "2026/11/07-fire-drill/index.md" in changed
    assert len(changed) < 20, sorted(changed)  # not every page
    assert not preview.tracker.full and preview.tracker.kept > 50  # generation too: the other bulletins' files kept
    assert "增量预览测试句子" in (preview.current / "2026/11/07-fire-drill/index.html").read_text(encoding="utf-8")
    assert previous.is_dir() and "增量预览测试句子" not in (previous / "2026/11/07-fire-drill/index.html").read_text(
        encoding="utf-8")  # the last good build is untouched: hard links were replaced, never written into
    assert_same_as_full_build(preview, tmp_path, "edited")


def test_edited_activity_title_and_current_issue(preview, tmp_path):
    """A title is on the pages that list the activity and in its related activities' pages; the
    current issue is also /current/ and the home page, and its neighbours link to it (one save)."""
    edit(preview.root, ACTIVITY, "title: ", "title: 改过的")
    path = preview.root / "bulletins/2026/2026-11.md"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n本期正文的新段落。\n", encoding="utf-8")
    edit(preview.root, "bulletins/2026/2026-11.md", "title: ", "title: 新")
    rebuild(preview)
    assert preview.last_changed and not preview.tracker.full
    assert "本期正文的新段落" in (preview.current / "current/index.html").read_text(encoding="utf-8")
    assert_same_as_full_build(preview, tmp_path, "titles")


def test_replaced_photo(preview, tmp_path):
    """A photo's bytes are in every page that shows it: nothing is kept from the last generation."""
    from PIL import Image

    photo = preview.root / "bulletins/2026/images/2026-05-12-drill.jpg"
    with Image.open(photo) as img:
        img.transpose(Image.Transpose.FLIP_LEFT_RIGHT).resize((img.width // 2, img.height // 2)).save(photo)
    rebuild(preview)
    assert preview.tracker.full
    assert_same_as_full_build(preview, tmp_path, "photo")


def test_edited_topics_yml(preview, tmp_path):
    edit(preview.root, "bulletins/topics.yml", "description: 消防、燃气", "description: 防火、消防、燃气")
    rebuild(preview)
    assert preview.last_changed  # incremental
    assert not preview.tracker.full  # a description is only on the topic pages and lists (made every time)
    assert_same_as_full_build(preview, tmp_path, "topics")


def test_added_activity_renders_it_and_the_pages_that_list_it(preview, tmp_path):
    """A new bulletin's pages are in no other page's HTML but the sitemap's (the nav is mkdocs.yml's)."""
    src = preview.root / ACTIVITY
    new = src.with_name("2026-11-14-fire-drill-two.md")
    text = src.read_text(encoding="utf-8").replace("title: ", "title: 第二次", 1).replace("date: 2026-11-07", "date: 2026-11-14")
    new.write_text(text, encoding="utf-8")
    rebuild(preview)
    changed = preview.last_changed
    assert changed and "2026/11/14-fire-drill-two/index.md" in changed and len(changed) < 40, changed
    assert (preview.current / "2026/11/14-fire-drill-two/index.html").is_file()
    assert "2026/11/14-fire-drill-two/" in (preview.current / "sitemap.xml").read_text(encoding="utf-8")
    assert not preview.tracker.full and preview.tracker.kept > 50  # generation: the other bulletins' files kept
    assert_same_as_full_build(preview, tmp_path, "added")


def test_added_then_deleted_starts_from_the_build_before(preview, tmp_path):
    """The build before the last one has the same files again: it is brought up to date."""
    (preview.root / "bulletins/2026/2026-11-14-fire-drill-two.md").unlink()
    rebuild(preview)
    assert preview.last_changed is not None
    assert not (preview.current / "2026/11/14-fire-drill-two").exists()
    assert_same_as_full_build(preview, tmp_path, "deleted-again")


def test_deleted_activity_deletes_its_pages_and_folders(preview, tmp_path):
    (preview.root / "bulletins/2026/2026-10-24-elder-fraud-talk.md").unlink()
    rebuild(preview)
    changed = preview.last_changed
    assert changed and "2026/10/24-elder-fraud-talk/index.md" in changed and len(changed) < 40, changed
    assert not (preview.current / "2026/10/24-elder-fraud-talk").exists()
    assert "elder-fraud-talk" not in (preview.current / "sitemap.xml").read_text(encoding="utf-8")
    assert_same_as_full_build(preview, tmp_path, "deleted")


def test_added_and_removed_issue(preview, tmp_path):
    """Next month's issue, prepared early: its neighbour's next link, its month's activities, the
    archive; then removed again."""
    src = preview.root / "bulletins/2026/2026-11.md"
    new = src.with_name("2026-12.md")
    new.write_text(src.read_text(encoding="utf-8").replace("month: 2026-11", "month: 2026-12")
                   .replace("title: ", "title: 十二月：", 1), encoding="utf-8")
    rebuild(preview)
    assert preview.last_changed and "2026/12/index.md" in preview.last_changed
    assert not preview.tracker.full
    assert_same_as_full_build(preview, tmp_path, "issue-added")
    new.unlink()
    rebuild(preview)
    assert preview.last_changed is not None and not (preview.current / "2026/12/index.html").exists()
    assert (preview.current / "2026/12/05-winter-gas-electric-safety/index.html").is_file()
    assert_same_as_full_build(preview, tmp_path, "issue-removed")


def test_a_hand_written_link_to_a_deleted_activity_fails_as_in_a_full_build(preview, tmp_path):
    """Removing a page reads every hand-written page again: a link to it is MkDocs' warning, so the
    preview keeps the last good build and shows the problem, as `kepu build` refuses to build."""
    page = preview.root / "docs" / "guide" / "print.md"  # not a page of the nav (those are always read)
    before = page.read_text(encoding="utf-8")
    page.write_text(before + "\n看[消防演练](../2026/11/07-fire-drill/index.md)。\n", encoding="utf-8")
    rebuild(preview)  # a hand-written page: a full build, with the link
    good = preview.build
    (preview.root / ACTIVITY).rename(preview.root / "removed-activity.md")
    try:
        preview.rebuild()
        assert preview.build == good and preview.problems  # not shown: the link is broken
        assert build(preview.root, today=TODAY, site_dir=tmp_path / "full") == 1
    finally:
        (preview.root / "removed-activity.md").rename(preview.root / ACTIVITY)
        page.write_text(before, encoding="utf-8")
    rebuild(preview)
    assert_same_as_full_build(preview, tmp_path, "restored")


def test_hand_written_page_is_a_full_build(preview, tmp_path):
    page = next(p for p in sorted((preview.root / "docs" / "about").glob("*.md")))
    page.write_text(page.read_text(encoding="utf-8") + "\n手写页面的新段落。\n", encoding="utf-8")
    rebuild(preview)
    assert preview.last_changed is None
    assert_same_as_full_build(preview, tmp_path, "handwritten")


def test_mkdocs_yml_is_a_full_build(preview, tmp_path):
    edit(preview.root, "mkdocs.yml", "site_name: ", "site_name: 新名字")
    rebuild(preview)
    assert preview.last_changed is None
    assert "新名字" in (preview.current / "2026/10/index.html").read_text(encoding="utf-8")
    assert_same_as_full_build(preview, tmp_path, "mkdocs-yml")


def test_edit_after_full_build_is_incremental_again(preview, tmp_path):
    edit(preview.root, ACTIVITY, "增量预览测试句子", "增量预览第二次修改")
    rebuild(preview)
    assert preview.last_changed
    assert_same_as_full_build(preview, tmp_path, "again")


def test_without_a_nav_an_added_activity_is_a_full_build(preview, tmp_path):
    """With no nav in mkdocs.yml, MkDocs makes it from the file list: a new page is in every page."""
    import re

    config = preview.root / "mkdocs.yml"
    before = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^nav:\n(?:  .*\n)+", "", before), encoding="utf-8")
    new = preview.root / "bulletins/2026/2026-11-21-fire-drill-three.md"
    try:
        rebuild(preview)  # mkdocs.yml: a full build
        new.write_text((preview.root / ACTIVITY).read_text(encoding="utf-8").replace("title: ", "title: 第三次", 1)
                       .replace("date: 2026-11-07", "date: 2026-11-21"), encoding="utf-8")
        rebuild(preview)
        assert preview.last_changed is None  # the engine would not do less
        assert "21-fire-drill-three" in (preview.current / "about/index.html").read_text(encoding="utf-8")  # in its nav
        assert_same_as_full_build(preview, tmp_path, "no-nav")
    finally:
        new.unlink(missing_ok=True)
        config.write_text(before, encoding="utf-8")
    rebuild(preview)


def test_what_needs_a_full_build():
    gen = {"docs/2026/11/07-x.md": (1, 1, 1), "docs/index.md": (1, 1, 2), "docs/about/index.md": ("h",),
           "mkdocs.yml": ("m",), "overrides/main.html": ("o",)}
    base = Sources(gen, None)
    assert incremental_changes(base, Sources(dict(gen), None)) == set()
    assert incremental_changes(base, Sources({**gen, "docs/2026/11/07-x.md": (2, 2, 3)}, None)) == {"2026/11/07-x.md"}
    for rel in ("docs/about/index.md", "mkdocs.yml", "overrides/main.html"):
        assert incremental_changes(base, Sources({**gen, rel: ("changed",)}, None)) is None, rel
    added = Sources({**gen, "docs/2026/11/08-y.md": (1, 1, 9)}, None)
    assert incremental_changes(base, added) == {"2026/11/08-y.md"}  # the engine renders it (or builds all: nav)
    assert incremental_changes(added, base) == {"2026/11/08-y.md"}  # removed: the engine deletes its page
    assert incremental_changes(base, Sources({**gen, "docs/guide/new.md": ("h",)}, None)) is None  # hand-written
    assert incremental_changes(base, Sources({k: v for k, v in gen.items() if k != "docs/about/index.md"}, None)) is None
    assert incremental_changes(base, Sources(gen, "<div>停水</div>")) is None  # the notice banner is on every page


def test_load_cache_gives_the_same_model_and_problems(tmp_path, monkeypatch):
    """load_site(cache=…) reuses parsed front matter; its problems are reported again, and an
    edited file is parsed again."""
    from kepu.content.loader import load_site

    root = copy_site(tmp_path / "site")
    bad = root / ACTIVITY
    bad.write_text(bad.read_text(encoding="utf-8").replace("title: ", "title：", 1), encoding="utf-8")

    def shown(result):
        return [p.format() for p in result.problems.sorted()], [a.title for a in result.site.activities]

    cache: dict = {}
    plain = shown(load_site(root, today=TODAY))
    assert any("2026-11-07-fire-drill.md" in line for line in plain[0])
    assert shown(load_site(root, today=TODAY, cache=cache)) == plain
    assert cache
    assert shown(load_site(root, today=TODAY, cache=cache)) == plain  # from the cache: same problems again
    bad.write_text(bad.read_text(encoding="utf-8").replace("title：", "title: ", 1), encoding="utf-8")
    fixed = shown(load_site(root, today=TODAY, cache=cache))
    assert fixed == shown(load_site(root, today=TODAY))
    assert not any("2026-11-07-fire-drill.md" in line for line in fixed[0])
    # a new activity is the only file read again; its links to the others are checked as always
    import kepu.content.loader as loader

    new = bad.with_name("2026-11-14-fire-drill-two.md")
    new.write_text(bad.read_text(encoding="utf-8").replace("date: 2026-11-07", "date: 2026-11-14")
                   .replace("\n---\n", "\n---\n\n见[上期](2026-10.md)和[没有的](2026-13.md)。\n", 1), encoding="utf-8")
    read = []
    real = loader.read_source
    monkeypatch.setattr(loader, "read_source", lambda path, *a, **k: read.append(path.name) or real(path, *a, **k))
    added = shown(load_site(root, today=TODAY, cache=cache))
    assert read == ["2026-11-14-fire-drill-two.md"], read
    assert added == shown(load_site(root, today=TODAY)) and any("2026-13" in line for line in added[0])


def test_the_mkdocs_internals_serve_relies_on():
    """engine/mkdocs.py `_incremental` and `_theme_env` follow MkDocs 1.6's own build() and call
    its private functions: this fails on an upgrade that changes them (then re-read build() and
    adapt both, or let kepu serve make full builds)."""
    import inspect

    import mkdocs
    from mkdocs.commands import build as mb
    from mkdocs.structure.files import Files

    assert mkdocs.__version__.startswith("1.6."), mkdocs.__version__
    wanted = {"_populate_page": ["page", "config", "files", "dirty"],
              "_build_page": ["page", "config", "doc_files", "nav", "env", "dirty", "excluded"],
              "_build_theme_template": ["template_name", "env", "files", "config", "nav"],
              "_build_extra_template": ["template_name", "files", "config", "nav"]}
    for name, params in wanted.items():
        assert list(inspect.signature(getattr(mb, name)).parameters) == params, name
    steps = inspect.getsource(mb.build)
    for step in ("get_files(config)", "config.theme.get_env()", "files.add_files_from_theme(env, config)",
                 "get_navigation(files, config)", "_populate_page(", "copy_static_files(", "static_templates",
                 "extra_templates", "_build_page(", "validate_anchor_links(", "on_post_build"):
        assert step in steps, step
    # _theme_env reuses the environment and keeps the theme's file list: only this reads it
    assert inspect.getsource(Files.add_files_from_theme).count("env.list_templates(") == 1
