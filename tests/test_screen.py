"""Lobby screen (/screen/): the slide model, durations, settings and the
checker warning. Browser behaviour is in test_screen_browser.py."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import GOOD_ACTIVITY, GOOD_ISSUE, MKDOCS_YML

from kepu import build
from kepu.core import urls
from kepu.core.writer import Output
from kepu.content.model import Notice
from kepu.media.publish import Media
from kepu.views.screen import ScreenSettings, generate, parse
from kepu.core.sanitize import display_width
from kepu.views.screen.slides import TEXT_MAX, build_slides, duration, shorten

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
    assert cut.endswith("…") and display_width(cut) <= 12
    long = "一二三四五六七八九十" * 3
    cut = shorten(long, 10)
    assert cut == "一二三四五六七八九…"
    assert display_width("abcd") == 2 and display_width("中文") == 2


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
    assert panel.text.endswith("…") and display_width(panel.text) <= TEXT_MAX
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
    line = MKDOCS_YML.count("\n") + 2  # each problem at its own key's line
    assert any(e.startswith(f"mkdocs.yml:{line}: 错误: extra.screen 里没有「nigth」") and "night" in e for e in errors)
    assert any(e.startswith(f"mkdocs.yml:{line + 1}: 错误: extra.screen.night（夜间时段）：时间「晚上」看不懂")
               and "22:00-07:00" in e for e in errors)
    assert any(e.startswith(f"mkdocs.yml:{line + 2}: 错误: extra.screen.max_seconds（最多停留）：「很久」不是整数")
               and "8 到 600" in e for e in errors)
    assert any("extra.screen.slides（显示哪些内容）：「panel」不是可以选的值" in e and "panels" in e for e in errors)


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


# ---- notices (bulletins/notices/*.md, read by the loader into Site.notices)

CST = timezone(timedelta(hours=8))


def notice(slug, level, start, end, title="明天停水", text="因管道检修，12月1日 8:00—18:00 停水，请提前储水。"):
    return Notice(Path(f"bulletins/notices/{slug}.md"), slug, title, start, end, level, f"<p>{text}</p>", text)


def test_notices_are_embedded_with_epoch_times_and_urgent_ones_as_a_band(site):
    site.write(ISSUE, GOOD_ISSUE)
    result = site.load()
    water = notice("2026-12-01-water", "重要", datetime(2026, 12, 1, 8, 0, tzinfo=CST), datetime(2026, 12, 1, 18, 0, tzinfo=CST))
    gas = notice("2026-11-29-gas", "紧急", datetime(2026, 11, 29, 9, 0, tzinfo=CST), datetime(2026, 11, 30, 12, 0, tzinfo=CST),
                 title="燃气泄漏</script><b>", text="3号楼燃气检修，请勿使用明火。")
    result.site.notices = (gas, water)
    html = run(result.site).files["screen/index.html"].decode()
    data = data_of(html)
    kinds = [s["kind"] for s in data["slides"]]
    assert kinds[0] == "notice" and kinds.count("notice") == 1  # 紧急 is not a slide
    slide = data["slides"][0]
    assert (slide["kicker"], slide["title"], slide["level"], slide["url"], slide["qr"]) == ("重要通知", "明天停水", "重要", "", "")
    assert slide["start"] == int(water.start.timestamp() * 1000) and slide["end"] - slide["start"] == 10 * 3600 * 1000
    assert dict(slide["facts"])["时间"] == "12月1日 08:00 至 18:00"
    assert data["urgent"] == [{"key": "urgent-2026-11-29-gas", "title": "燃气泄漏</script><b>", "text": "3号楼燃气检修，请勿使用明火。",
                               "start": int(gas.start.timestamp() * 1000), "end": int(gas.end.timestamp() * 1000)}]
    assert "燃气泄漏</script>" not in html and "燃气泄漏\\u003c/script\\u003e" in html  # JSON-escaped in the page
    s = parse(result.site.settings)
    assert slide["seconds"] == duration(build_slides(result.site, s)[0].reading_chars, False, s)


def test_without_notices_nothing_changes(site):
    site.write(ISSUE, GOOD_ISSUE)
    data = data_of(run(site.load().site).files["screen/index.html"].decode())
    assert data["urgent"] == [] and "notice" not in [s["kind"] for s in data["slides"]]


# ---- slogans (bulletins/slogans.yml)

def test_slogans_are_read_checked_and_placed_every_few_content_slides(site):
    from kepu.views.screen.slogans import MAX_WIDTH, PER_LINE

    site.write(ISSUE, GOOD_ISSUE)
    site.write("bulletins/slogans.yml", "# 标语\n- 科技创新、科学普及是实现创新发展的两翼\n- 讲科学、爱科学、学科学、用科学\n")
    result = site.load()
    assert not [p for p in result.problems.items if "slogans" in str(p.path)]
    slides = build_slides(result.site)
    assert [s.kind for s in slides] == ["issue", "panel", "panel", "slogan", "closing"]
    assert slides[3].title == "科技创新、科学普及是实现创新发展的两翼" and 8 <= slides[3].seconds <= 12
    data = data_of(run(result.site).files["screen/index.html"].decode())
    assert data["slogans"] == ["科技创新、科学普及是实现创新发展的两翼", "讲科学、爱科学、学科学、用科学"]
    assert (PER_LINE, MAX_WIDTH) == (12, 23)


def test_bad_slogans_are_errors_with_line_and_maximum(site):
    site.write(ISSUE, GOOD_ISSUE)
    too_long = "科学普及是实现创新发展的两翼，科技创新也是实现创新发展的两翼"
    site.write("bulletins/slogans.yml", f"- 讲科学、爱科学\n- {too_long}\n- 标语: 有冒号\n- \n")
    problems = site.problems()
    mine = [p for p in problems if p.startswith("bulletins/slogans.yml")]
    assert any(p.startswith("bulletins/slogans.yml:2: 错误: 标语「" + too_long + "」有 30 字") and "23 字以内" in p
               and "一行最多 12 字" in p for p in mine), mine
    assert any(p.startswith("bulletins/slogans.yml:3: 错误: ") and "双引号" in p for p in mine), mine
    assert any(p.startswith("bulletins/slogans.yml:4: 警告: 这一条标语是空的") for p in mine), mine
    site.write("bulletins/slogans.yml", "标语: 讲科学\n")
    assert any(p.startswith("bulletins/slogans.yml:1: 错误: slogans.yml 应该是标语的列表") for p in site.problems())
    site.write("bulletins/slogans.yml", "- \"讲科学\n- 爱科学\n")
    assert any(p.startswith("bulletins/slogans.yml:") and "格式错误" in p for p in site.problems())


def test_slogans_need_no_file(site):
    site.write(ISSUE, GOOD_ISSUE)
    result = site.load()
    assert "slogan" not in [s.kind for s in build_slides(result.site)]
    assert data_of(run(result.site).files["screen/index.html"].decode())["slogans"] == []


# ---- short films (宣传短片): ![标题](videos/x.mp4) in a panel or an activity

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
                                  reason="需要 ffmpeg（Debian 的 ffmpeg 包，.ci/run 会安装）")


def make_clip(path: Path, seconds: float = 2, codec: str = "libx264", size: str = "320x180") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate=10",
                    "-c:v", codec, "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path)], check=True, capture_output=True)
    return path


FILM_ISSUE = GOOD_ISSUE.replace("接种流感疫苗是预防流感最有效的手段。",
                                "接种流感疫苗是预防流感最有效的手段。\n\n![流感疫苗小短片](videos/flu.mp4)")


@needs_ffmpeg
def test_film_slide_follows_its_panel_for_the_films_length_and_the_page_shows_controls(site):
    from kepu.views.pages.issue_pages import render_issue

    site.write(ISSUE, FILM_ISSUE)
    make_clip(site.root / "bulletins/2026/videos/flu.mp4", 2)
    result = site.load()
    assert not [p for p in result.problems.items if "videos" in p.message or "短片" in p.message], result.problems.items
    slides = build_slides(result.site)
    kinds = [s.kind for s in slides]
    assert kinds[:4] == ["issue", "panel", "film", "panel"]
    film = slides[2]
    assert (film.title, film.kicker, film.seconds, film.qr_url) == ("流感疫苗小短片", "宣传短片", 2, "")
    out = run(result.site)
    data = [d for d in data_of(out.files["screen/index.html"].decode())["slides"] if d["kind"] == "film"][0]
    assert re.fullmatch(r"\.\./assets/generated/media/[0-9a-f]{16}\.mp4", data["video"])
    assert re.fullmatch(r"\.\./assets/generated/media/[0-9a-f]{16}-poster\.jpg", data["poster"])
    published = out.files[data["video"][3:]]
    assert published == (site.root / "bulletins/2026/videos/flu.mp4").read_bytes()
    assert out.files[data["poster"][3:]][:2] == b"\xff\xd8"  # a JPEG poster frame
    issue = result.site.issues[0]
    page = render_issue(result.site, issue, "2026/11/", Media(out))
    assert re.search(r'<video class="kp-video" controls preload="none" playsinline src="\.\./\.\./assets/generated/media/'
                     r'[0-9a-f]{16}\.mp4"[^>]* poster="[^"]+-poster\.jpg" aria-label="流感疫苗小短片"', page), page
    assert "流感疫苗小短片</span>" in page  # the caption


def film_messages(site, text: bytes | None = None, **clip) -> list[str]:
    site.write(ISSUE, FILM_ISSUE)
    path = site.root / "bulletins/2026/videos/flu.mp4"
    if text is None:
        make_clip(path, **clip)
    else:
        site.write("bulletins/2026/videos/flu.mp4", text)
    return [p for p in site.problems() if "flu.mp4" in p]


@needs_ffmpeg
def test_film_checker_codec_container_corrupt_and_length(site):
    assert film_messages(site) == []
    hevc = film_messages(site, codec="libx265")
    assert len(hevc) == 1 and hevc[0].startswith(f"{ISSUE}:12: 错误: 短片的视频编码是 H.265（HEVC）") and "H.264" in hevc[0]
    fake = film_messages(site, b"this is not a film at all, only text renamed to .mp4")
    assert len(fake) == 1 and "不是 MP4 视频" in fake[0] and ": 错误: " in fake[0]
    good = make_clip(site.root / "tmp.mp4", 2).read_bytes()
    broken = film_messages(site, good[:40])  # a copy that stopped early: the header only
    assert len(broken) == 1 and "无法读取" in broken[0] and ": 错误: " in broken[0]
    long = film_messages(site, seconds=130, size="64x36")
    assert len(long) == 1 and ": 警告: " in long[0] and "只播放前 120 秒" in long[0]


@needs_ffmpeg
def test_film_checker_size_limits(site, monkeypatch):
    from kepu.media import films

    monkeypatch.setattr(films, "MAX_BYTES", 5000)
    monkeypatch.setattr(films, "ADVISED_BYTES", 2000)
    films._probe.cache_clear()
    big = film_messages(site, seconds=2)
    assert len(big) == 1 and ": 错误: 短片太大" in big[0] and "100 MB" in big[0] and "50 MB 以内" in big[0] and "crf" in big[0]
    monkeypatch.setattr(films, "MAX_BYTES", 10 ** 9)
    films._probe.cache_clear()
    assert any(": 警告: 短片有" in m and "50 MB" in m for m in film_messages(site, seconds=2))


def test_film_checker_without_ffprobe_checks_the_container_and_notes_it(site, monkeypatch, capsys):
    """A volunteer's computer without ffmpeg: a 提示 line that neither counts as a warning nor
    fails `check --strict`; on GitHub Actions (where films must be verified) it is a warning."""
    from kepu.cli import main
    from kepu.media import films

    monkeypatch.setattr(films, "ffprobe", lambda: None)
    monkeypatch.setattr(films.shutil, "which", lambda name: None)  # no ffmpeg for the poster either
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    films._probe.cache_clear()
    site.write(ISSUE, FILM_ISSUE)
    site.write("bulletins/2026/videos/flu.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    msgs = [p for p in site.problems() if "flu.mp4" in p]
    assert len(msgs) == 1 and f"{ISSUE}:12: 提示: 这台电脑没有安装 ffprobe，只检查了短片是不是 MP4 文件" in msgs[0], msgs
    assert not site.load().problems.warnings
    capsys.readouterr()
    assert main(["check", "--strict", "--root", str(site.root), "--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert "提示: 这台电脑没有安装 ffprobe" in out and "检查通过" in out and "个警告" not in out
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert any(": 警告: GitHub 上的检查没有 ffprobe" in w for w in site.warnings())
    monkeypatch.delenv("GITHUB_ACTIONS")
    result = site.load()
    film = [s for s in build_slides(result.site) if s.kind == "film"][0]
    assert film.seconds == 120  # the cap; the browser moves on at the film's end
    data = [d for d in data_of(run(result.site).files["screen/index.html"].decode())["slides"] if d["kind"] == "film"][0]
    assert data["poster"] == ""
    site.write("bulletins/2026/videos/flu.mp4", b"GIF89a not a film")
    films._probe.cache_clear()
    assert any(": 错误: 这个文件不是 MP4 视频" in p for p in site.problems())


def test_other_video_formats_and_missing_films_are_errors(site):
    site.write(ISSUE, FILM_ISSUE.replace("videos/flu.mp4", "videos/flu.mov"))
    site.write("bulletins/2026/videos/flu.mov", b"\x00\x00\x00\x14ftypqt  ")
    assert any(p.startswith(f"{ISSUE}:12: 错误: 短片「videos/flu.mov」是 MOV 格式") for p in site.problems())
    site.write(ISSUE, FILM_ISSUE.replace("videos/flu.mp4", "videos/flu2.mp4"))
    assert any(p.startswith(f"{ISSUE}:12: 错误: 找不到短片「videos/flu2.mp4」") for p in site.problems())


# ---- the offline copy: screen/sw.js and the exact files of this build (screen/offline.json)

def test_offline_manifest_lists_exactly_the_files_the_slides_show(site):
    site.write(ISSUE, GOOD_ISSUE)
    out = run(site.load().site)
    assert out.files["screen/sw.js"].decode().startswith("/*")
    m = json.loads(out.files["screen/offline.json"])
    data = data_of(out.files["screen/index.html"].decode())
    assert m["screen"] == json.loads(out.files["version.json"])["screen"] == data["screen"]
    shown = {s[f] for s in data["slides"] for f in ("img", "poster", "video") if s.get(f)}
    assert {f["url"] for f in m["files"]} | {f["url"] for f in m["left_out"]} == shown
    for f in m["files"]:  # each file exists in the build, with its size
        rel = urls.SCREEN + f["url"]
        while "/../" in rel:
            rel = re.sub(r"[^/]+/\.\./", "", rel, count=1)
        assert len(out.files[rel]) == f["bytes"] > 0
    assert m["bytes"] == m["page_bytes"] + sum(f["bytes"] for f in m["files"])


def test_a_coming_activity_with_a_photo_has_its_report_slide_ready_for_the_day_after(site):
    """预告 → 纪实 by the screen's clock: the 纪实 slide is in the page, hidden until the day after
    (the browser test test_screen_offline.py shows it switching)."""
    from PIL import Image as PILImage

    site.write(ISSUE, GOOD_ISSUE)
    (site.root / "bulletins" / "2026" / "images").mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (800, 600), (20, 90, 160)).save(site.root / "bulletins" / "2026" / "images" / "talk.jpg")
    site.write("bulletins/2026/2026-12-05-talk.md", GOOD_ACTIVITY.replace("消防疏散演练", "燃气安全讲座")
               .replace("participants: 86\n", "").replace("演练很顺利。", "欢迎报名。\n\n![讲座](images/talk.jpg)"))
    s = site.load().site
    slides = build_slides(s)
    keys = [x.key for x in slides]
    assert "upcoming-2026-12-05-talk" in keys
    twin = slides[keys.index("recent-2026-12-05-talk")]
    assert twin.shown_from == "2026-12-06" and twin.image is not None
    data = data_of(run(s).files["screen/index.html"].decode())
    assert data["caps"] == {"recent": parse(s.settings).recent_count}
    shown = [x for x in data["slides"] if x["key"] == "recent-2026-12-05-talk"]
    assert shown[0]["from"] == "2026-12-06"
    assert all(not x.shown_from for x in slides if x.key != twin.key)
