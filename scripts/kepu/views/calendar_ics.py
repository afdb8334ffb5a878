"""iCalendar (RFC 5545) views of the activities.

- /calendar.ics: every activity, announced and past, for "订阅活动日历".
- /<YYYY>/<MM>/<DD>-<slug>/event.ics: one upcoming activity, for "加入日历".

Times are local times in the community's time zone (TZID=Asia/Shanghai with an
embedded VTIMEZONE); an activity without `time` is an all-day event.

UIDs: calendar apps match events by UID, so it must not change when an
activity is moved. The file name holds the date and the slug (2026-12-05-
fire-drill.md); moving the activity to another day or time renames the file
but keeps the slug, so the UID is uuid5(namespace, "<year>/<slug>"): stable
when the time or the day changes within the year, different for the same
slug in another year (a yearly "fire-drill" is a new event each year). It
holds no host or domain (RFC 7986). If a slug is used twice in one year,
the earliest keeps the plain UID and the later ones add their date.
DTSTAMP comes from the content (the activity's day), never the build time,
so a rebuild is byte-identical."""
from __future__ import annotations

import uuid
from dataclasses import replace
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kepu.core import urls
from kepu.core.escape import ics_line, ics_value
from kepu.core.templating import render
from kepu.content.model import Activity, Site

CALENDAR = "calendar.ics"
EVENT_FILE = "event.ics"
# Fixed forever: changing it would duplicate every event in subscribers' calendars.
UID_NAMESPACE = uuid.UUID("6f1d3c0e-2b7a-5e8f-9c41-7a0d2e6b5f13")
PRODID = "-//kepu//科普橱窗//ZH"


def uids(site: Site) -> dict[str, str]:
    """Activity key -> UID, for every activity."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for act in sorted(site.activities, key=lambda a: (a.date, a.slug)):
        name = f"{act.date.year:04d}/{act.slug}"
        if name in taken:
            name = f"{name}/{act.date.isoformat()}"
        taken.add(name)
        result[act.key] = str(uuid.uuid5(UID_NAMESPACE, name))
    return result


def event_file(act: Activity) -> str:
    """Site-relative path of an activity's own .ics file."""
    return urls.activity(act) + EVENT_FILE


def _event(site: Site, act: Activity, uid: str, tzid: str | None) -> dict:
    """The values of one VEVENT of theme/pages/calendar.ics."""
    tz = site.settings.tz
    stamp = datetime.combine(act.date, time(0), tzinfo=tz).astimezone(timezone.utc)
    if act.start:
        start = _local(act.date, act.start, tzid)
        end = _local(act.date, act.end, tzid) if act.end else ""
    else:  # all day
        start = f";VALUE=DATE:{act.date:%Y%m%d}"
        end = f";VALUE=DATE:{act.date + timedelta(days=1):%Y%m%d}"
    link = urls.absolute(site.settings.site_url, urls.activity(act))
    lines = []
    if act.organizer:
        lines.append(f"主办：{ics_line(act.organizer)}")
    if act.partners:
        lines.append("协办：" + "、".join(ics_line(p) for p in act.partners))
    topics = [ics_line(site.topics[t].name) for t in act.topics if t in site.topics]
    if topics:
        lines.append("专题：" + "、".join(topics))
    if link:
        lines.append(f"详情：{link}")
    return {"summary": ics_line(act.title), "start": start, "end": end, "stamp": f"{stamp:%Y%m%dT%H%M%SZ}",
            "uid": uid, "categories": topics, "description": "\n".join(lines),
            "location": ics_line(act.location) if act.location else "", "url": link}


def _local(day, at, tzid: str | None) -> str:
    """`;TZID=…:` and a local date-time (DTSTART, DTEND); in UTC the `Z` form, without TZID."""
    when = f"{day:%Y%m%d}T{at.hour:02d}{at.minute:02d}{at.second:02d}"
    return f";TZID={tzid}:{when}" if tzid else f":{when}Z"


def _tzid(tz) -> str | None:
    """The TZID of the community's time zone, None for UTC (written as `Z` times, no VTIMEZONE)."""
    key = tz.key
    if key.upper() in _UTC:
        return None
    return f'"{key}"' if any(c in key for c in ',;:') else key


_UTC = {"UTC", "ETC/UTC", "ETC/UCT", "UCT", "ETC/ZULU", "ZULU", "ETC/UNIVERSAL", "UNIVERSAL", "Z"}


def _calendar(site: Site, acts: list[Activity], name: str) -> bytes:
    ids = uids(site)
    tzid = _tzid(site.settings.tz)
    zone = _vtimezone(site.settings.tz.key) if tzid and any(a.start for a in acts) else ()
    text = render("pages/calendar.ics", prodid=PRODID, name=ics_line(name), timezone=site.settings.timezone,
                  vtimezone=zone, events=[_event(site, act, ids[act.key], tzid) for act in acts])
    return "".join(fold(line) + "\r\n" for line in text.split("\n") if line).encode("utf-8")


def fold(line: str, limit: int = 75) -> str:
    """One content line folded as RFC 5545 3.1 says (lines of at most 75 octets, each next one
    starting with a space), exactly where icalendar (7.x `_foldline`) folded it: never between
    a backslash or `^` and the character it escapes."""
    if len(line) * 4 < limit or len(line.encode("utf-8")) < limit:
        return line
    parts: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if current and count + size >= limit:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, count = [carried], len(carried.encode("utf-8"))
            else:
                parts.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        parts.append("".join(current))
    return "\r\n ".join(parts)


