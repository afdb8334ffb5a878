"""Lobby screen (/screen/): the slide model, durations, settings and the
checker warning. Browser behaviour is in test_screen_browser.py."""
from __future__ import annotations

import json
import re

from conftest import GOOD_ACTIVITY, GOOD_ISSUE, MKDOCS_YML

from kepu import build, urls
from kepu.generate.writer import Output
from kepu.media import Media
from kepu.screen import ScreenSettings, generate, parse
from kepu.screen.slides import TEXT_MAX, build_slides, duration, shorten, width

ISSUE = "bulletins/2026/2026-11.md"
LONG_LEAD = "冬季是流感高发季节，" * 14  # 140 characters in one opening paragraph


def data_of(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="kepu-screen-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def run(site_obj):
    out = Output()
    generate(site_obj, out, Media(out))
    return out


def test_duration_follows_reading_speed_and_bounds():
    s = ScreenSettings()
    assert duration(0, False, s) == 8  # at least 8 s
    assert duration(0, True, s) == 15  # a QR code needs time to scan
    assert duration(100, True, s) == 4 + 30  # 200 characters a minute: 100 chars = 30 s
    assert duration(100, False, s) == 34
    assert duration(5000, True, s) == 60  # never longer than a minute


def test_shorten_cuts_with_ellipsis_preferring_sentence_end():
    assert shorten("短句。", 10) == "短句。"
    text = "第一句话说完了。" + "第二句很长很长很长很长很长很长很长很长"
    cut = shorten(text, 12)
    assert cut.endswith("…") and width(cut) <= 12
    long = "一二三四五六七八九十" * 3
    cut = shorten(long, 10)
    assert cut == "一二三四五六七八九…"
    assert width("abcd") == 2 and width("中文") == 2


def test_slides_from_site_order_qr_and_durations(site):
    site.write(ISSUE, GOOD_ISSUE)
    site.write("bulletins/2026/2026-11-09-fire-drill.md", GOOD_ACTIVITY.replace("演练很顺利。", "演练很顺利。\n\n![演练](images/a.png)"))
    site.write("bulletins/2026/images/a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40)
    site.write("bulletins/2026/2026-12-05-gas-talk.md", GOOD_ACTIVITY.replace("participants: 86\n", "").replace("消防疏散演练", "燃气安全讲座"))
    result = site.load()
    slides = build_slides(result.site)
    assert [s.kind for s in slides] == ["issue", "panel", "panel", "upcoming", "recent", "closing"]
    base = "https://example.org/kepu/"
    assert [s.qr_url for s in slides] == [
        base + "2026/11/", base + "2026/11/#p1", base + "2026/11/#p2", base + "2026/12/05-gas-talk/",
        base + "2026/11/09-fire-drill/", base]
    panel = slides[1]
    assert panel.title == "流感疫苗要趁早" and panel.text == "接种流感疫苗是预防流感最有效的手段。"
    assert "健康" in panel.kicker
    upcoming = slides[3]
    assert upcoming.date == "2026-12-05" and dict(upcoming.facts)["时间"].startswith("12月5日 星期六 09:30")
    assert slides[4].image is not None and dict(slides[4].facts)["参加"] == "86 位居民"
    for s in slides:
        assert 15 <= s.seconds <= 60  # all have QR codes
        assert s.seconds == duration(s.reading_chars, True, parse(result.site.settings))


def test_long_panel_text_is_cut_and_checker_warns_with_line(site):
    site.write(ISSUE, GOOD_ISSUE.replace("接种流感疫苗是预防流感最有效的手段。", LONG_LEAD))
    result = site.load()
    warnings = [p.format() for p in result.problems.sorted()]
    hits = [w for w in warnings if "大屏" in w]
    assert len(hits) == 1
    assert hits[0].startswith(f"{ISSUE}:8: 警告: 展板「流感疫苗要趁早」的第一段有 140 字")
    assert f"{TEXT_MAX} 字以内" in hits[0]
    panel = build_slides(result.site)[1]
    assert panel.text.endswith("…") and width(panel.text) <= TEXT_MAX
    assert panel.text.rstrip("…") in LONG_LEAD


def test_short_panels_and_past_issues_do_not_warn(site):
    site.write("bulletins/2026/2026-10.md", GOOD_ISSUE.replace("接种流感疫苗是预防流感最有效的手段。", LONG_LEAD))
    site.write(ISSUE, GOOD_ISSUE)
    assert not [p for p in site.problems() if "大屏" in p]


def test_without_site_url_no_qr_and_a_warning(site):
    (site.root / "mkdocs.yml").write_text(MKDOCS_YML.replace("site_url: https://example.org/kepu/\n", ""), encoding="utf-8")
    site.write(ISSUE, GOOD_ISSUE)
    result = site.load()
    msgs = [p.format() for p in result.problems.sorted()]
    assert any("site_url" in m and "二维码" in m and ": 警告: " in m for m in msgs)
    data = data_of(run(result.site).files["screen/index.html"].decode())
    assert data["slides"] and all(s["qr"] == "" and s["url"] == "" for s in data["slides"])
    s = parse(result.site.settings)
    assert [d["seconds"] for d in data["slides"]] == [duration(x.reading_chars, False, s) for x in build_slides(result.site)]
    assert min(d["seconds"] for d in data["slides"]) < 15  # the QR minimum no longer applies


def with_screen(site, block: str):
    (site.root / "mkdocs.yml").write_text(MKDOCS_YML + "  screen:\n" + block, encoding="utf-8")


def test_settings_are_read(site):
    with_screen(site, "    title: 大厅\n    slides: [panels, closing]\n    night: 22:30-06:45\n"
                      "    reload_at: 关\n    min_seconds: 10\n    poll_minutes: 3\n")
    site.write(ISSUE, GOOD_ISSUE)
    result = site.load()
    assert not [p for p in result.problems.items if "screen" in p.message]
    s = parse(result.site.settings)
    assert (s.title, s.slides, s.night, s.reload_at, s.min_seconds, s.poll_minutes) == (
        "大厅", ("panels", "closing"), (22 * 60 + 30, 6 * 60 + 45), None, 10, 3)
    assert [x.kind for x in build_slides(result.site, s)] == ["panel", "panel", "closing"]
    html = run(result.site).files["screen/index.html"].decode()
    assert "<title>大厅 · 大屏</title>" in html
    assert data_of(html)["night"] == [1350, 405] and data_of(html)["pollMinutes"] == 3


def test_bad_settings_are_errors_with_line_and_fix(site):
    with_screen(site, "    nigth: 22:00-07:00\n    night: 晚上\n    max_seconds: 很久\n    slides: [panel, closing]\n")
    site.write(ISSUE, GOOD_ISSUE)
    errors = site.errors()
    line = MKDOCS_YML.count("\n") + 1
    assert any(e.startswith(f"mkdocs.yml:{line}: 错误: extra.screen 里没有「nigth」") and "night" in e for e in errors)
    assert any("extra.screen.night「晚上」不是时段" in e and "22:00-07:00" in e for e in errors)
    assert any("extra.screen.max_seconds「很久」" in e for e in errors)
    assert any("「panel」不是大屏认识的内容类型" in e and "panels" in e for e in errors)


def test_page_is_self_contained_and_version_is_a_stable_content_hash(site):
    site.write(ISSUE, GOOD_ISSUE)
    first = run(site.load().site)
    html = first.files["screen/index.html"].decode()
    assert '<html lang="zh-CN" translate="no"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing loaded from another origin
    assert "<link rel=\"stylesheet\"" not in html and "<script src" not in html
    version = json.loads(first.files["version.json"])
    assert f'<meta name="kepu-build" content="{version["screen"]}">' in html
    again = run(site.load().site)
    assert again.files["version.json"] == first.files["version.json"]  # no timestamps
    site.write(ISSUE, GOOD_ISSUE.replace("用完燃气要关阀门。", "用完燃气要随手关阀门。"))
    changed = json.loads(run(site.load().site).files["version.json"])
    assert changed["screen"] != version["screen"] and changed["content"] != version["content"]


def test_screen_is_wired_into_the_build(site):
    """`kepu build` writes the lobby page, and `kepu check` reports a too long panel opening
    and a bad extra.screen value: behaviour, not registry entries."""
    site.write(ISSUE, GOOD_ISSUE.replace("接种流感疫苗是预防流感最有效的手段。", LONG_LEAD))
    (site.root / "mkdocs.yml").write_text(MKDOCS_YML + "  screen:\n    chars_per_minute: 0\n", encoding="utf-8")
    result = site.load()
    found = [p.format() for p in result.problems.sorted()]
    assert any("2026-11.md:8: 警告:" in p and "大屏" in p for p in found)  # the panel's line
    assert any("chars_per_minute" in p for p in found)
    files = build.generate_all(result.site).files
    html = files[urls.SCREEN + "index.html"].decode()
    assert [s["kind"] for s in data_of(html)["slides"]][:2] == ["issue", "panel"]

