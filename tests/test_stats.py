"""Yearly statistics: checked against an independent count of the example
files, missing months and participants, and `kepu stats` = page = CSV."""
from __future__ import annotations

import csv
import io
import re
from argparse import Namespace
from collections import Counter
from datetime import date

import pytest
import yaml
from conftest import EXAMPLE, GOOD_ACTIVITY, GOOD_ISSUE, TODAY
from sitecopy import copy_site

from kepu.views import stats
from kepu.build import generate_all
from kepu.cli import main as kepu_main
from kepu.content.loader import load_site


# ---- an independent count of the example content: plain file reading and regexes, no kepu loader

def topic_names() -> dict[str, str]:
    """Any name or alias -> the topic's display name, from topics.yml."""
    names = {}
    for t in yaml.safe_load((EXAMPLE / "bulletins" / "topics.yml").read_text(encoding="utf-8")):
        for n in [t["name"], t["id"], *(t.get("aliases") or [])]:
            names[str(n)] = t["name"]
    return names


def count_by_hand(year: int) -> dict:
    names = topic_names()
    folder = EXAMPLE / "bulletins" / str(year)
    res = {"issues": 0, "panels": 0, "activities": 0, "participants": 0, "unreported": [],
           "panel_topics": Counter(), "act_topics": Counter(), "months": Counter(), "month_people": Counter()}
    for f in sorted(folder.glob("*.md")):
        text = f.read_text(encoding="utf-8-sig")
        if re.fullmatch(r"\d{4}-\d{2}", f.stem):
            body = text.split("\n---", 2)[-1] if text.startswith("---") else text
            heads = re.findall(r"^## 【([^】]+)】", body, re.M)
            res["issues"] += 1
            res["panels"] += len(heads)
            res["months"][int(f.stem[5:7])] += len(heads)
            res["panel_topics"].update(names[h] for h in heads)
        elif re.match(r"\d{4}-\d{2}-\d{2}-", f.stem) and f.stem[:10] < TODAY.isoformat():
            res["activities"] += 1
            m = re.search(r"^participants:\s*(\d+)\s*$", text, re.M)
            if m:
                res["participants"] += int(m[1])
                res["month_people"][int(f.stem[5:7])] += int(m[1])
            else:
                res["unreported"].append(f.stem[:10])
            block = re.search(r"^topics:\n((?:  - .*\n)+)", text, re.M)  # the editor's style (one item a line)
            topics = re.findall(r"^  - (.*)$", block[1], re.M) if block else \
                re.search(r"^topics:\s*\[(.*)\]", text, re.M)[1].split(",")
            # an activity counts once per topic, even when two aliases of one topic are listed
            res["act_topics"].update({names[t.strip().strip("\"'")] for t in topics})
    return res


@pytest.mark.parametrize("year", [2025, 2026])
def test_example_numbers_match_an_independent_count(example, year):
    hand = count_by_hand(year)
    s = stats.year_stats(example, year)
    assert hand["issues"] and hand["panels"]
    assert (s.issues, s.panels, s.activities, s.participants) == (
        hand["issues"], hand["panels"], hand["activities"], hand["participants"])
    assert [a.date.isoformat() for a in s.unreported] == hand["unreported"]
    assert {t.name: t.panels for t in s.topics if t.panels} == dict(hand["panel_topics"])
    assert {t.name: t.activities for t in s.topics if t.activities} == dict(hand["act_topics"])
    assert {m.month: m.panels for m in s.months if m.panels} == dict(hand["months"])
    assert {m.month: m.participants for m in s.months if m.participants} == dict(hand["month_people"])


def test_example_2026_has_an_issue_every_month_so_far(example):
    s = stats.year_stats(example, 2026)
    issue_months = {int(f.stem[5:7]) for f in (EXAMPLE / "bulletins" / "2026").glob("2026-[0-9][0-9].md")}
    assert s.expected_months == TODAY.month
    assert s.missing_months == [m for m in range(1, TODAY.month + 1) if m not in issue_months]
    assert [a.date.month for a in s.upcoming] and all(a.date >= TODAY for a in s.upcoming)


