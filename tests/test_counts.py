"""One meaning per count: 活动 is an activity that has taken place; 预告 (announced,
not yet held) is counted apart. Home, archive, topics, /stats/, `kepu stats` and
`kepu check` must show the same numbers."""
from __future__ import annotations

import re
from datetime import date

from conftest import GOOD_ACTIVITY, GOOD_ISSUE

from kepu.views import stats
from kepu.build import generate_all
from kepu.cli import main as kepu_main

TODAY = date(2026, 11, 29)


def held_and_upcoming(site):
    """2026: 2 issues (4 panels), 3 held activities (86 + 40 people, one unreported),
    2 announced (one today: still 预告); 2027: 1 announced and nothing else."""
    site.write("bulletins/2026/2026-10.md", GOOD_ISSUE)
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    site.write("bulletins/2026/2026-03-07-drill.md", GOOD_ACTIVITY)
    site.write("bulletins/2026/2026-10-10-talk.md", GOOD_ACTIVITY.replace("participants: 86", "participants: 40")
               .replace("topics: [安全, 防灾减灾]", "topics: [健康]"))
    site.write("bulletins/2026/2026-11-28-fair.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))
    site.write("bulletins/2026/2026-11-29-today.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))
    site.write("bulletins/2026/2026-12-05-gas.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))
    site.write("bulletins/2027/2027-01-09-camp.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))
    result = site.load(today=TODAY)
    assert not result.problems.errors, result.problems.errors
    return result.site


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def test_home_archive_topics_and_stats_agree(site):
    model = held_and_upcoming(site)
    assert (len(model.past), len(model.upcoming)) == (3, 3)
    files = generate_all(model).files
    s = stats.year_stats(model, 2026)
    assert (s.issues, s.panels, s.activities, s.participants, len(s.upcoming)) == (2, 4, 3, 126, 2)

    home = files["index.md"].decode()
    totals = re.search(r'<div class="kp-totals">(.*?)</div></div>', home, re.S)[1]
    assert "2026年科普工作" in home
    assert re.findall(r"<b>(\d+)</b><span>([^<]+)</span>", totals) == [
        ("2", "期月刊"), ("4", "块展板"), ("3", "场活动"), ("126", "人次参加")]

    archive = files["archive/index.md"].decode()
    cards = dict(re.findall(r"<b>(\d{4})年</b><span>([^<]*)</span>", archive))
    assert cards["2026"] == "2 期月刊 · 4 块展板 · 3 场活动 · 2 场预告"
    assert cards["2027"] == "0 期月刊 · 0 块展板 · 0 场活动 · 1 场预告"

    index = files["stats/index.md"].decode()
    row = re.search(r"^\| \[2026\]\(2026/index\.md\) \|(.*)$", index, re.M)[1]
    assert numbers(row)[:4] == [2, 4, 3, 126]
    page = files["stats/2026/index.md"].decode()
    assert "另有 2 场活动已预告" in page

    # topic cards (all years) count held activities only: safety has the drill and the fair, health the talk
    grid = re.findall(r'<b>([^<]+)</b><span class="kp-topic__desc">[^<]*</span><small>(\d+) 块展板 · (\d+) 场活动</small>',
                      files["topics/index.md"].decode())
    by_name = {name: (int(p), int(a)) for name, p, a in grid}
    assert by_name["安全"] == (2, 2) and by_name["健康"] == (2, 1) and by_name["防灾减灾"] == (0, 2)
    assert {t.name: t.activities for t in s.topics if t.activities} == {"安全": 2, "防灾减灾": 2, "健康": 1}


def test_check_and_stats_commands_count_the_same(site, capsys):
    held_and_upcoming(site)
    root = ["--root", str(site.root), "--today", TODAY.isoformat()]
    assert kepu_main(["check", *root]) == 0
    out = capsys.readouterr().out
    assert "检查通过：2 期月刊，4 块展板，3 场活动，另有 3 场预告。" in out
    assert kepu_main(["stats", "--year", "2026", *root]) == 0
    table = capsys.readouterr().out
    assert numbers(re.search(r"举办科普活动（场）(.*)", table)[1]) == [3]
    assert numbers(re.search(r"已预告、尚未举办的活动（场）(.*)", table)[1]) == [2]


def test_example_home_and_archive_show_the_stats_numbers(example):
    """The frozen example (held and announced activities in 2026): the issue's 15 vs 18."""
    files = generate_all(example).files
    s = stats.year_stats(example, 2026)
    assert s.upcoming and s.activities
    home = files["index.md"].decode()
    assert f"<b>{s.activities}</b><span>场活动</span>" in home
    archive = files["archive/index.md"].decode()
    assert f"{s.issues} 期月刊 · {s.panels} 块展板 · {s.activities} 场活动 · {len(s.upcoming)} 场预告" in archive
