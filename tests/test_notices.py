"""Urgent notices (紧急通知): bulletins/notices/<date>-<name>.md, checked with path:line,
in the model as Site.notices, and a banner on every built page (kepu.content.notices)."""
from __future__ import annotations

import html
import re
import shutil
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import EXAMPLE, GOOD_ISSUE, TODAY
from sitecopy import copy_theme_and_pages

from kepu.content import notices
from kepu.content.model import Notice

SHANGHAI = ZoneInfo("Asia/Shanghai")
WATER = """\
---
title: 12月1日白天停水
start: 2026-11-30 18:00
end: 2026-12-01 18:00
level: 紧急
---
因主水管维修，**3 号楼至 8 号楼**停水，请提前储水。
"""


def notice(title="通知", start="2026-11-29 08:00", end="2026-11-30 18:00", level=None, body="正文。") -> str:
    lines = ["---", f"title: {title}", f"start: {start}", f"end: {end}"]
    lines += [f"level: {level}"] if level else []
    return "\n".join(lines + ["---", body, ""])


# ---------------------------------------------------------------- checks

def test_a_good_notice_has_no_problems(site):
    site.write("bulletins/notices/2026-11-30-tingshui.md", WATER)
    assert site.problems() == []


def test_times_are_checked_at_their_line(site):
    site.write("bulletins/notices/2026-11-29-a.md", notice(start="明天早上", end="2026-11-30 25:00"))
    site.write("bulletins/notices/2026-11-29-b.md", "---\ntitle: 停电\nend: 2026-11-30\n---\n正文\n")
    site.write("bulletins/notices/2026-11-29-c.md", notice(start="2026-11-30 18:00", end="2026-11-30 08:00"))
    site.write("bulletins/notices/2026-11-29-d.md", notice(start="2026-02-30", end="2026-12-01"))
    errors = site.errors()
    assert any(e.startswith("bulletins/notices/2026-11-29-a.md:3: 错误: start（开始）：「明天早上」看不懂 — 写成 2026-12-03 08:00") for e in errors)
    assert any(e.startswith("bulletins/notices/2026-11-29-a.md:4: 错误: end（结束）：时间「2026-11-30 25:00」不存在") for e in errors)
    assert "bulletins/notices/2026-11-29-b.md:1: 错误: 缺少必填项 start（开始） — 在 front matter 里加一行 start: 2026-12-02 18:00" in errors
    assert any(e.startswith("bulletins/notices/2026-11-29-c.md:4: 错误: 结束时间 2026-11-30 08:00 不晚于开始时间 2026-11-30 18:00 — ")
               for e in errors)
    assert any(e.startswith("bulletins/notices/2026-11-29-d.md:3: 错误: start（开始）：日期「2026-02-30」不存在") for e in errors)
    assert len(errors) == 5


def test_a_notice_is_not_a_standing_announcement(site):
    site.write("bulletins/notices/2026-11-29-long.md", notice(start="2026-11-29", end="2027-03-01"))
    assert [e.split(" — ")[0] for e in site.errors()] == [
        "bulletins/notices/2026-11-29-long.md:4: 错误: 通知不是长期公告：从开始到结束有 93 天，最长 90 天"]
    site.write("bulletins/notices/2026-11-29-long.md", notice(start="2026-11-29", end="2027-02-26"))
    assert site.problems() == []  # 90 days are fine


def test_an_ended_notice_is_a_warning_and_leaves_the_site(site):
    site.write("bulletins/notices/2026-11-20-old.md", notice(start="2026-11-20 08:00", end="2026-11-28"))
    site.write("bulletins/notices/2026-11-30-tingshui.md", WATER)
    assert site.problems() == ["bulletins/notices/2026-11-20-old.md:4: 警告: 这条通知在 2026-11-28 23:59 已经结束，网站和大屏不再显示"
                               " — 已经结束，可以删除这个文件（在 GitHub 上打开文件，点「…」→「Delete file」）"]
    assert [n.slug for n in site.load().site.notices] == ["2026-11-30-tingshui"]


def test_an_unknown_level_gets_a_did_you_mean(site):
    site.write("bulletins/notices/2026-11-29-a.md", notice(level="紧急通知"))
    site.write("bulletins/notices/2026-11-29-b.md", notice(level="red"))
    assert site.errors() == [
        "bulletins/notices/2026-11-29-a.md:5: 错误: level（级别）：不认识「紧急通知」 — 你是不是想写「紧急」？级别只能写 提示、重要 或 紧急（紧急是红色）",
        "bulletins/notices/2026-11-29-b.md:5: 错误: level（级别）：不认识「red」 — 级别只能写 提示、重要 或 紧急（紧急是红色）"]


