"""活动: /activities/. Upcoming first, then every write-up by year.

The page is built once but read for weeks: a small script (kepu.js) moves
activities whose day has passed from 预告 to the past list and shows a
countdown, using the reader's date, not the build date."""
from __future__ import annotations

from kepu.views import calendar_ics
from kepu.core import urls
from kepu.views.pages.components import activity_list, front_matter, macro, page
from kepu.content.model import Site

FULL_LIST_LIMIT = 100  # past activities listed in full; older years link to /archive/<YYYY>/


def generate(site: Site, out, media) -> None:
    url = urls.ACTIVITIES
    upcoming = site.upcoming
    past = list(reversed(site.past))
    shown, blocks, older = 0, [], []
    for y in sorted({a.date.year for a in site.activities}, reverse=True):
        year_past = [a for a in past if a.date.year == y]
        year_up = [a for a in reversed(upcoming) if a.date.year == y]
        if older or (shown and shown + len(year_past) > FULL_LIST_LIMIT):
            older.append((y, len(year_past)))  # held only, like every 场活动 count; keeps the page under 100 KB over ten years
            continue
        shown += len(year_past)
        # upcoming ones are listed too, hidden until their day has passed for the reader
        blocks.append({"year": y, "later": activity_list(site, year_up, url, upcoming=False, cls="kp-acts--later", hidden=True),
                       "past": activity_list(site, year_past, url, upcoming=False)})
    older_links = [{"href": urls.relative(url, urls.archive_year(y)) + "#activities", "year": y, "text": f"{n} 场活动"}
                   for y, n in older]
    out.page(urls.source_of(url), page(
        "activities.md", front_matter=front_matter("活动", hide=("navigation",)),
        subscribe=calendar_ics.subscribe_links(site, url),
        upcoming=activity_list(site, upcoming, url, upcoming=True, cls="kp-acts--upcoming"),
        years=blocks, older=str(macro("years")(older_links)) if older else ""))
