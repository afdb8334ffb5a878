"""首页: this month's issue with its panels, upcoming activities, recent
write-ups, the topic grid and this year's running totals."""
from __future__ import annotations

from kepu import urls
from kepu.generate.components import activity_list, cn_month, e, front_matter, issue_label, panel_cards
from kepu.generate.topic_pages import topic_grid
from kepu.model import Site
from kepu.stats import year_stats


def generate(site: Site, out, media) -> None:
    url = urls.HOME
    s = site.settings
    parts = [front_matter(s.site_name, hide=("navigation", "toc"), description=f"{s.community_name}每月科普展板和科普活动")]
    # The h1 is a Markdown heading so it is the first entry of the page's table of contents:
    # Material's "跳转至" skip link goes there, to the start of the content (not past this month's issue).
    parts.append(f'<div class="kp-hero" markdown><p class="kp-hero__kicker">{e(s.community_name)} · 科普橱窗</p>\n\n'
                 f'# {e(s.site_name)} {{#main}}\n\n'
                 '<p class="kp-hero__lead">每月一期科普展板，和身边的科普活动。</p></div>\n\n')
    # On a phone the first screen holds what residents come for: this month's issue and the
    # next activities; the issue's panel cards follow them.
    cards = ""
    issue = site.current_issue
    if issue:
        is_this_month = (issue.year, issue.month) == (site.today.year, site.today.month)
        label = "本期橱窗" if is_this_month else "最新一期"
        href = urls.relative(url, urls.issue(issue))
        cover = media.img(issue.cover, url, alt=issue.title, cls="kp-feature__img", lazy=False) if issue.cover else ""
        parts.append(f'<section class="kp-feature"><a class="kp-feature__head{" kp-feature__head--cover" if cover else ""}" href="{href}">{cover}<span>'
                     f'<span class="kp-kicker">{label} · {e(issue_label(issue))} · {cn_month(issue.year, issue.month)}</span>'
                     f'<span class="kp-feature__title">{e(issue.title)}</span>'
                     f'<span class="kp-feature__sum">{e(issue.summary)}</span></span></a></section>\n\n')
        cards = f"## 本期展板 {{#panels}}\n\n{panel_cards(site, issue, url)}\n\n"
    upcoming = site.upcoming[:4]
    parts.append("## 活动预告 {#upcoming}\n\n")
    parts.append((activity_list(site, upcoming, url, upcoming=True) if upcoming else
                  '<p class="kp-empty">近期暂无活动预告。</p>') + "\n\n")
    parts.append(cards)
    recent = list(reversed(site.past))[:5]
    if recent:
        parts.append("## 活动纪实 {#recent}\n\n" + activity_list(site, recent, url, upcoming=False) + "\n\n"
                     f'<p class="kp-more"><a href="{urls.relative(url, urls.ACTIVITIES)}">全部活动 →</a></p>\n\n')
    parts.append("## 按专题浏览 {#topics}\n\n" + topic_grid(site, url) + "\n\n")
    y = site.today.year
    t = year_stats(site, y)  # the same numbers as /stats/
    parts.append(f"## {y}年科普工作 {{#totals}}\n\n"
                 '<div class="kp-totals">'
                 f'<div><b>{t.issues}</b><span>期月刊</span></div>'
                 f'<div><b>{t.panels}</b><span>块展板</span></div>'
                 f'<div><b>{t.activities}</b><span>场活动</span></div>'
                 f'<div><b>{t.participants}</b><span>人次参加</span></div></div>\n')
    out.page(urls.source_of(url), "".join(parts))