def test_a_long_body_and_title_are_warned_about(site):
    site.write("bulletins/notices/2026-11-29-a.md", notice(title="关" * 31, body="\n" + "停水" * 101))
    assert site.warnings() == [
        "bulletins/notices/2026-11-29-a.md:2: 警告: 标题有 31 个字，手机和大屏上要折好几行 — 标题用一句话说清楚（30 字以内），细节写在正文里",
        "bulletins/notices/2026-11-29-a.md:6: 警告: 正文有 202 个字，太长了：横幅只显示前 200 个字，其余要点「展开全文」才能看到"
        " — 通知要短：把时间、范围、联系电话写在最前面；长的说明写进月刊或活动"]


def test_keyboard_mistakes_are_repaired_with_the_shared_reader(site):
    site.write("bulletins/notices/2026-11-29-a.md", "---\ntitle：停水\nstart: ２０２６－１１－２９ ０８：００\nend: 2026/11/30\n---\n正文\n")
    problems = site.problems()
    assert any(p.startswith("bulletins/notices/2026-11-29-a.md:2: 错误: ") and "冒号" in p for p in problems)
    found = site.load().site.notices
    assert [(n.title, n.start.hour, n.end.hour) for n in found] == [("停水", 8, 23)]


def test_unknown_keys_and_date_get_the_usual_help(site):
    site.write("bulletins/notices/2026-11-29-a.md", notice().replace("level", "x").replace("end:", "ends:", 1)
               .replace("title:", "date: 2026-11-29\ntitle:"))
    errors = site.errors()
    assert any(e.startswith("bulletins/notices/2026-11-29-a.md:2: 错误: 通知什么时候显示写在 start 和 end 里") for e in errors)
    assert any(e.startswith("bulletins/notices/2026-11-29-a.md:5: 错误: 通知里没有「ends」这个键 — 你是不是想写「end」？") for e in errors)


@pytest.mark.parametrize("name, message", [
    ("2026年12月3日 停水.md", "通知的文件名要写成「年-月-日-短名.md」，日期用数字和英文减号 — 把文件改名为 2026-12-03-tingshui.md"),
    ("停水.md", "不明白通知的文件名「停水.md」 — 通知的文件名是「开始日期-短名.md」"),
    ("2026-12-03-tingshui - 副本.md", "「2026-12-03-tingshui - 副本.md」看起来是 Windows 复制文件时产生的副本"),
    ("2026-13-03-tingshui.md", "文件名里的月份 13 不存在"),
])
def test_file_names_are_checked_like_activities(site, name, message):
    site.write(f"bulletins/notices/{name}", WATER)
    assert [e for e in site.errors() if message in e] and len(site.errors()) == 1, site.errors()


def test_a_chinese_name_is_fine_and_becomes_pinyin(site):
    site.write("bulletins/notices/2026-12-03-停水.md", WATER)
    assert site.problems() == []
    assert [n.slug for n in site.load().site.notices] == ["2026-12-03-tingshui"]


def test_wrong_folder_subfolder_and_duplicate(site):
    site.write("bulletins/通知/2026-11-30-tingshui.md", WATER)
    site.write("bulletins/notices/2026/2026-11-30-tingdian.md", WATER)
    site.write("bulletins/notices/2026-11-30-tingshui.md", WATER)
    site.write("bulletins/notices/2026-11-30-停水.md", WATER)
    errors = site.errors()
    assert any(e.startswith("bulletins/通知/2026-11-30-tingshui.md:1: 错误: 通知的文件夹要叫 notices") for e in errors)
    assert any(e.startswith("bulletins/notices/2026/2026-11-30-tingdian.md:1: 错误: 通知要直接放在 bulletins/notices/ 文件夹里") for e in errors)
    assert any("已经有一条同名的通知（bulletins/notices/2026-11-30-tingshui.md）" in e for e in errors)
    assert len(errors) == 3


