"""Data and small helpers shared by the page generators. The markup is in
theme/pages/ (components.html has the shared pieces as Jinja macros)."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from kepu.core.memo import memo
from kepu.core import urls
from kepu.content.model import Activity, Issue, Site, Topic
from kepu.core.templating import environment, render, trusted
from kepu.content import topics

icon_svg = memo(256)(topics.icon_svg)  # kepu's icon files: read once, not for every chip

WEEKDAYS = "一二三四五六日"


from kepu.core.urls import phone_numbers  # noqa: E402 - tap-to-call numbers (notices and bodies use it too)


@memo(4096)  # pure; dates, places and organizers repeat on many pages
def tel_links(text: str) -> str:
    """`text` escaped for HTML, with its phone numbers as tel: links."""
    parts, last = [], 0
    for start, end, dial in phone_numbers(text):
        parts += [(text[last:start], ""), (text[start:end], dial)]
        last = end
    parts.append((text[last:], ""))
    return str(macro("tel_links")(parts))


def cn_date(d: date, weekday: bool = True) -> str:
    text = f"{d.year}年{d.month}月{d.day}日"
    return text + (f"（星期{WEEKDAYS[d.weekday()]}）" if weekday else "")


def cn_month(year: int, month: int) -> str:
    return f"{year}年{month}月"


def time_text(act: Activity) -> str:
    if not act.start:
        return "全天"
    text = f"{act.start.hour:02d}:{act.start.minute:02d}"  # %H:%M, without strftime (thousands of lists)
    return text + (f"–{act.end.hour:02d}:{act.end.minute:02d}" if act.end else "")


def issue_label(issue: Issue) -> str:
    return f"第 {issue.number} 期" if issue.number else cn_month(issue.year, issue.month)


@lru_cache(maxsize=None)  # the theme does not change during a run
def macro(name: str):
    """A macro of theme/pages/components.html (it returns autoescaped markup)."""
    return environment().get_template("pages/components.html").module.__dict__[name]


def page(name: str, /, **context) -> str:
    """A generated page from its template theme/pages/<name>."""
    return render(f"pages/{name}", **context)


def topic_view(site: Site, topic_id: str, page_url: str) -> dict | None:
    """What a chip, card or heading shows of a topic (None: unknown topic)."""
    t = site.topics.get(topic_id)
    if not t:
        return None
    return {"id": t.id, "name": t.name, "color": t.color, "description": t.description,
            "svg": trusted(icon_svg(t.icon)),  # kepu's own icon set
            "href": urls.relative(page_url, urls.topic(t.id))}


def icon(topic: Topic, cls: str = "kp-icon") -> str:
    return str(macro("icon")(trusted(icon_svg(topic.icon)), cls))


def chip(site: Site, topic_id: str, page_url: str) -> str:
    t = topic_view(site, topic_id, page_url)
    return str(macro("chip")(t)) if t else ""


def chips(site: Site, topic_ids, page_url: str) -> str:
    return str(macro("chips")([t for t in (topic_view(site, i, page_url) for i in topic_ids) if t]))


def excerpt(text: str, limit: int = 60) -> str:
    """Plain text (a model field such as Panel.text) cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip("，。、；：,. ") + "…"


def activity_view(site: Site, act: Activity, page_url: str, *, upcoming: bool | None = None, hidden: bool = False) -> dict:
    if upcoming is None:
        upcoming = act.is_upcoming(site.today)
    return {"upcoming": upcoming, "hidden": hidden, "date": act.date.isoformat(),
            "href": urls.relative(page_url, urls.activity(act)), "month": act.date.month, "day": act.date.day,
            "weekday": WEEKDAYS[act.date.weekday()], "title": act.title, "time": time_text(act),
            "location": act.location, "people": act.participants if not upcoming else None}


def activity_list(site: Site, acts, page_url: str, *, upcoming: bool | None = None, cls: str = "", hidden: bool = False) -> str:
    if not acts:
        return ""
    items = [activity_view(site, a, page_url, upcoming=upcoming, hidden=hidden) for a in acts]
    return str(macro("activity_list")(items, cls))


def panel_cards(site: Site, issue: Issue, page_url: str) -> str:
    cards = []
    for p in issue.panels:
        t = site.topics.get(p.topic)
        cards.append({"href": urls.relative(page_url, urls.panel(issue, p)), "color": t.color if t else "#888",
                      "svg": trusted(icon_svg(t.icon)) if t else "", "topic": t.name if t else "",
                      "title": p.title, "text": excerpt(p.text, 54)})
    return str(macro("panel_cards")(cards))


def prevnext(links: list[dict], label: str = "") -> str:
    """links: {side: prev|next, href, small, title}."""
    return str(macro("prevnext")(links, label))


def front_matter(title: str, *, hide=("navigation",), description: str = "", extra: dict | None = None) -> str:
    """Front matter of a generated page. Site search indexes the model
    (search_index.py), not the page."""
    return page("front_matter.md", title=title, description=description, hide=hide, extra=extra or {})
