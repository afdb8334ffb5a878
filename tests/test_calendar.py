"""calendar.ics and the per-activity event.ics: valid iCalendar, Asia/Shanghai
times, all-day events, links, and UIDs that survive moving an activity."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import icalendar
from conftest import EXAMPLE, GOOD_ACTIVITY, TODAY

from kepu.views import calendar_ics
from kepu.build import generate_all
from kepu.content.loader import load_site

SHANGHAI = ZoneInfo("Asia/Shanghai")
ACT = "bulletins/2026/2026-12-05-fire-drill.md"


def events(data: bytes) -> list:
    cal = icalendar.Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0" and cal.get("PRODID")
    return [c for c in cal.walk("VEVENT")]


def one(site) -> icalendar.Event:
    [ev] = events(calendar_ics.calendar(site.load().site))
    return ev


def test_example_calendar_has_every_activity(example):
    data = calendar_ics.calendar(example)
    evs = events(data)
    # independent count: activity files in bulletins/, announced and past
    files = sorted(EXAMPLE.glob("bulletins/*/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-*.md"))
    assert len(evs) == len(files)
    assert len({str(ev["UID"]) for ev in evs}) == len(evs)
    base = example.settings.site_url
    urls = {str(ev["URL"]) for ev in evs}
    assert urls == {base + f"{f.stem[:4]}/{f.stem[5:7]}/{f.stem[8:]}/" for f in files}
    for f in files:
        text = f.read_text(encoding="utf-8")
        ev = next(ev for ev in evs if str(ev["URL"]).endswith(f.stem[8:] + "/"))
        m = re.search(r'^time:\s*"?(\d{1,2}):(\d{2})', text, re.M)
        start = ev.decoded("DTSTART")
        if m:
            assert start == datetime.combine(date.fromisoformat(f.stem[:10]), time(int(m[1]), int(m[2])), tzinfo=SHANGHAI)
            assert ev["DTSTART"].params["TZID"] == "Asia/Shanghai"
        else:
            assert start == date.fromisoformat(f.stem[:10])
        loc = re.search(r"^location:\s*(.+)$", text, re.M)[1].strip()
        assert str(ev["LOCATION"]) == loc
    assert b"BEGIN:VTIMEZONE" in data and b"TZID:Asia/Shanghai" in data


def test_timed_event_in_shanghai_time(site):
    site.write(ACT, GOOD_ACTIVITY)  # 09:30-11:00
    ev = one(site)
    assert ev.decoded("DTSTART") == datetime(2026, 12, 5, 9, 30, tzinfo=SHANGHAI)
    assert ev.decoded("DTEND") == datetime(2026, 12, 5, 11, 0, tzinfo=SHANGHAI)
    assert ev.decoded("DTSTART").utcoffset().total_seconds() == 8 * 3600
    assert str(ev["SUMMARY"]) == "消防疏散演练"
    assert str(ev["LOCATION"]) == "社区广场"
    assert str(ev["URL"]) == "https://example.org/kepu/2026/12/05-fire-drill/"
    assert "https://example.org/kepu/2026/12/05-fire-drill/" in str(ev["DESCRIPTION"])


def test_no_time_is_an_all_day_event(site):
    site.write(ACT, GOOD_ACTIVITY.replace('time: "09:30-11:00"\n', ""))
    ev = one(site)
    assert ev.decoded("DTSTART") == date(2026, 12, 5)
    assert not isinstance(ev.decoded("DTSTART"), datetime)
    assert ev.decoded("DTEND") == date(2026, 12, 6)


def test_moving_an_activity_keeps_its_uid(site):
    path = site.write(ACT, GOOD_ACTIVITY)
    before = one(site)
    # moved to another time on the same day
    site.write(ACT, GOOD_ACTIVITY.replace("09:30-11:00", "14:00-15:30"))
    later = one(site)
    assert later.decoded("DTSTART") == datetime(2026, 12, 5, 14, 0, tzinfo=SHANGHAI)
    assert later["UID"] == before["UID"]
    # moved to another day: the volunteer renames the file
    path.unlink()
    site.write("bulletins/2026/2026-12-12-fire-drill.md", GOOD_ACTIVITY.replace("09:30-11:00", "14:00-15:30"))
    moved = one(site)
    assert moved.decoded("DTSTART") == datetime(2026, 12, 12, 14, 0, tzinfo=SHANGHAI)
    assert moved["UID"] == before["UID"]


def test_different_activities_get_different_uids(site):
    site.write(ACT, GOOD_ACTIVITY)
    site.write("bulletins/2026/2026-12-06-gas-talk.md", GOOD_ACTIVITY)
    site.write("bulletins/2025/2025-12-05-fire-drill.md", GOOD_ACTIVITY)  # same slug, another year
    site.write("bulletins/2026/2026-03-05-fire-drill.md", GOOD_ACTIVITY)  # same slug twice in one year
    evs = events(calendar_ics.calendar(site.load().site))
    assert len(evs) == 4
    assert len({str(ev["UID"]) for ev in evs}) == 4
    # RFC 7986: no host or domain in the UID
    assert all("@" not in str(ev["UID"]) and "example.org" not in str(ev["UID"]) for ev in evs)


def test_calendar_does_not_depend_on_build_day(site):
    site.write(ACT, GOOD_ACTIVITY)
    site.write("bulletins/2026/2026-10-10-talk.md", GOOD_ACTIVITY)
    a = calendar_ics.calendar(site.load(today=date(2026, 11, 29)).site)
    b = calendar_ics.calendar(site.load(today=date(2027, 3, 1)).site)
    assert a == b  # DTSTAMP comes from the content, not the clock
    assert len(events(a)) == 2


def test_upcoming_activities_get_their_own_event_file_and_link(site):
    site.write(ACT, GOOD_ACTIVITY)
    site.write("bulletins/2026/2026-10-10-talk.md", GOOD_ACTIVITY)
    model = site.load().site
    files = generate_all(model).files
    [ev] = events(files["2026/12/05-fire-drill/event.ics"])
    [same] = [e for e in events(files["calendar.ics"]) if str(e["URL"]).endswith("05-fire-drill/")]
    assert ev["UID"] == same["UID"] and ev.decoded("DTSTART") == same.decoded("DTSTART")
    assert "2026/10/10-talk/event.ics" not in files  # past: no 加入日历
    page = files["2026/12/05-fire-drill/index.md"].decode()
    assert re.search(r'<a [^>]*href="event\.ics"[^>]*>加入日历</a>', page)
    assert "加入日历" not in files["2026/10/10-talk/index.md"].decode()
    index = files["activities/index.md"].decode()
    assert 'href="webcal://example.org/kepu/calendar.ics"' in index and "订阅活动日历" in index
    assert 'href="../calendar.ics"' in index


def test_second_generation_is_byte_identical(example):
    first = generate_all(example).files
    again = generate_all(load_site(EXAMPLE, today=TODAY).site).files
    ics = [k for k in first if k.endswith(".ics")]
    assert "calendar.ics" in ics and len(ics) == 1 + len(example.upcoming)
    assert all(first[k] == again[k] for k in ics)


def test_long_chinese_lines_are_folded_without_breaking_characters(site):
    site.write(ACT, GOOD_ACTIVITY.replace("location: 社区广场", "location: " + "桂园社区新时代文明实践站多功能室" * 3))
    data = calendar_ics.calendar(site.load().site)
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a split character would not decode
    assert str(one(site)["LOCATION"]) == "桂园社区新时代文明实践站多功能室" * 3


def test_text_values_are_escaped_and_read_back(site):
    # written without icalendar (theme/pages/calendar.ics): a calendar reader must get the same text back
    title = "演练,第一讲;上午\\下午" + "长" * 30 + "\\" + "短" * 5
    site.write(ACT, GOOD_ACTIVITY.replace("title: 消防疏散演练", f"title: '{title}'")
               .replace("organizer: 测试社区居委会", "organizer: 'A,B;C'"))
    s = site.load().site
    [act] = s.activities
    for data, name in ((calendar_ics.calendar(s), None), (calendar_ics.event(s, act), title)):
        assert all(len(line) <= 75 for line in data.split(b"\r\n"))
        cal = icalendar.Calendar.from_ical(data)
        [ev] = cal.walk("VEVENT")
        assert str(ev["SUMMARY"]) == title
        assert "主办：A,B;C" in str(ev["DESCRIPTION"])
        assert [str(c) for c in ev["CATEGORIES"].cats] == ["安全", "防灾减灾"]
        if name:
            # NAME (RFC 7986) is TEXT: escaped like SUMMARY (icalendar reads it as an unknown property, raw)
            unescaped = re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], str(cal["NAME"]))
            assert unescaped == name


def test_vtimezone_is_the_one_icalendar_makes():
    # kepu writes VTIMEZONE without icalendar (not loaded while building); the reference is icalendar's own
    for tzid in ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Taipei", "Europe/Berlin",
                 "America/New_York", "Australia/Lord_Howe", "Africa/Casablanca", "Pacific/Chatham"):
        ref = icalendar.Timezone.from_tzid(tzid).to_ical().decode("utf-8").replace("\r\n ", "").splitlines()
        assert list(calendar_ics._vtimezone(tzid)) == ref, tzid
    assert calendar_ics._vtimezone("Nowhere/Atlantis") == ()


def test_building_a_calendar_does_not_load_icalendar(example):
    import subprocess
    import sys

    code = ("import sys; from kepu.content.loader import load_site; from kepu.views import calendar_ics; "
            f"from pathlib import Path; import datetime; s = load_site(Path({str(EXAMPLE)!r}), "
            f"today=datetime.date.fromisoformat({TODAY.isoformat()!r})).site; calendar_ics.calendar(s); "
            "print('icalendar' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"  # about 3 MB of a build's peak memory