def test_images_and_scripts_in_the_body_are_warned_and_removed(site):
    site.write("bulletins/notices/2026-11-29-a.md", notice(body="看图 ![水管](images/pipe.jpg)\n\n<script>alert(1)</script>"))
    warnings = site.warnings()
    assert any(w.startswith("bulletins/notices/2026-11-29-a.md:6: 警告: 通知里的图片不会显示") for w in warnings)
    assert any(w.startswith("bulletins/notices/2026-11-29-a.md:8: 警告: 正文里有网站不能显示的内容") for w in warnings)
    (n,) = site.load().site.notices
    assert "<img" not in n.html and "<script" not in n.html and "alert" not in n.html


# ---------------------------------------------------------------- model

def test_the_model(site):
    site.write("bulletins/notices/2026-11-30-tingshui.md", WATER)
    site.write("bulletins/notices/2026-11-29-flu.md", notice(title="周六照常接种疫苗", start="2026-11-30 18:00", end="2026-12-05",
                                                             body="带好*医保卡*。\n\n60 岁以上免费。"))
    site.write("bulletins/notices/2026-11-28-gas.md", notice(title="燃气检修", start="2026-11-28", end="2026-12-01", level="重要"))
    found = site.load().site.notices
    assert [n.slug for n in found] == ["2026-11-28-gas", "2026-11-30-tingshui", "2026-11-29-flu"]  # by start, 紧急 first
    gas, water, flu = found
    assert isinstance(water, Notice)
    assert water.start == datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI) and water.start.utcoffset() == timedelta(hours=8)
    assert water.end == datetime(2026, 12, 1, 18, 0, tzinfo=SHANGHAI)
    assert (water.level, gas.level, flu.level) == ("紧急", "重要", "提示")  # 提示 when not written
    assert gas.start == datetime(2026, 11, 28, 0, 0, tzinfo=SHANGHAI)  # a bare start date: 00:00
    assert flu.end == datetime(2026, 12, 5, 23, 59, tzinfo=SHANGHAI)  # a bare end date: 23:59
    assert water.title == "12月1日白天停水"
    assert water.html == "<p>因主水管维修，<strong>3 号楼至 8 号楼</strong>停水，请提前储水。</p>"
    assert water.text == "因主水管维修，3 号楼至 8 号楼停水，请提前储水。"
    assert flu.text == "带好医保卡。 60 岁以上免费。"
    assert water.source.name == "2026-11-30-tingshui.md"


def test_the_community_time_zone_is_used(site):
    site.write("mkdocs.yml", (site.root / "mkdocs.yml").read_text(encoding="utf-8").replace("Asia/Shanghai", "Asia/Urumqi"))
    site.write("bulletins/notices/2026-11-30-tingshui.md", WATER)
    (n,) = site.load().site.notices
    assert n.start.utcoffset() == timedelta(hours=6) and n.start.hour == 18


def test_a_build_for_a_fixed_day_happens_at_its_midnight(example):
    assert notices.build_now(example.settings, date(2026, 11, 29)) == datetime(2026, 11, 29, tzinfo=SHANGHAI)
    real = notices.build_now(example.settings, None)  # the real moment, in the community's time zone
    assert real.utcoffset() == timedelta(hours=8)


def test_the_example_site_has_no_notices(example):
    assert example.notices == ()


# ---------------------------------------------------------------- kepu new notice

def test_new_notice_is_ready_to_publish_after_filling_in(site):
    from kepu.newfile import new_notice

    now = datetime(2026, 11, 29, 16, 42, tzinfo=SHANGHAI)
    settings = site.load().site.settings
    path, note = new_notice(site.root, "停水", settings, now)
    assert path == site.root / "bulletins" / "notices" / "2026-11-29-tingshui.md" and "tingshui" in note
    text = path.read_text(encoding="utf-8")
    assert "start: 2026-11-29 16:42" in text and "end: 2026-11-30 18:00" in text and 'title: 停水\n' in text
    assert [p.split(": 警告: ")[1] for p in site.problems()] == ["这一行还是模板里的占位文字 — 换成真实内容，或删掉这一行"]
    path.write_text(text.replace(text.split("---\n")[2], "明天 8:00–18:00 停水。\n"), encoding="utf-8")
    assert site.problems() == []
    (n,) = site.load(today=date(2026, 11, 29)).site.notices
    assert (n.start, n.end, n.level) == (now, datetime(2026, 11, 30, 18, tzinfo=SHANGHAI), "重要")
    second, _ = new_notice(site.root, None, settings, now)
    assert second.name == "2026-11-29-tongzhi.md"
    third, _ = new_notice(site.root, "tingshui", settings, now)
    assert third.name == "2026-11-29-tingshui-2.md"


