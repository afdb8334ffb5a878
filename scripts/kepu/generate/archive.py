"""往期回顾: /archive/ (years with counts) and /archive/<YYYY>/ (12 months at a glance)."""
from __future__ import annotations

from kepu import urls
from kepu.generate.components import activity_list, e, front_matter, issue_label
from kepu.model import Site
from kepu.stats import year_stats


def generate(site: Site, out, media) -> None:
    years = sorted(site.years, reverse=True)
    url = urls.ARCHIVE
    rows = []
    for y in years:
        s = year_stats(site, y)  # the same numbers as the home page and /stats/: 活动 = held
        soon = f" · {len(s.upcoming)} 场预告" if s.upcoming else ""
        rows.append(f'<a class="kp-year" href="{urls.relative(url, urls.archive_year(y))}"><b>{y}年</b>'
                    f"<span>{s.issues} 期月刊 · {s.panels} 块展板 · {s.activities} 场活动{soon}</span></a>")
    body = front_matter("往期回顾", hide=("navigation", "toc")) + "# 往期回顾\n\n"
    body += '<div class="kp-years">' + "".join(rows) + "</div>\n" if rows else "还没有内容。\n"
    out.page(urls.source_of(url), body)
    for y in years:
        out.page(urls.source_of(urls.archive_year(y)), year_page(site, y, media))


def year_page(site: Site, year: int, media) -> str:
    url = urls.archive_year(year)
    parts = [front_matter(f"{year}年 往期回顾", hide=("navigation", "toc")), f"# {year}年\n\n"]
    tiles = []
    for m in range(1, 13):
        issue = site.issue(year, m)
        if issue is None:
            future = (year, m) > (site.today.year, site.today.month)
            tiles.append(f'<div class="kp-month kp-month--empty"><b>{m}月</b><span>{"尚未出版" if future else "本月没有月刊"}</span></div>')
            continue
        color = site.topics[issue.topics[0]].color if issue.topics and issue.topics[0] in site.topics else "#a16207"
        bg = media.img(issue.cover, url, alt="", cls="kp-month__img") if issue.cover else ""
        tiles.append(f'<a class="kp-month" style="--kp-c:{color}" href="{urls.relative(url, urls.issue(issue))}">{bg}'
                     f"<b>{m}月</b><span class=\"kp-month__no\">{e(issue_label(issue))}</span>"
                     f'<span class="kp-month__title">{e(issue.title)}</span></a>')
    parts.append('<div class="kp-months">' + "".join(tiles) + "</div>\n\n")
    acts = [a for a in site.activities if a.date.year == year]
    parts.append(f"## {year}年的活动 {{#activities}}\n\n")
    if not acts:
        parts.append("这一年没有登记活动。\n")
    for m in range(1, 13):
        month_acts = [a for a in acts if a.date.month == m]
        if month_acts:
            parts.append(f"### {m}月 {{#m{m:02d}}}\n\n" + activity_list(site, month_acts, url) + "\n\n")
    years = sorted(site.years)
    nav = []
    i = years.index(year)
    if i > 0:
        nav.append(f'<a class="kp-pn kp-pn--prev" href="{urls.relative(url, urls.archive_year(years[i-1]))}"><small>上一年</small>{years[i-1]}年</a>')
    if i + 1 < len(years):
        nav.append(f'<a class="kp-pn kp-pn--next" href="{urls.relative(url, urls.archive_year(years[i+1]))}"><small>下一年</small>{years[i+1]}年</a>')
    if nav:
        parts.append('<nav class="kp-prevnext">' + "".join(nav) + "</nav>\n")
    return "".join(parts)
