"""One page per activity at /<YYYY>/<MM>/<DD>-<slug>/."""
from __future__ import annotations

from kepu import calendar_ics, share, urls
from kepu.generate.components import activity_list, chips, cn_date, e, front_matter, tel_links, time_text
from kepu.generate.content import demote_headings, rewrite
from kepu.model import Activity, Site


def related(site: Site, act: Activity, limit: int = 4) -> list[Activity]:
    others = [a for a in site.activities if a is not act and set(a.topics) & set(act.topics)]
    others.sort(key=lambda a: abs((a.date - act.date).days))
    return sorted(others[:limit], key=lambda a: a.date, reverse=True)


def render_activity(site: Site, act: Activity, media) -> str:
    url = urls.activity(act)
    upcoming = act.is_upcoming(site.today)
    kind = "活动预告" if upcoming else "活动纪实"
    parts = [front_matter(act.title, hide=("navigation",), description=f"{kind}：{cn_date(act.date)} {time_text(act)}，{act.location}",
                          extra={"image": share.image_for(media, act.cover, *act.images,
                                                          colors=[site.topics[t].color for t in act.topics if t in site.topics])})]
    parts.append(f'<p class="kp-kicker">{kind}</p>\n\n# {e(act.title)}\n\n')
    rows = [("日期", cn_date(act.date)), ("时间", time_text(act)), ("地点", act.location)]
    if act.organizer:
        rows.append(("主办", act.organizer))
    if act.partners:
        rows.append(("协办", "、".join(act.partners)))
    if act.signup and upcoming:
        rows.append(("报名", act.signup))
    if not upcoming:
        rows.append(("参加", f"{act.participants} 人" if act.participants is not None else "未登记"))
    info = "".join(f"<div><dt>{e(k)}</dt><dd>{tel_links(v)}</dd></div>" for k, v in rows)  # phone numbers: one tap to call
    info += f"<div><dt>专题</dt><dd>{chips(site, act.topics, url)}</dd></div>"
    parts.append(f'<dl class="kp-info{" kp-info--upcoming" if upcoming else ""}" data-date="{act.date.isoformat()}">{info}</dl>\n\n')
    if upcoming:
        parts.append('<p class="kp-countdown" data-kp-countdown-text data-date="%s"></p>\n\n' % act.date.isoformat())
        parts.append(calendar_ics.add_link(site, act, url))
    if act.cover:
        parts.append(f'<figure class="kp-cover">{media.img(act.cover, url, alt=act.title, lazy=False)}</figure>\n\n')
    # the write-up's own headings are demoted to h3: an h2 above them keeps the outline without gaps
    parts.append("## 活动介绍 {#about}\n\n" if upcoming else "## 活动经过 {#report}\n\n")
    parts.append(f'<div class="kp-writeup" markdown>\n\n{demote_headings(rewrite(act.body, act.source, act.images, url, site, media, act.videos))}\n\n</div>\n')
    parts.append(f'\n<p class="kp-meta"><a href="{urls.relative(url, urls.activity(act) + "print/")}">打印活动记录（一页 A4，可附在工作报告里）</a></p>\n')
    rel = related(site, act)
    if rel:
        parts.append("\n## 同专题的其他活动 {#related}\n\n")
        parts.append(activity_list(site, rel, url) + "\n")
    return "".join(parts)


def generate(site: Site, out, media) -> None:
    for act in site.activities:
        out.page(urls.source_of(urls.activity(act)), render_activity(site, act, media))
