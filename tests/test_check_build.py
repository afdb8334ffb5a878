"""If `kepu check` passes, `kepu build` passes.

A corpus of what volunteers write (photo names as phones and Windows make
them, links between bulletins, reference-style links, raw HTML, footnotes,
tables, < and > in text, awkward file names), hand-written and generated.
For every case either the check reports an error as `path:line: 错误:` in
Chinese, or the case goes into one real site build that must succeed. The
cases that pass the check are built together (bisected only on failure), so
the whole file stays fast."""
from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import EXAMPLE, GOOD_ACTIVITY, GOOD_ISSUE, TODAY
from PIL import Image as PILImage
from sitecopy import copy_theme_and_pages

from kepu.build import build
from kepu.engine.mkdocs import report_mkdocs_messages
from kepu.checks import load_and_check
from kepu.content.loader import load_site

PHOTOS_2026 = ["IMG_1234 (1).jpg", "IMG_1234(1).jpg", "微信图片_20261012093015.jpg", "DSC_0001.JPG",
               "photo one.PNG", "IMG_20261012_093015 (2).JPG", "100% 满意.jpg", "a&b.jpeg", "mmexport1700000000000.jpg"]
PHOTOS_2025 = ["合影 (3).jpg"]
ERROR_LINE = re.compile(r"^bulletins/[^:]+:\d+: 错误: .*[\u4e00-\u9fff]")


@dataclass
class Case:
    name: str
    body: str = ""  # Markdown appended to a good activity
    files: dict[str, str] = field(default_factory=dict)  # other files to add: path -> text
    expect: str = "any"  # "pass" (the check must accept it), "error", or "any"


def case_files(n: int, case: Case) -> dict[str, str]:
    """The files of case number n (each case gets its own activity date)."""
    files = dict(case.files)
    if case.body or not case.files:
        day = date(2026, 1, 1) + timedelta(days=n)
        name = f"{day.isoformat()}-case{n:03d}.md"
        files[f"bulletins/2026/{name}"] = GOOD_ACTIVITY + "\n" + case.body.replace("{self}", name) + "\n"
    return files


