"""活动: /activities/. Upcoming first, then every write-up by year.

The page is built once but read for weeks: a small script (kepu.js) moves
activities whose day has passed from 预告 to the past list and shows a
countdown, using the reader's date, not the build date."""
from __future__ import annotations

from kepu import calendar_ics, urls
from kepu.generate.components import activity_list, front_matter
from kepu.model import Site

FULL_LIST_LIMIT = 100  # past activities listed in full; older years link to /archive/<YYYY>/


def generate(site: Site, out, media) -> None:
    url = urls.ACTIVITIES
    parts = [front_matter("活动", hide=("navigation",)), "# 社区科普活动\n\n", calendar_ics.subscribe_links(site, url)]
    parts.append("## 活动预告 {#upcoming}\n\n")
    upcoming = site.upcoming
    parts.append(activity_list(site, upcoming, url, upcoming=True, cls="kp-acts--upcoming") or "")
    parts.append(f'\n<p class="kp-empty" data-kp-empty{"" if not upcoming else " hidden"}>近期暂无活动预告，欢迎关注社区通知。</p>\n\n')
    parts.append("## 活动纪实 {#past}\n\n")
    past = list(reversed(site.past))
    years = sorted({a.date.year for a in site.activities}, reverse=True)
    shown, older = 0, []
    for y in years:
        year_past = [a for a in past if a.date.year == y]
        year_up = [a for a in reversed(upcoming) if a.date.year == y]
        if older or (shown and shown + len(year_past) > FULL_LIST_LIMIT):
            older.append((y, len(year_past)))  # held only, like every 场活动 count; keeps the page under 100 KB over ten years
            continue
        shown += len(year_past)
        parts.append(f'### {y}年 {{#y{y}}}\n\n')
        # upcoming ones are listed here too, hidden until their day has passed for the reader
        parts.append(activity_list(site, year_up, url, upcoming=False, cls="kp-acts--later", hidden=True) or "")
        parts.append((activity_list(site, year_past, url, upcoming=False) or "") + "\n\n")
    if older:
        links = "".join(f'<a class="kp-year" href="{urls.relative(url, urls.archive_year(y))}#activities"><b>{y}年</b>'
                        f"<span>{n} 场活动</span></a>" for y, n in older)
        parts.append(f'### 更早的活动 {{#older}}\n\n<div class="kp-years">{links}</div>\n')
    out.page(urls.source_of(url), "".join(parts))
