"""搜索: /search/?q=… runs the query on load (a shareable address).

The results are filled in by docs/assets/kepu/search.js from the index that
search_index.py writes after the build; without JavaScript the page says so
and points to the archive and the topics."""
from __future__ import annotations

from html import escape
from pathlib import Path

from kepu import search_index, urls
from kepu.generate.components import front_matter
from kepu.model import Site


def generate(site: Site, out, media) -> None:
    url = urls.SEARCH
    archive, topics = urls.relative(url, urls.ARCHIVE), urls.relative(url, urls.TOPICS)
    out.page(urls.source_of(url), "".join([
        front_matter("搜索", hide=("navigation", "toc"), description="搜索社区科普橱窗的展板、活动和专题"),
        "# 搜索\n\n",
        '<div class="kp-search-page" id="kp-search-page" markdown="0">\n',
        '<form class="kp-search-page__form" action="./" method="get" role="search">\n',
        '<label class="kp-search-page__label" for="kp-search-q">搜索展板、活动和专题</label>\n',
        '<div class="kp-search-page__row"><input type="search" id="kp-search-q" name="q" autocomplete="off" '
        'enterkeyhint="search" placeholder="例如：一氧化碳、疫苗 老人、119">'
        '<button type="submit" class="md-button md-button--primary">搜索</button></div>\n',
        filters(site),
        "</form>\n",
        '<p class="kp-search-page__status" id="kp-search-status" role="status" aria-live="polite"></p>\n',
        '<ol class="kp-search-results" id="kp-search-results"></ol>\n',
        '<p><button type="button" class="md-button" id="kp-search-more" hidden>显示更多结果</button></p>\n',
        f'<noscript><p class="kp-search-page__nojs">搜索需要浏览器开启 JavaScript。也可以在<a href="{archive}">往期回顾</a>里按月份查找，'
        f'或在<a href="{topics}">专题</a>里按主题查找。</p></noscript>\n',
        "</div>\n",
    ]))


def filters(site: Site) -> str:
    """类型, 年份 and 专题 selects: part of the GET form, so a filtered search is a shareable address too."""
    kinds = search_index.handwritten_kinds(Path(site.settings.root) / "docs")  # 指南, 说明
    years = sorted({i.year for i in site.issues} | {a.date.year for a in site.activities}, reverse=True)

    def select(name: str, label: str, options: list[tuple[str, str]]) -> str:
        opts = "".join(f'<option value="{escape(v)}">{escape(t)}</option>' for v, t in options)
        return (f'<label class="kp-search-page__filter">{label}'
                f'<select id="kp-search-{name}" name="{name}"><option value="">全部</option>{opts}</select></label>')

    return ('<div class="kp-search-page__filters">'
            + select("kind", "类型", [(k, k) for k in ("展板", "活动", "月刊", "专题", *kinds)])
            + select("year", "年份", [(str(y), f"{y}年") for y in years])
            + select("topic", "专题", [(t.name, t.name) for t in site.topics.values()])
            + "</div>\n")
