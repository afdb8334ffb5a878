"""往期回顾: /archive/ (years with counts) and /archive/<YYYY>/ (12 months at a glance)."""
from __future__ import annotations

from kepu.core import urls
from kepu.views.pages.components import activity_list, front_matter, issue_label, macro, page, prevnext
from kepu.content.model import Site
from kepu.views.stats import year_stats


def generate(site: Site, out, media) -> None:
    years = sorted(site.years, reverse=True)
    url = urls.ARCHIVE
    rows = []
    for y in years:
        s = year_stats(site, y)  # the same numbers as the home page and /stats/: 活动 = held
        soon = f" · {len(s.upcoming)} 场预告" if s.upcoming else ""
        rows.append({"href": urls.relative(url, urls.archive_year(y)), "year": y,
                     "text": f"{s.issues} 期月刊 · {s.panels} 块展板 · {s.activities} 场活动{soon}"})
    out.page(urls.source_of(url), page("archive.md", front_matter=front_matter("往期回顾", hide=("navigation", "toc")),
                                       years=str(macro("years")(rows)) if rows else ""))
    for y in years:
        out.page(urls.source_of(urls.archive_year(y)), year_page(site, y, media))


def year_page(site: Site, year: int, media) -> str:
    url = urls.archive_year(year)
    months = []
    for m in range(1, 13):
        issue = site.issue(year, m)
        if issue is None:
            months.append({"month": m, "issue": None, "future": (year, m) > (site.today.year, site.today.month)})
            continue
        color = site.topics[issue.topics[0]].color if issue.topics and issue.topics[0] in site.topics else "#a16207"
        months.append({"month": m, "issue": issue, "color": color, "href": urls.relative(url, urls.issue(issue)),
                       "cover": media.img(issue.cover, url, cls="kp-month__img") if issue.cover else "",
                       "label": issue_label(issue), "title": issue.title})
    acts = [a for a in site.activities if a.date.year == year]
    by_month = [(m, activity_list(site, [a for a in acts if a.date.month == m], url)) for m in range(1, 13)]
    years = sorted(site.years)
    i = years.index(year)
    nav = [{"side": side, "href": urls.relative(url, urls.archive_year(y)), "small": word, "title": f"{y}年"}
           for side, word, y in (("prev", "上一年", years[i - 1] if i > 0 else None),
                                 ("next", "下一年", years[i + 1] if i + 1 < len(years) else None)) if y]
    return page("archive_year.md", front_matter=front_matter(f"{year}年 往期回顾", hide=("navigation", "toc")),
                year=year, months=months, activities=[(m, lst) for m, lst in by_month if lst],
                prevnext=prevnext(nav) if nav else "")