def test_new_notice_from_the_command_line(site, capsys):
    from kepu.cli import main

    assert main(["new", "notice", "停电", "--title", "12月1日晚上停电", "--root", str(site.root), "--today", "2026-11-29"]) == 0
    assert "已新建通知：bulletins/notices/2026-11-29-tingdian.md" in capsys.readouterr().out
    text = (site.root / "bulletins/notices/2026-11-29-tingdian.md").read_text(encoding="utf-8")
    assert 'title: 12月1日晚上停电\n' in text and "start: 2026-11-29 00:00" in text


# ---------------------------------------------------------------- the banner on built pages

HOSTILE = notice(title="""停水 <script>alert("x")</script> 'q' & "dq" <img src=x onerror=alert(1)>""", level="紧急",
                 start="2026-11-28 08:00", end="2026-12-01 18:00",
                 body='请储水 <a href="javascript:alert(1)" onclick="x()">点</a>')


@pytest.fixture
def small_site(site):
    """A one-issue site with the project's theme and the example's mkdocs.yml (Material)."""
    shutil.copy(EXAMPLE / "mkdocs.yml", site.root / "mkdocs.yml")
    copy_theme_and_pages(site.root)
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    return site


def _banner(page: str) -> str:
    m = re.search(r'<div id="kp-notices" class="kp-notices"[^>]*>(.*?)\n</div>', page, re.S)
    assert m, "no banner"
    return m[1]


def test_the_banner_is_on_every_page_and_escaped(small_site):
    from kepu.build import build

    small_site.write("bulletins/notices/2026-11-28-tingshui.md", HOSTILE)
    small_site.write("bulletins/notices/2026-11-30-later.md", notice(title="以后的提示", start="2026-12-02 08:00", end="2026-12-03"))
    assert build(small_site.root, today=TODAY) == 0
    site_dir = small_site.root / "site"
    pages = [p for p in site_dir.rglob("*.html") if "md-content__inner" in p.read_text(encoding="utf-8")]
    pages = [p for p in pages if p.name != "404.html"]  # Material's 404 page replaces the content block
    assert len(pages) >= 5  # home, issue, guide pages, about ...
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.count('id="kp-notices"') == 1 and '<div id="kp-notices"></div>' not in text, page
    banner = _banner((site_dir / "index.html").read_text(encoding="utf-8"))
    urgent, later = banner.split("</section>")[:2]
    assert 'class="kp-notice kp-notice--urgent"' in urgent and " hidden" not in urgent.split(">")[0]  # active at build time
    assert 'class="kp-notice kp-notice--info"' in later and " hidden>" in later.split("\n")[1] + ">"  # not yet started
    start_ms = int(datetime(2026, 11, 28, 8, tzinfo=SHANGHAI).timestamp() * 1000)
    end_ms = int(datetime(2026, 12, 1, 18, tzinfo=SHANGHAI).timestamp() * 1000)
    assert f'data-start="{start_ms}" data-end="{end_ms}"' in urgent
    assert "<script>alert" not in banner and "<img" not in banner and "javascript:" not in banner and "onclick" not in banner
    assert ("停水 &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &#39;q&#39; &amp; &#34;dq&#34; &lt;img src=x onerror=alert(1)&gt;"
            in urgent)
    title = re.search(r'<strong class="kp-notice__title">(.*?)</strong>', urgent)[1]
    assert html.unescape(title) == """停水 <script>alert("x")</script> 'q' & "dq" <img src=x onerror=alert(1)>"""
    assert "11月28日（星期六）08:00 至 12月1日（星期二）18:00" in urgent
    # pages that are not the site's (the print posters, the lobby screen) get no banner
    print_page = next(site_dir.rglob("print/index.html"))
    assert "kp-notice" not in print_page.read_text(encoding="utf-8")


