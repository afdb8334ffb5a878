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
from datetime import datetime, time, timedelta, timezone

from kepu.core import urls
from kepu.core.escape import ics_line
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


def _event(site: Site, act: Activity, uid: str):
    import icalendar

    tz = site.settings.tz
    ev = icalendar.Event()
    ev.add("uid", uid)
    ev.add("dtstamp", datetime.combine(act.date, time(0), tzinfo=tz).astimezone(timezone.utc))
    ev.add("summary", ics_line(act.title))
    if act.start:
        ev.add("dtstart", datetime.combine(act.date, act.start, tzinfo=tz))
        if act.end:
            ev.add("dtend", datetime.combine(act.date, act.end, tzinfo=tz))
    else:
        ev.add("dtstart", act.date)
        ev.add("dtend", act.date + timedelta(days=1))
    if act.location:
        ev.add("location", ics_line(act.location))
    link = urls.absolute(site.settings.site_url, urls.activity(act))
    lines = []
    if act.organizer:
        lines.append(f"主办：{ics_line(act.organizer)}")
    if act.partners:
        lines.append("协办：" + "、".join(ics_line(p) for p in act.partners))
    topics = [ics_line(site.topics[t].name) for t in act.topics if t in site.topics]
    if topics:
        lines.append("专题：" + "、".join(topics))
        ev.add("categories", topics)
    if link:
        lines.append(f"详情：{link}")
        ev.add("url", link)
    if lines:
        ev.add("description", "\n".join(lines))
    ev.add("status", "CONFIRMED")
    ev.add("transp", "OPAQUE")
    return ev


def _calendar(site: Site, acts: list[Activity], name: str) -> bytes:
    import icalendar

    ids = uids(site)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", ics_line(name))
    cal.add("name", ics_line(name))
    cal.add("x-wr-timezone", site.settings.timezone)
    cal.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "P1D")
    for act in acts:
        cal.add_component(_event(site, act, ids[act.key]))
    if any(a.start for a in acts):
        # as cal.add_missing_timezones(), with each VTIMEZONE built once per run
        at = len(cal.timezones)
        for tzid in sorted(cal.get_missing_tzids()):
            vtimezone = _vtimezone(tzid)
            if vtimezone is not None:
                cal.subcomponents.insert(at, vtimezone)
                at += 1
    return cal.to_ical()


@lru_cache(maxsize=16)
def _vtimezone(tzid: str):
    """The VTIMEZONE of `tzid` (None: unknown); read-only once made, shared by every calendar."""
    import icalendar

    try:
        return icalendar.Timezone.from_tzid(tzid)
    except ValueError:
        return None


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