def test_missing_months_and_unreported_participants(site):
    # first_issue is 2025-12 in the test site; today 2026-04-10
    site.write("bulletins/2026/2026-01.md", GOOD_ISSUE)
    site.write("bulletins/2026/2026-03.md", GOOD_ISSUE)
    site.write("bulletins/2026/2026-01-10-drill.md", GOOD_ACTIVITY)  # 86 people
    site.write("bulletins/2026/2026-03-07-talk.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))
    site.write("bulletins/2026/2026-05-01-fair.md", GOOD_ACTIVITY)  # announced, not held yet
    model = site.load(today=date(2026, 4, 10)).site
    s = stats.year_stats(model, 2026)
    assert s.missing_months == [2, 4]  # April counts: the month has begun and has no issue
    assert (s.issues, s.panels, s.activities, s.participants) == (2, 4, 2, 86)
    assert [a.slug for a in s.unreported] == ["talk"] and [a.slug for a in s.upcoming] == ["fair"]
    assert {t.id: (t.panels, t.activities, t.participants) for t in s.topics} == {
        "health": (2, 0, 0), "safety": (2, 2, 86), "disaster": (0, 2, 86)}
    prev = stats.year_stats(model, 2025)
    assert prev.expected_months == 1 and prev.missing_months == [12]  # months before first_issue don't count
    page = generate_all(model).files["stats/2026/index.md"].decode()
    assert "缺刊月份：2月、4月" in page
    assert re.search(r'<a href="\.\./\.\./2026/03/07-talk/">', page)
    svg = re.findall(r"<svg.*?</svg>", page, re.S)
    assert svg and "缺</text>" in svg[0] and "?<title>3月" in svg[1]


@pytest.fixture(scope="module")
def unreported(tmp_path_factory):
    """The example with one held 2026 activity whose participants are not filled in yet."""
    root = copy_site(tmp_path_factory.mktemp("unreported"))
    act = root / "bulletins" / "2026" / "2026-02-07-anti-fraud-new-year-fair.md"
    act.write_text(re.sub(r"^participants:.*\n", "", act.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    model = load_site(root, today=TODAY).site
    assert [a.key for a in stats.year_stats(model, 2026).unreported] == [act.stem]
    return root, model


def run_cli(capsys, *argv, root=EXAMPLE) -> tuple[int, str, str]:
    code = kepu_main(["stats", "--root", str(root), "--today", TODAY.isoformat(), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_csv_is_the_downloadable_csv(example, capsys):
    files = generate_all(example).files
    for year in example.years:
        code, out, _ = run_cli(capsys, "--year", str(year), "--format", "csv")
        assert code == 0
        data = files[f"stats/{year}/kepu-stats-{year}.csv"]
        assert data.startswith("\ufeff".encode())  # Excel on Windows needs the BOM
        assert data.decode("utf-8-sig") == out
        rows = list(csv.reader(io.StringIO(out)))
        hand = count_by_hand(year)
        summary = {r[0]: r[1] for r in rows if len(r) == 2}
        assert summary["月刊期数"] == str(hand["issues"]) and summary["活动参加人次"] == str(hand["participants"])
        total = next(r for r in rows if r and r[0] == "合计")
        assert total == ["合计", str(hand["issues"]), str(hand["panels"]), str(hand["activities"]), str(hand["participants"])]


def test_cli_markdown_tables_are_on_the_page(unreported, capsys):
    root, model = unreported
    page = generate_all(model).files["stats/2026/index.md"].decode()
    code, out, _ = run_cli(capsys, "--year", "2026", "--format", "md", root=root)
    assert code == 0
    tables = re.findall(r"(?:^\|.*\|\n)+", out, re.M)
    assert len(tables) == 4  # summary, months, topics, unreported (2026 has one)
    for t in tables[:3]:
        assert t in page
    # the unreported table links each activity on the page; same rows otherwise
    assert re.sub(r"<a [^>]*>|</a>", "", re.findall(r"(?:^\|.*\|\n)+", page[page.index("#unreported"):], re.M)[0]) == tables[3]


def test_cli_table_shows_the_same_numbers(unreported, capsys):
    root, model = unreported
    code, out, err = run_cli(capsys, "--year", "2026", root=root)
    assert code == 0
    s = stats.year_stats(model, 2026)
    assert out.startswith("桂园社区2026年科普工作统计")
    lines = {re.split(r"\s{2,}", l.strip())[0]: re.split(r"\s{2,}", l.strip())[1:] for l in out.splitlines() if l.strip()}
    assert lines["月刊期数"] == [str(s.issues)] and lines["展板块数"] == [str(s.panels)]
    assert lines["合计"] == [str(s.issues), str(s.panels), str(s.activities), str(s.participants)]
    assert "没有登记参加人数" in err  # the hint goes to stderr, the numbers to stdout


def test_cli_unknown_year_is_a_clear_message(capsys):
    code, out, err = run_cli(capsys, "--year", "2019")
    assert code == 1 and out == ""
    assert "2019 年没有月刊或活动记录" in err and "2026" in err and "Traceback" not in err


def test_cli_refuses_when_content_has_errors(site, capsys):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE.replace("title: 冬季流感怎么防\n", "title: [\n"))
    code = kepu_main(["stats", "--root", str(site.root), "--today", "2026-11-29"])
    out = capsys.readouterr()
    assert code == 1 and out.out == ""
    assert ": 错误: " in out.err and "Traceback" not in out.err


def test_charts_are_static_svg(example):
    files = generate_all(example).files
    page = files["stats/2026/index.md"].decode()
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 4
    months = svgs[0]
    assert [int(x) for x in re.findall(r'class="kp-chart__lab[^"]*">(\d+)</text>', months)] == list(range(1, 13))
    assert "<script" not in page and not re.search(r"(?:src|href)=\"https?:", page)
    for svg in svgs:
        assert re.match(r'<svg class="kp-chart__svg" viewBox="0 0 \d+ \d+"', svg)
    # bars are proportional to the values they label
    bars = re.findall(r'<rect [^>]*height="([\d.]+)"[^>]*><title>(\d+)月：(\d+)人', svgs[1])
    ratios = [float(h) / int(v) for h, _, v in bars if int(v) > 20]
    assert len(ratios) >= 5 and max(ratios) - min(ratios) < 0.01 * max(ratios)


def test_stats_pages_are_built_and_fit_a_phone(unreported):
    from kepu.build import build

    assert build(unreported[0], today=TODAY) == 0  # with the table of unreported activities
    site = unreported[0] / "site"
    assert (site / "stats" / "index.html").is_file()
    for year in (2025, 2026):
        assert (site / "stats" / str(year) / "index.html").is_file()
        assert (site / "stats" / str(year) / f"kepu-stats-{year}.csv").is_file()
    nav = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="stats/"[^>]*>\s*统计', nav)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page.goto((site / "stats" / "2026" / "index.html").as_uri())
            sizes = page.evaluate("""() => ({
                doc: document.documentElement.scrollWidth,
                tables: [...document.querySelectorAll('.kp-stat-table table')].map(t => [t.scrollWidth, t.clientWidth]),
                charts: [...document.querySelectorAll('.kp-chart svg')].map(s => s.getBoundingClientRect().width),
            })""")
        finally:
            browser.close()
    assert sizes["doc"] <= 390
    assert len(sizes["tables"]) == 4 and all(sw <= cw for sw, cw in sizes["tables"])  # no sideways scrolling
    assert len(sizes["charts"]) == 4 and all(200 < w <= 390 for w in sizes["charts"])