def test_without_notices_pages_are_left_alone(small_site):
    from kepu.build import build

    assert build(small_site.root, today=TODAY) == 0
    index = (small_site.root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<div id="kp-notices"></div>' in index and "kp-notice " not in index


def test_a_long_notice_folds_after_its_start(small_site):
    from kepu.content.loader import load_site

    small_site.write("bulletins/notices/2026-11-29-a.md", notice(body="水" * 250))
    site = load_site(small_site.root, today=TODAY).site
    markup = notices.banner(site, datetime(2026, 11, 29, 9, tzinfo=SHANGHAI))
    assert '<span class="kp-notice__excerpt">' + "水" * 200 + "…</span>" in markup
    assert "<details" in markup and "展开全文" in markup and "水" * 250 in markup


def test_insertion_changes_only_the_marker(tmp_path, example):
    from dataclasses import replace

    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    page.write_bytes(b'<html><body><article><div id="kp-notices"></div><p>x</p></article></body></html>')
    other = tmp_path / "screen.html"
    other.write_bytes(b"<html>no marker</html>")
    n = Notice(tmp_path / "n.md", "2026-11-29-a", "标题", datetime(2026, 11, 29, tzinfo=SHANGHAI),
               datetime(2026, 11, 30, tzinfo=SHANGHAI), "重要", "<p>正文</p>", "正文")
    changed, seconds = notices.insert_banners(tmp_path, replace(example, notices=(n,)))
    assert changed == 1 and seconds >= 0
    text = page.read_text(encoding="utf-8")
    assert text.startswith('<html><body><article><div id="kp-notices" class="kp-notices"') and text.endswith("<p>x</p></article></body></html>")
    assert other.read_bytes() == b"<html>no marker</html>"


def test_kepu_serve_shows_the_banner_too(small_site, tmp_path):
    from kepu.serve import Preview

    small_site.write("bulletins/notices/2026-11-28-tingshui.md", HOSTILE)
    problems, folder = Preview(small_site.root, tmp_path / "work", TODAY)._build_once()
    assert folder is not None
    assert 'class="kp-notice kp-notice--urgent"' in (folder / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the guide

def test_the_guide_documents_every_field_and_its_example_passes(site):
    from conftest import REPO

    from kepu.content.schema import NOTICE_FIELDS

    guide = (REPO / "docs" / "guide" / "notices.md").read_text(encoding="utf-8")
    for spec in NOTICE_FIELDS:
        assert f"| `{spec.name}` |" in guide, spec.name
    name = re.search(r"文件名填 `notices/([^`]+)`", guide)[1]
    example = re.search(r"\n( *)```markdown\n(.*?)\n\1```\n", guide, re.S)
    text = "\n".join(line[len(example[1]):] for line in example[2].split("\n")) + "\n"
    site.write(f"bulletins/notices/{name}", text)
    assert site.problems() == []
    (n,) = site.load().site.notices
    assert n.level == "紧急" and n.slug == "2026-12-03-tingshui"
    assert "notices.md" in (REPO / "docs" / "guide" / "index.md").read_text(encoding="utf-8")


def test_phone_numbers_in_the_banner_can_be_tapped():
    assert notices.tel_links("<p>打电话 0571-8800 0000 或 120，&#12345; <a href=\"tel:110\">110</a></p>") == (
        '<p>打电话 <a class="kp-tel" href="tel:057188000000" aria-label="拨打 0571-8800 0000">0571-8800 0000</a> 或 '
        '<a class="kp-tel" href="tel:120" aria-label="拨打 120">120</a>，&#12345; <a href="tel:110">110</a></p>')


def test_relative_links_would_break_on_most_pages(site):
    site.write("bulletins/notices/2026-11-29-a.md", notice(body="详见[月刊](../2026/2026-11.md)，或 [网站](https://example.org/) [电话](tel:120)"))
    assert [e.split(" — ")[0] for e in site.errors()] == [
        "bulletins/notices/2026-11-29-a.md:6: 错误: 通知里的链接「../2026/2026-11.md」不是完整网址，横幅出现在每一页上，这样的链接会打不开"]


def test_capitalised_keys_and_html_images(site):
    site.write("bulletins/notices/2026-11-29-a.md", "---\nTitle: 停水\nStart: 2026-11-29 08:00\nEnd: 2026-11-29 06:00\n---\n正文\n")
    site.write("bulletins/notices/2026-11-29-b.md", notice(body='<img src="images/a.jpg" alt="管道">看通知'))
    errors = site.errors()
    assert "bulletins/notices/2026-11-29-a.md:4: 错误: 结束时间 2026-11-29 06:00 不晚于开始时间 2026-11-29 08:00" in [e.split(" — ")[0] for e in errors]
    assert any(w.startswith("bulletins/notices/2026-11-29-b.md:6: 警告: 通知里的图片不会显示") for w in site.warnings())
    (n,) = site.load().site.notices
    assert "<img" not in n.html and "看通知" in n.text
