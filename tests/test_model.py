"""model.py and the loader's derived fields: plain text, lead paragraph and
reading length are computed once at load, from the same plain text, and
every view reads them (they are not recomputed from the Markdown)."""
from __future__ import annotations

from datetime import date

from conftest import GOOD_ACTIVITY, TODAY

from kepu.core import sanitize

ISSUE = """\
---
title: 冬季流感怎么防
summary: 本期介绍流感预防。
---
导语第一段，**很重要**。

导语第二段。

## 【健康】流感疫苗要趁早

### 为什么

接种[流感疫苗](https://example.org/flu)是预防流感最有效的手段。儿童<6岁、体温>38℃ 要就医。

- 第一条
- 第二条

## 【安全】燃气安全

<script>alert(1)</script>用完燃气要关阀门 &amp; 开窗。
"""


def test_panels_carry_plain_text_lead_and_length(site):
    site.write("bulletins/2026/2026-11.md", ISSUE)
    model = site.load().site
    first, second = model.issues[0].panels
    assert first.text == "为什么 接种流感疫苗是预防流感最有效的手段。儿童<6岁、体温>38℃ 要就医。 第一条 第二条"
    assert first.lead == "接种流感疫苗是预防流感最有效的手段。儿童<6岁、体温>38℃ 要就医。"  # the sub-heading is skipped
    assert second.text == second.lead == "用完燃气要关阀门 & 开窗。"  # script content dropped, entities decoded
    # the reading length counts the same plain text: Han characters plus Latin words/numbers
    assert first.body_chars == sanitize.count_chars(first.text) == len("为什么接种流感疫苗是预防流感最有效的手段儿童岁体温要就医第一条第二条") + 2
    assert second.body_chars == 10


def test_issue_intro_and_activity_carry_derived_text(site):
    site.write("bulletins/2026/2026-11.md", ISSUE)
    site.write("bulletins/2026/2026-11-07-fire-drill.md", GOOD_ACTIVITY.replace("演练很顺利。", "## 经过\n\n演练*很*顺利。\n\n大家都说好。"))
    model = site.load().site
    issue, act = model.issues[0], model.activities[0]
    assert issue.intro_text == "导语第一段，很重要。 导语第二段。" and issue.intro_lead == "导语第一段，很重要。"
    assert act.text == "经过 演练很顺利。 大家都说好。" and act.lead == "演练很顺利。"
    assert act.body_chars == sanitize.count_chars(act.text) == 12


def test_views_read_the_model_fields(site):
    """Card excerpts, the search index and the screen's length check read Panel.text /
    Panel.lead / Activity.text: a changed field shows up in every view (none re-derives it)."""
    from kepu.views import search_index
    from kepu.views.pages.components import panel_cards
    from kepu.content.problems import Problems
    from kepu.views.screen.slides import check_panels

    site.write("bulletins/2026/2026-11.md", ISSUE)
    site.write("bulletins/2026/2026-11-07-fire-drill.md", GOOD_ACTIVITY)
    model = site.load().site
    panel, act = model.issues[0].panels[0], model.activities[0]
    problems = Problems(site.root)
    check_panels(model, problems)
    assert not problems.items
    panel.text, panel.lead, act.text = "卡片上的摘要", "很长的第一段" * 30, "搜索里的全文"
    assert "卡片上的摘要" in panel_cards(model, model.issues[0], "")
    docs = search_index.model_entries(model)
    assert any(d["x"] == "卡片上的摘要" for d in docs) and any(d["x"] == "搜索里的全文" for d in docs)
    check_panels(model, problems)
    assert [p.line for p in problems.items] == [panel.line]  # the lobby screen would cut the long opening


def test_site_views_of_the_model(site):
    site.write("bulletins/2026/2026-10.md", ISSUE.replace("冬季流感怎么防", "十月"))
    site.write("bulletins/2026/2026-12.md", ISSUE.replace("冬季流感怎么防", "十二月"))
    site.write("bulletins/2026/2026-11-29-fire-drill.md", GOOD_ACTIVITY)
    site.write("bulletins/2026/2026-11-07-talk.md", GOOD_ACTIVITY.replace("消防疏散演练", "讲座"))
    model = site.load().site
    assert model.current_issue.title == "十月"  # no November issue: the latest one before today
    assert [i.title for i in model.shown_issues] == ["十月", "十二月"]
    assert model.issue(2026, 12).key == "2026-12" and model.issue(2026, 11) is None
    assert [a.slug for a in model.upcoming] == ["fire-drill"]  # on its day it is still announced
    assert [a.slug for a in model.past] == ["talk"]
    assert model.years == [2026] and model.today == TODAY
    assert model.issues[0].topics == ["health", "safety"]
    assert model.activities[0].is_upcoming(date(2026, 11, 7)) and not model.activities[0].is_upcoming(date(2026, 11, 8))
