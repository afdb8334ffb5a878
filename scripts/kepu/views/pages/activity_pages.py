"""One page per activity at /<YYYY>/<MM>/<DD>-<slug>/."""
from __future__ import annotations

import bisect
import heapq

from kepu.views import calendar_ics, share
from kepu.core import urls
from kepu.core.memo import per_site
from kepu.views.pages.components import activity_list, chips, cn_date, front_matter, page, tel_links, time_text
from kepu.views.pages.content import demote_headings, rewrite
from kepu.content.model import Activity, Site


def related(site: Site, act: Activity, limit: int = 4) -> list[Activity]:
    positions = _sharing(site, act.topics)  # only the activities that share a topic, not all of them for each page
    acts = site.activities
    # site.activities is in date order, so the nearest are around act's own position: `limit` on
    # each side, and on the left every one more of the edge's date (an earlier one wins a tie)
    at = bisect.bisect_left(positions, _position(site, act))
    lo, hi = max(0, at - limit - 1), min(len(positions), at + limit + 2)
    while lo > 0 and acts[positions[lo - 1]].date == acts[positions[lo]].date:
        lo -= 1
    others = [acts[i] for i in positions[lo:hi] if acts[i] is not act]
    day = act.date.toordinal()
    # heapq.nsmallest(n, ...) is sorted(...)[:n] (ties keep their order) without sorting them all
    nearest = heapq.nsmallest(limit, others, key=lambda a: abs(a.date.toordinal() - day))
    return sorted(nearest, key=lambda a: a.date, reverse=True)


@per_site
def _indexes(site: Site) -> tuple[dict[str, list[int]], dict[int, int], dict]:
    """({topic id: positions in site.activities}, {id(activity): position},
    {set of topic ids: sorted positions of the activities with any of them}, filled by _sharing)."""
    by_topic: dict[str, list[int]] = {}
    for i, a in enumerate(site.activities):
        for t in set(a.topics):
            by_topic.setdefault(t, []).append(i)
    return by_topic, {id(a): i for i, a in enumerate(site.activities)}, {}


def _sharing(site: Site, topics) -> list[int]:
    """Sorted positions of the activities with any of `topics`: made once per set of topics
    (a site has a few dozen), not once per page."""
    by_topic, _, sharing = _indexes(site)
    key = frozenset(topics)
    got = sharing.get(key)
    if got is None:
        got = sharing[key] = sorted({i for t in key for i in by_topic.get(t, ())})
    return got


def _position(site: Site, act: Activity) -> int:
    return _indexes(site)[1][id(act)]


def render_activity(site: Site, act: Activity, media) -> str:
    url = urls.activity(act)
    upcoming = act.is_upcoming(site.today)
    kind = "活动预告" if upcoming else "活动纪实"
    fm = front_matter(act.title, hide=("navigation",), description=f"{kind}：{cn_date(act.date)} {time_text(act)}，{act.location}",
                      extra={"image": share.image_for(media, act.cover, *act.images,
                                                      colors=[site.topics[t].color for t in act.topics if t in site.topics])})
    rows = [("日期", cn_date(act.date)), ("时间", time_text(act)), ("地点", act.location)]
    if act.organizer:
        rows.append(("主办", act.organizer))
    if act.partners:
        rows.append(("协办", "、".join(act.partners)))
    if act.signup and upcoming:
        rows.append(("报名", act.signup))
    if not upcoming:
        rows.append(("参加", f"{act.participants} 人" if act.participants is not None else "未登记"))
    return page(
        "activity.md", front_matter=fm, kind=kind, title=act.title, upcoming=upcoming, date=act.date.isoformat(),
        rows=[(k, tel_links(v)) for k, v in rows],  # phone numbers: one tap to call
        chips=chips(site, act.topics, url), calendar=calendar_ics.add_link(site, act, url),
        cover=media.img(act.cover, url, alt=act.title, lazy=False) if act.cover else "",
        body=demote_headings(rewrite(act.body, act.source, act.images, url, site, media, act.videos)),
        print_href=urls.relative(url, urls.activity(act) + "print/"),
        related=activity_list(site, related(site, act), url))


def generate(site: Site, out, media) -> None:
    for act in site.activities:
        rel = urls.source_of(urls.activity(act))
        if not out.unchanged(rel, act, related(site, act)):  # what the page shows besides the site-wide parts
            out.page(rel, render_activity(site, act, media))
