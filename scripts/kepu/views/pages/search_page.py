"""搜索: /search/?q=… runs the query on load (a shareable address).

The results are filled in by docs/assets/kepu/search.js from the index that
search_index.py writes after the build; without JavaScript the page says so
and points to the archive and the topics."""
from __future__ import annotations

from pathlib import Path

from kepu.views import search_index
from kepu.core import urls
from kepu.views.pages.components import front_matter, page
from kepu.content.model import Site
from kepu.core.templating import render


def generate(site: Site, out, media) -> None:
    url = urls.SEARCH
    out.page(urls.source_of(url), page(
        "search.md", front_matter=front_matter("搜索", hide=("navigation", "toc"), description="搜索社区科普橱窗的全部内容：展板、活动、月刊、专题和指南"),
        filters=filters(site), archive=urls.relative(url, urls.ARCHIVE), topics=urls.relative(url, urls.TOPICS)))


def filters(site: Site) -> str:
    """类型, 年份 and 专题 selects: part of the GET form, so a filtered search is a shareable address too."""
    kinds = search_index.handwritten_kinds(Path(site.settings.root) / "docs")  # 指南, 说明
    years = sorted({i.year for i in site.issues} | {a.date.year for a in site.activities}, reverse=True)
    return render("pages/search_filters.html", kinds=[(k, k) for k in ("展板", "活动", "月刊", "专题", *kinds)],
                  years=[(str(y), f"{y}年") for y in years], topics=[(t.name, t.name) for t in site.topics.values()])
