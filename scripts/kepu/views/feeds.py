"""Atom feed at /feed.xml: the latest issues and activity write-ups.

Deterministic: every time comes from the content (an issue is dated the
first day of its month, a write-up the day and time of its activity) in the
community's time zone, so the same content gives byte-identical output.
Feed readers need absolute links, so without `site_url` there is no feed.
Only issues whose month has begun and activities that have taken place are
listed (announcements live in the calendar, /calendar.ics)."""
from __future__ import annotations

from datetime import datetime, time

from kepu.core import urls
from kepu.views.pages.components import cn_date, excerpt, issue_label, time_text
from kepu.content.model import Activity, Issue, Site
from kepu.core.templating import environment, render

FEED = "feed.xml"
LIMIT = 30  # newest entries kept in the feed


def issue_time(site: Site, issue: Issue) -> datetime:
    return datetime(issue.year, issue.month, 1, tzinfo=site.settings.tz)


def activity_time(site: Site, act: Activity) -> datetime:
    return datetime.combine(act.date, act.end or act.start or time(0), tzinfo=site.settings.tz)


def entries(site: Site) -> list[tuple[datetime, str, Issue | Activity]]:
    """(time, kind, item) newest first; ties broken by kind and key so the order is stable."""
    today = site.today
    items = [(issue_time(site, i), "issue", i) for i in site.issues if (i.year, i.month) <= (today.year, today.month)]
    items += [(activity_time(site, a), "activity", a) for a in site.past]
    items.sort(key=lambda t: (t[0], t[1], t[2].key), reverse=True)
    return items[:LIMIT]


def _entry(site: Site, url: str, title: str, when: datetime, summary_html: str, topic_ids) -> dict:
    return {"id": urls.absolute(site.settings.site_url, url), "title": title, "when": when.isoformat(),
            "summary": summary_html,
            "categories": [(t, site.topics[t].name) for t in topic_ids if t in site.topics]}


def _issue_entry(site: Site, issue: Issue) -> dict:
    base = site.settings.site_url
    panels = [(urls.absolute(base, urls.panel(issue, p)), p.title) for p in issue.panels]
    return _entry(site, urls.issue(issue), f"{issue_label(issue)}（{issue.year}年{issue.month}月）：{issue.title}",
                  issue_time(site, issue), _summary("issue", issue.summary, len(issue.panels), panels), issue.topics)


def _activity_entry(site: Site, act: Activity) -> dict:
    facts = f"{cn_date(act.date)} {time_text(act)}，{act.location}"
    if act.participants is not None:
        facts += f"，{act.participants} 人参加"
    text = excerpt(act.text, 120)
    return _entry(site, urls.activity(act), f"活动纪实：{act.title}", activity_time(site, act),
                  _summary("activity", facts, text), act.topics)


def _summary(kind: str, *args) -> str:
    """An entry's HTML summary from theme/pages/feed.html (autoescaped)."""
    return str(environment().get_template("pages/feed.html").module.__dict__[kind](*args))


def atom(site: Site) -> bytes | None:
    """The feed as bytes (theme/pages/atom.xml), or None when site_url is not set.
    Written from a template: no XML library is loaded for 30 entries (feedgen and lxml were
    about 5 MB of a ten-year build's peak memory)."""
    base = site.settings.site_url
    if not base:
        return None
    items = entries(site)
    # newest entry's time, never the build time
    updated = items[0][0] if items else datetime(2000, 1, 1, tzinfo=site.settings.tz)
    return render("pages/atom.xml", id=base, title=site.settings.site_name,
                  subtitle=f"{site.settings.community_name}每月科普展板和科普活动",
                  author=site.settings.community_name, self_href=urls.absolute(base, FEED), home_href=base,
                  updated=updated.isoformat(),
                  entries=[(_issue_entry if kind == "issue" else _activity_entry)(site, item)
                           for _, kind, item in items]).encode("utf-8")


def generate(site: Site, out, media) -> None:
    data = atom(site)
    if data is None:
        # no absolute links possible; the <link rel="alternate"> in the page head is also conditional on site_url
        return
    out.add(FEED, data)