HAND = [
    # photo names as phones and Windows make them
    Case("space and (1)", "![](images/IMG_1234 (1).jpg)", expect="pass"),
    Case("(1) without space", "![现场](images/IMG_1234(1).jpg)", expect="pass"),
    Case("angle brackets", "![现场](<images/IMG_1234 (1).jpg>)", expect="pass"),
    Case("percent-encoded", "![](images/IMG_1234%20(1).jpg)", expect="pass"),
    Case("Chinese name", "![合影](images/微信图片_20261012093015.jpg)", expect="pass"),
    Case("upper-case extension", "![](images/DSC_0001.JPG)", expect="pass"),
    Case("wrong case", "![](images/dsc_0001.jpg)", expect="error"),
    Case("missing copy", "![](images/IMG_1234 (2).jpg)", expect="error"),
    Case("title", '![照片](images/photo one.PNG "活动现场")', expect="pass"),
    Case("percent sign in name", "![](<images/100% 满意.jpg>)", expect="pass"),
    Case("ampersand", "![a&b](images/a&b.jpeg)", expect="pass"),
    Case("backslashes", "![](images\\IMG_1234 (1).jpg)", expect="pass"),
    Case("Windows absolute", "![](C:\\Users\\张丽\\Desktop\\IMG_1234.jpg)", expect="error"),
    Case("outside bulletins", "![](../../mkdocs.yml)", expect="error"),
    Case("other year photo", "![](../2025/images/合影 (3).jpg)", expect="pass"),
    Case("remote photo", "![](https://example.com/a.jpg)", expect="pass"),
    Case("empty image", "![说明]()", expect="error"),
    Case("caption with markup", "![<b>现场</b> & 居民](images/IMG_1234(1).jpg)", expect="pass"),
    Case("attr list", "![](images/IMG_1234(1).jpg){ width=300 }", expect="pass"),
    # reference-style and raw HTML
    Case("reference image", "![现场][p1]\n\n[p1]: images/IMG_1234 (1).jpg", expect="pass"),
    Case("shortcut reference image", "![p1]\n\n[P1]: <images/微信图片_20261012093015.jpg>", expect="pass"),
    Case("reference image missing", "![现场][p1]\n\n[p1]: images/nothere.jpg", expect="error"),
    Case("html img", '<img src="images/IMG_1234 (1).jpg" alt="现场">', expect="pass"),
    Case("html img unquoted", "<img src=images/DSC_0001.JPG>", expect="pass"),
    Case("html img missing", '<img src="images/nothere.jpg">', expect="error"),
    Case("html link", '<a href="2026-10.md">十月的橱窗</a>', expect="pass"),
    Case("html link missing", '<a href="2026-09.md">九月</a>', expect="error"),
    # links between bulletins
    Case("link same year", "看[十月的橱窗](2026-10.md)。", expect="pass"),
    Case("link with anchor", "[流感](2026-10.md#p1)", expect="pass"),
    Case("link other year", "[去年](../2025/2025-12.md)", expect="pass"),
    Case("link wrong relative path", "[去年](2025-12.md)", expect="error"),
    Case("link missing issue", "[下期](2026-13.md)", expect="error"),
    Case("link upper-case .MD", "[十月](2026-10.MD)", expect="error"),
    Case("link ./ and ../2026", "[a](./2026-10.md) [b](../2026/2026-10.md)", expect="pass"),
    Case("link with title", '[十月](2026-10.md "十月的橱窗")', expect="pass"),
    Case("link in angle brackets", "[十月](<2026-10.md>)", expect="pass"),
    Case("reference link", "[十月][r]\n\n[r]: 2026-10.md", expect="pass"),
    Case("reference link missing", "[九月][r]\n\n[r]: 2026-09.md", expect="error"),
    Case("link to an activity", "[本活动]({self}) [回到本页](./{self}#top)", expect="pass"),
    Case("web address without https", "[区科协](www.example.com)", expect="error"),
    Case("link to a photo", "[看大图](images/IMG_1234 (1).jpg)", expect="error"),
    Case("mail and phone", "[写信](mailto:kepu@example.org) [打电话](tel:057188000000)", expect="pass"),
    Case("empty link and anchor", "[空]() [本页](#top)", expect="pass"),
    Case("link text over two lines", "请看[十月的\n橱窗](2026-10.md)和[下一期\n月刊](2026-13.md)", expect="error"),
    Case("link text over two lines, valid", "请看[十月的\n橱窗](2026-10.md)，还有![现场\n照片](images/IMG_1234 (1).jpg)", expect="pass"),
    Case("image inside a link", "[![封面](images/IMG_1234(1).jpg)](2026-10.md)", expect="pass"),
    # other Markdown
    Case("footnote", "血压要常量[^1]。\n\n[^1]: 每周至少两次。", expect="pass"),
    Case("table", "| 项目 | 标准 |\n| --- | --- |\n| 收缩压 | <140 |\n| 舒张压 | >60 且 <90 |", expect="pass"),
    Case("less and greater", "血压 <140/90> 算正常；a<b，5>3，<某某> 和 <br> 换行。", expect="pass"),
    Case("autolink", "<https://example.com/> 和 <kepu@example.org>", expect="pass"),
    Case("code", "```\n![](nothere.jpg) [x](nothere.md)\n```\n\n`![](nothere.jpg)`", expect="pass"),
    Case("bracket label with colon", "[注意]: 演练时不要乘电梯", expect="error"),
    Case("bracket label with Chinese colon", "[注意]：演练时不要乘电梯", expect="pass"),
    Case("html comment", "<!-- ![](nothere.jpg) -->", expect="any"),
    Case("title with a link", files={"bulletins/2026/2026-12-30-title.md": GOOD_ACTIVITY.replace(
        "title: 消防疏散演练", 'title: "演练 [十月](2026-10.md) ![x](images/DSC_0001.JPG)"')}, expect="pass"),
    Case("location with markup", files={"bulletins/2026/2026-12-29-place.md": GOOD_ACTIVITY.replace(
        "location: 社区广场", 'location: "广场 [x](b.md) <img src=c.jpg> a<b"')}, expect="any"),
    # monthly issues
    Case("panel heading with a link", files={"bulletins/2026/2026-07.md": GOOD_ISSUE.replace(
        "## 【安全】燃气安全", "## 【安全】燃气安全 [见十月](2026-13.md)")}, expect="pass"),
    Case("issue photo with space", files={"bulletins/2026/2026-06.md": GOOD_ISSUE.replace(
        "用完燃气要关阀门。", "用完燃气要关阀门。\n\n![燃气阀门](images/IMG_1234 (1).jpg)")}, expect="pass"),
    Case("issue links a panel", files={"bulletins/2026/2026-05.md": GOOD_ISSUE.replace(
        "导语。", "导语。见[上期的流感展板](2026-10.md#p1)和[去年](../2025/2025-12.md)。")}, expect="pass"),
    Case("issue title with a link", files={"bulletins/2026/2026-04.md": GOOD_ISSUE.replace(
        "title: 冬季流感怎么防", 'title: "流感 [x](e.md)"')}, expect="pass"),
    Case("issue summary with markup", files={"bulletins/2026/2026-03.md": GOOD_ISSUE.replace(
        "summary: 本期介绍流感预防。", 'summary: "见 [x](f.md) 和 ![](g.jpg) <b>粗</b>"')}, expect="any"),
    # file names as Windows and Chinese keyboards make them
    Case("notepad .md.txt", files={"bulletins/2026/2026-04.md.txt": GOOD_ISSUE}, expect="error"),
    Case("windows copy", files={"bulletins/2026/2026-10 - 副本.md": GOOD_ISSUE}, expect="error"),
    Case("copy (2)", files={"bulletins/2026/2026-10 (2).md": GOOD_ISSUE}, expect="error"),
    Case("Chinese date", files={"bulletins/2026/2026年3月.md": GOOD_ISSUE}, expect="error"),
    Case("full-width digits", files={"bulletins/2026/２０２６-０２.md": GOOD_ISSUE}, expect="error"),
    Case("Chinese short name", files={"bulletins/2026/2026-12-12 消防.md": GOOD_ACTIVITY}, expect="error"),
    Case("upper-case .MD", files={"bulletins/2026/2026-01.MD": GOOD_ISSUE}, expect="error"),
]


