"""`kepu new` writes templates that pass the check and never overwrites;
`kepu check` never changes a file and exits 1 on errors (or warnings with --strict)."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date

import pytest

from conftest import EXAMPLE, GOOD_ACTIVITY, GOOD_ISSUE, REPO, TODAY

from kepu.cli import main
from kepu.newfile import commemorative_days, nth_weekday


def run(site, *args):
    return main(["--root", str(site.root), "--today", "2026-11-29", *args])


def tree_digest(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_new_issue_writes_a_template_that_passes_and_lists_commemorative_days(site, capsys):
    assert run(site, "new", "issue", "2026-12") == 0
    out = capsys.readouterr().out
    assert "bulletins/2026/2026-12.md" in out and "世界艾滋病日" in out and "国家宪法日" in out
    text = (site.root / "bulletins/2026/2026-12.md").read_text(encoding="utf-8")
    assert "世界艾滋病日" in text
    assert site.errors() == []
    # the untouched template passes the check but every placeholder is pointed out
    assert any(w.startswith("bulletins/2026/2026-12.md:2: 警告: title 还是模板里的占位文字") for w in site.warnings())


def test_new_activity_template_passes(site, capsys):
    assert run(site, "new", "activity", "2026-12-05", "fire-drill") == 0
    assert (site.root / "bulletins/2026/2026-12-05-fire-drill.md").exists()
    assert site.errors() == []
    assert len([w for w in site.warnings() if "占位文字" in w]) == 2  # title and location


def test_new_never_overwrites(site, capsys):
    path = site.write("bulletins/2026/2026-12.md", GOOD_ISSUE)
    act = site.write("bulletins/2026/2026-12-05-fire-drill.md", GOOD_ACTIVITY)
    before = (path.read_bytes(), act.read_bytes())
    assert run(site, "new", "issue", "2026-12") == 1
    assert run(site, "new", "activity", "2026-12-05", "fire-drill") == 1
    assert "已经存在" in capsys.readouterr().err
    assert (path.read_bytes(), act.read_bytes()) == before


def test_new_rejects_bad_arguments_in_chinese(site, capsys):
    assert run(site, "new", "issue", "2026-13") == 1
    assert run(site, "new", "activity", "2026-02-30", "talk") == 1
    assert run(site, "new", "activity", "2026-12-05", "___") == 1
    err = capsys.readouterr().err
    assert "不是年月" in err and "不存在" in err and "小写英文" in err
    assert not list((site.root / "bulletins").glob("*/*.md"))


def test_check_never_changes_files_even_with_many_errors(site, capsys):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE.replace("【健康】", "").encode("gbk"))
    site.write("bulletins/2026/2026-11-09-x.md", GOOD_ACTIVITY.replace("title:", "title："))
    site.write("bulletins/2026/readme.txt", "notes")
    before = tree_digest(site.root)
    assert run(site, "check") == 1
    assert tree_digest(site.root) == before


def test_check_exit_codes_and_strict(site, capsys):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    assert run(site, "check") == 0
    assert "检查通过" in capsys.readouterr().out
    site.write("bulletins/2026/2026-11-09-talk.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))
    assert run(site, "check") == 0
    assert run(site, "check", "--strict") == 1
    site.write("bulletins/2026/2026-11-10-talk.md", GOOD_ACTIVITY.replace("topics: [安全, 防灾减灾]", "topics: [火星]"))
    assert run(site, "check") == 1
    out = capsys.readouterr().out
    assert "bulletins/2026/2026-11-10-talk.md:4: 错误: 不认识的专题「火星」" in out


def test_commemorative_days_data():
    all_days = [d for m in range(1, 13) for d in commemorative_days(2026, m)]
    assert len(all_days) >= 25
    assert len({d.date.month for d in all_days}) == 12
    by_name = {d.name: d.date for d in all_days}
    assert by_name["世界水日"] == date(2026, 3, 22)
    assert by_name["全国防灾减灾日"] == date(2026, 5, 12)
    assert by_name["全国消防日"] == date(2026, 11, 9)
    # 全国科普日: third weekend of September (Saturday)
    assert by_name["全国科普日"] == date(2026, 9, 19)


def test_nth_weekday():
    assert nth_weekday(2026, 9, 6, 3) == date(2026, 9, 19)
    assert nth_weekday(2026, 3, 1, -1) == date(2026, 3, 30)


def test_python_dash_m_kepu_and_console_script(site):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    r = subprocess.run([sys.executable, "-m", "kepu", "--root", str(site.root), "--today", "2026-11-29", "check"], capture_output=True, text=True,
                       encoding="utf-8")
    assert r.returncode == 0 and "检查通过" in r.stdout
    r = subprocess.run([sys.executable, "-m", "kepu", "frobnicate"], capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 2 and "参数不对" in r.stderr and "Traceback" not in r.stderr


def test_example_content_passes_the_check():
    from kepu.content.loader import load_site

    result = load_site(EXAMPLE, today=TODAY)
    assert [p.format() for p in result.problems.sorted()] == []  # the frozen example passes kepu check --strict
    site = result.site
    assert len(site.issues) >= 12
    assert all(3 <= len(i.panels) <= 6 for i in site.issues)
    assert len(site.past) >= 15 and len(site.upcoming) >= 2
    past_counts = [a.participants for a in site.past if a.participants is not None]
    assert all(20 <= n <= 300 for n in past_counts)


def test_volunteer_guide_documents_every_field():
    from kepu.content.schema import ACTIVITY_FIELDS, ISSUE_FIELDS

    guide = (REPO / "docs" / "guide" / "index.md").read_text(encoding="utf-8")
    for spec in ISSUE_FIELDS + ACTIVITY_FIELDS:
        assert f"| `{spec.name}` |" in guide, spec.name


def test_new_activity_with_a_chinese_name_uses_pinyin_and_fills_the_title(site, capsys):
    assert run(site, "new", "activity", "2026-12-12", "消防演练") == 0
    path = site.root / "bulletins/2026/2026-12-12-xiaofang-yanlian.md"
    assert "\ntitle: 消防演练\n" in path.read_text(encoding="utf-8")  # plain, as the editor writes it
    out = capsys.readouterr().out
    assert "xiaofang-yanlian" in out and "改名" in out
    assert site.errors() == []


def test_new_activity_derives_the_short_name_from_title(site, capsys):
    assert run(site, "new", "activity", "2026-12-12", "--title", "防诈骗讲座") == 0
    assert (site.root / "bulletins/2026/2026-12-12-fang-zhapian-jiangzuo.md").exists()
    assert site.errors() == []


def test_new_activity_without_a_name_uses_a_safe_default_and_says_how_to_rename(site, capsys):
    assert run(site, "new", "activity", "2026-12-12") == 0
    assert run(site, "new", "activity", "2026-12-12") == 0  # never overwrites: a second default name
    out = capsys.readouterr().out
    assert (site.root / "bulletins/2026/2026-12-12-huodong.md").exists()
    assert (site.root / "bulletins/2026/2026-12-12-huodong-2.md").exists()
    assert "把文件改名为 2026-12-12-xiaofang.md" in out and "--title 消防演练" in out
    assert site.errors() == []


ENGLISH = ("usage", "positional arguments", "options:", "show this help", "the following", "invalid choice",
           "required", "error:", "unrecognized", "argument")


@pytest.mark.parametrize("argv", [["-h"], ["new", "-h"], ["new", "activity", "-h"], ["stats", "-h"], ["new", "activity"],
                                  ["chek"], ["stats", "--format", "xls"], ["serve", "--port", "abc"], ["check", "--bogus"]])
def test_every_argparse_word_is_chinese(argv, capsys):
    with pytest.raises(SystemExit):
        main(argv)
    captured = capsys.readouterr()
    text = (captured.out + captured.err).lower()
    assert "用法：" in text
    assert not [w for w in ENGLISH if w in text], text


def test_argparse_errors_say_what_is_missing_or_meant(capsys):
    with pytest.raises(SystemExit):
        main(["new", "activity"])
    assert "缺少参数：日期" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["chek"])
    assert "你是不是想写 check？" in capsys.readouterr().err


def test_check_says_when_an_issue_written_ahead_becomes_current(site, capsys):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    site.write("bulletins/2026/2026-12.md", GOOD_ISSUE)
    assert run(site, "check") == 0
    assert "2026-12.md 从 2026-12-01 起显示为「本期橱窗」，在那之前本期是 2026-11.md" in capsys.readouterr().out