# The VTIMEZONE's span and its search for the changes of offset: icalendar's (7.x
# Timezone.from_tzinfo), with which kepu wrote its calendars before (same bytes).
_TZ_FIRST, _TZ_LAST = date(1970, 1, 1), date(2038, 1, 1)
_TZ_STEPS = [timedelta(days=d) for d in (64, 32, 16, 8, 4, 2, 1)] + [
    timedelta(hours=4), timedelta(hours=1), timedelta(minutes=20), timedelta(minutes=5), timedelta(minutes=1),
    timedelta(seconds=20), timedelta(seconds=5), timedelta(seconds=1)]


@lru_cache(maxsize=16)
def _vtimezone(tzid: str) -> tuple[str, ...]:
    """The VTIMEZONE of `tzid` as unfolded content lines (empty: unknown), made once per run
    from the time zone database: each stretch of one UTC offset between 1970 and 2038, found by
    stepping through the wall-clock time (days, then hours, minutes and seconds near a change);
    one STANDARD or DAYLIGHT part per kind of change, its later dates as RDATE."""
    try:
        tz = ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError):
        return ()
    last = datetime(_TZ_LAST.year, _TZ_LAST.month, _TZ_LAST.day, tzinfo=tz)
    parts: dict[tuple, list[datetime]] = {}  # (offset from, offset to, name, standard) -> starts
    start, offset_to = datetime(_TZ_FIRST.year, _TZ_FIRST.month, _TZ_FIRST.day, tzinfo=tz), None
    while start < last:
        offset_from, end = offset_to, start
        offset_to = end.utcoffset()
        for step in _TZ_STEPS:
            last_end, end = end, end + step
            try:
                while end.utcoffset() == offset_to:
                    last_end, end = end, end + step
            except OverflowError:
                break
            end = last_end
        name = start.tzname()
        key = (offset_from, offset_to, name if name is not None else str(offset_to), start.dst() == timedelta())
        parts.setdefault(key, []).append(start.replace(tzinfo=None))
        start = end + _TZ_STEPS[-1]
    lines = ["BEGIN:VTIMEZONE", f"TZID:{ics_value(tzid)}",
             f"COMMENT:{ics_value(f'This timezone only works from {_TZ_FIRST} to {_TZ_LAST}.')}"]
    for (offset_from, offset_to, name, standard), starts in parts.items():
        first = min(starts)
        starts.remove(first)
        if first.date() == _TZ_LAST:
            first = datetime(_TZ_LAST.year, _TZ_LAST.month, _TZ_LAST.day)
        kind = "STANDARD" if standard else "DAYLIGHT"
        lines += [f"BEGIN:{kind}", f"DTSTART:{first:%Y%m%dT%H%M%S}"]
        if starts:
            lines.append("RDATE:" + ",".join(f"{s:%Y%m%dT%H%M%S}" for s in starts))
        lines += [f"TZNAME:{ics_value(name)}", f"TZOFFSETFROM:{_offset(offset_to if offset_from is None else offset_from)}",
                  f"TZOFFSETTO:{_offset(offset_to)}", f"END:{kind}"]
    return tuple(lines + ["END:VTIMEZONE"])


def _offset(td: timedelta) -> str:
    """A UTC offset as iCalendar writes it: +0800, -0330, +053328 (seconds only when there are some)."""
    sign, td = ("-", -td) if td < timedelta(0) else ("+", td)
    hours, rest = abs(td.days * 24 + td.seconds // 3600), td.seconds % 3600
    minutes, seconds = rest // 60, rest % 60
    return sign + (f"{hours:02}{minutes:02}{seconds:02}" if seconds else f"{hours:02}{minutes:02}")


def calendar(site: Site) -> bytes:
    return _calendar(site, site.activities, f"{site.settings.community_name}科普活动")


def event(site: Site, act: Activity) -> bytes:
    return _calendar(site, [act], act.title)


def generate(site: Site, out, media) -> None:
    if not out.unchanged(CALENDAR, [shown(a) for a in site.activities]):
        out.add(CALENDAR, calendar(site))
    for act in site.upcoming:
        if not out.unchanged(event_file(act), shown(act)):
            out.add(event_file(act), event(site, act))


def shown(act: Activity) -> Activity:
    """The part of an activity a calendar shows (`Output.unchanged`, kepu serve): all but the write-up."""
    return replace(act, body="", text="", lead="", body_chars=0, images=[], videos=[], cover=None)


# ---------------------------------------------------------------- links on pages

def _macro(name: str):
    from kepu.core.templating import environment

    return environment().get_template("pages/calendar.html").module.__dict__[name]


def subscribe_links(site: Site, page_url: str) -> str:
    """"订阅活动日历" block for the activities page (HTML, relative links)."""
    absolute = urls.absolute(site.settings.site_url, CALENDAR)
    webcal = "webcal://" + absolute.split("://", 1)[1] if absolute else ""
    return str(_macro("subscribe")(urls.relative(page_url, CALENDAR), webcal, absolute)) + "\n\n"


def add_link(site: Site, act: Activity, page_url: str) -> str:
    """"加入日历" for an upcoming activity's page (its event.ics sits next to the page)."""
    if not act.is_upcoming(site.today):
        return ""
    return str(_macro("add")(urls.relative(page_url, event_file(act)), act.slug)) + "\n\n"