def generated(count: int = 40, seed: int = 10) -> list[Case]:
    """Random combinations of photo names, ways to write a destination and link targets."""
    rng = random.Random(seed)
    cases = []
    for n in range(count):
        lines = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["image", "image", "ref-image", "html-image", "link", "ref-link"])
            if kind.endswith("image"):
                name = rng.choice(PHOTOS_2026 + ["nothere.jpg", "IMG_1234.jpg", "img_1234 (1).jpg"])
                path = rng.choice([f"images/{name}", f"./images/{name}", f"../2026/images/{name}"])
                alt = rng.choice(["", "现场", "居民 & 志愿者", "a<b", "[1]"])
                if kind == "html-image":
                    lines.append(f'<img src="{path}" alt="{alt}">')
                    continue
                style = rng.choice(["plain", "angle", "quoted", "title"])
                dest = {"plain": path, "angle": f"<{path}>", "quoted": quote(path), "title": f'{path} "标题"'}[style]
                if kind == "ref-image":
                    lines.append(f"![{alt}][g{n}]\n\n[g{n}]: {dest}")
                else:
                    lines.append(f"![{alt}]({dest})")
            else:
                target = rng.choice(["2026-10.md", "2026-10.md#p2", "../2025/2025-12.md", "2025-12.md", "2026-13.md",
                                     "<2026-10.md>", "2026-10.md \"十月\"", "https://example.com/a_(b)", "#top",
                                     "../2026/2026-10.md", "2026%2D10.md"])
                text = rng.choice(["十月", "见 <这里>", "去年的橱窗", ""])
                lines.append(f"[{text}][l{n}]\n\n[l{n}]: {target}" if kind == "ref-link" else f"[{text}]({target})")
        rng.shuffle(lines)
        cases.append(Case(f"generated {n}", "\n\n".join(lines)))
    return cases


CASES = HAND + generated()


def make_base(root: Path) -> Path:
    """A site without content: the project's mkdocs.yml, theme overrides, hand-written pages, topics,
    two issues to link to and photos named the way phones and Windows name them."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "mkdocs.yml", root / "mkdocs.yml")
    copy_theme_and_pages(root)
    (root / "bulletins" / "2026" / "images").mkdir(parents=True)
    (root / "bulletins" / "2025" / "images").mkdir(parents=True)
    shutil.copy(EXAMPLE / "bulletins" / "topics.yml", root / "bulletins" / "topics.yml")
    (root / "bulletins/2026/2026-10.md").write_text(GOOD_ISSUE, encoding="utf-8")
    (root / "bulletins/2025/2025-12.md").write_text(GOOD_ISSUE, encoding="utf-8")
    for folder, names in (("2026", PHOTOS_2026), ("2025", PHOTOS_2025)):
        for i, name in enumerate(names):
            fmt = "PNG" if name.lower().endswith(".png") else "JPEG"
            PILImage.new("RGB", (64 + i, 48), (200, 40 * i % 255, 60)).save(root / "bulletins" / folder / "images" / name, fmt)
    return root


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    root = make_base(tmp_path_factory.mktemp("base"))
    assert not load_and_check(root, today=TODAY).problems.errors
    return root


@pytest.fixture(scope="module")
def checked(base):
    """{case number: error lines of the check} for every case, each checked on its own."""
    results = {}
    for n, case in enumerate(CASES):
        files = case_files(n, case)
        write(base, files)
        try:
            problems = load_and_check(base, today=TODAY).problems  # what `kepu check` reports
            results[n] = (set(files), [p.format() for p in problems.sorted() if p in problems.errors])
        finally:
            for rel in files:
                (base / rel).unlink()
    return results


def build_cases(tmp: Path, numbers: list[int], capsys) -> tuple[int, str]:
    shutil.rmtree(tmp, ignore_errors=True)
    root = make_base(tmp)
    for n in numbers:
        write(root, case_files(n, CASES[n]))
    capsys.readouterr()
    rc = build(root, today=TODAY)
    captured = capsys.readouterr()
    return rc, captured.out + captured.err


def failing(tmp: Path, numbers: list[int], capsys) -> list[int]:
    """The cases that make the build fail, by bisection (one build when all pass)."""
    rc, _ = build_cases(tmp, numbers, capsys)
    if rc == 0:
        return []
    if len(numbers) == 1:
        return numbers
    half = len(numbers) // 2
    return failing(tmp, numbers[:half], capsys) + failing(tmp, numbers[half:], capsys)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 80
    assert len({c.name for c in CASES}) == len(CASES)


def test_every_case_is_an_error_with_path_and_line_or_builds(checked, tmp_path_factory, capsys):
    passing = []
    for n, case in enumerate(CASES):
        own, errors = checked[n]
        if errors:
            assert case.expect != "pass", f"{case.name}: the check should accept it: {errors}"
            for line in errors:
                assert ERROR_LINE.match(line), f"{case.name}: not `path:line: 错误:` in Chinese: {line}"
                assert line.split(":")[0] in own, f"{case.name}: error about a file of another case: {line}"
                assert not re.search(r"[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}", line.split(" — ")[0]), \
                    f"{case.name}: English in the message: {line}"
        else:
            assert case.expect != "error", f"{case.name}: the check should reject it"
            passing.append(n)
    assert len(passing) >= 40
    broken = failing(tmp_path_factory.mktemp("build") / "site", passing, capsys)
    assert not broken, "check passes but build fails: " + ", ".join(CASES[n].name for n in broken)


@pytest.fixture(scope="module")
def built_accepted(tmp_path_factory):
    """One site with the hand-written cases the check must accept."""
    root = make_base(tmp_path_factory.mktemp("accepted"))
    for n, case in enumerate(CASES):
        if case.expect == "pass":
            write(root, case_files(n, case))
    assert build(root, today=TODAY) == 0
    return root


def page_of(root: Path, n: int) -> str:
    day = date(2026, 1, 1) + timedelta(days=n)
    return (root / f"site/2026/{day.month:02d}/{day.day:02d}-case{n:03d}/index.html").read_text(encoding="utf-8")


def number(name: str) -> int:
    return next(n for n, c in enumerate(CASES) if c.name == name)


@pytest.mark.parametrize("name", ["space and (1)", "(1) without space", "angle brackets", "percent-encoded",
                                  "Chinese name", "upper-case extension", "title", "percent sign in name", "backslashes",
                                  "other year photo", "reference image", "shortcut reference image", "html img",
                                  "html img unquoted", "image inside a link"])
def test_photo_as_named_is_published_and_shown(built_accepted, name):
    html = page_of(built_accepted, number(name))
    writeup = html[html.index("kp-writeup"):html.index("kp-meta", html.index("kp-writeup"))]
    srcs = re.findall(r'<img [^>]*src="([^"]+)"', writeup)
    assert srcs, f"{name}: no image on the page"
    page_dir = built_accepted / "site" / html_path(number(name))
    for src in srcs:
        assert "assets/generated/media/" in src and " " not in src and "images/" not in src
        assert (page_dir / src).resolve().is_file(), src


def html_path(n: int) -> str:
    day = date(2026, 1, 1) + timedelta(days=n)
    return f"2026/{day.month:02d}/{day.day:02d}-case{n:03d}"


def test_links_between_bulletins_point_at_their_pages(built_accepted):
    html = page_of(built_accepted, number("link other year"))
    assert 'href="../../../2025/12/"' in html
    html = page_of(built_accepted, number("link with anchor"))
    assert 'href="../../10/#p1"' in html
    html = page_of(built_accepted, number("reference link"))
    assert 'href="../../10/"' in html
    html = page_of(built_accepted, number("html link"))
    assert 'href="../../10/"' in html
    html = page_of(built_accepted, number("footnote"))
    assert 'class="footnote' in html  # a real footnote, not a link to a file called 每周至少两次。


def test_mkdocs_warning_is_mapped_to_the_bulletin_line_in_chinese(base, capsys):
    site = load_site(base, today=TODAY).site
    lines = report_mkdocs_messages(base, [
        "Doc file '2026/10/index.md' contains a link 'images/IMG_1234 (1).jpg', but the target "
        "'2026/10/images/IMG_1234 (1).jpg' is not found among documentation files.",
        "Aborted with 1 warnings in strict mode!"], site)
    err = capsys.readouterr().err
    assert lines == [line for line in err.splitlines() if line]
    # GOOD_ISSUE does not contain that photo: the file is right, the line unknown (whole file)
    assert lines[0].startswith("bulletins/2026/2026-10.md:1: 错误: 网站生成时发现链接「images/IMG_1234 (1).jpg」")
    assert "Doc file" not in err and "Aborted" not in err
    lines = report_mkdocs_messages(base, ["Doc file 'current/index.md' contains a link '2026-10.md#p1', but …"], site)
    assert lines[0].startswith("bulletins/2026/2026-10.md:")
    lines = report_mkdocs_messages(base, ["Something else went wrong"], site)
    assert "Something" not in lines[0] and "技术志愿者" in lines[0]
    assert "Something else went wrong" in (base / ".kepu-cache/logs/mkdocs-warnings.log").read_text(encoding="utf-8")


def test_a_warning_the_check_missed_reaches_the_volunteer_as_path_line_in_chinese(tmp_path, monkeypatch, capsys):
    """The safety net: with the link check switched off, MkDocs' own warning is what stops the
    build, and the volunteer sees the bulletin and line in Chinese, never MkDocs' English."""
    import kepu.content.loader

    monkeypatch.setattr(kepu.content.loader, "_check_links", lambda *args: None)
    root = make_base(tmp_path / "site")
    write(root, {"bulletins/2026/2026-11-09-talk.md": GOOD_ACTIVITY + "\n第一段。\n\n看[下期](2026-13.md)\n"})
    assert build(root, today=TODAY) == 1
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "bulletins/2026/2026-11-09-talk.md:13: 错误: 网站生成时发现链接「2026-13.md」" in out
    assert "Doc file" not in out and "Aborted" not in out and "WARNING" not in out
    assert not (root / "site").exists()
