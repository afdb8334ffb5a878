"""Urgent notices in a real browser with a mocked clock: a banner appears at its start and
disappears at its end on a page built before either, with no rebuild (kepu.js)."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest
from browser import browser, needs_chromium, serve_dir
from conftest import EXAMPLE, GOOD_ISSUE, TODAY
from sitecopy import copy_theme_and_pages

pytestmark = needs_chromium
BEIJING = timezone(timedelta(hours=8))

WATER = """\
---
title: 12月2日白天 3 号楼至 8 号楼停水
start: 2026-12-02 08:00
end: 2026-12-02 18:00
level: 紧急
---
因主水管维修停水，请提前储水。有问题请打电话 0571-8800 0000。
"""
FLU = """\
---
title: 社区卫生服务中心周六照常接种流感疫苗
start: 2026-11-28
end: 2026-12-05
---
请带好身份证和医保卡，60 岁以上老人免费。
"""

GAS = """\
---
title: 燃气管道检修
start: 2026-11-29
end: 2026-12-10
level: 重要
---
""" + "检修期间请关好燃气阀门，检修人员会出示工作证。" * 10 + "有疑问请打 0571-8800 0000。\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Built on 2026-11-29 (TODAY): the water notice has not started, the flu one has."""
    from kepu.build import build

    root = tmp_path_factory.mktemp("notices-site")
    (root / "bulletins" / "notices").mkdir(parents=True)
    shutil.copy(EXAMPLE / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(EXAMPLE / "bulletins" / "topics.yml", root / "bulletins" / "topics.yml")
    copy_theme_and_pages(root)
    (root / "bulletins" / "2026").mkdir()
    (root / "bulletins" / "2026" / "2026-11.md").write_text(GOOD_ISSUE, encoding="utf-8")
    (root / "bulletins" / "notices" / "2026-12-02-停水.md").write_text(WATER, encoding="utf-8")
    (root / "bulletins" / "notices" / "2026-11-28-flu.md").write_text(FLU, encoding="utf-8")
    (root / "bulletins" / "notices" / "2026-11-29-gas.md").write_text(GAS, encoding="utf-8")
    assert build(root, today=TODAY) == 0
    return root / "site"


WATER_ID = "#notice-2026-12-02-tingshui"
FLU_ID = "#notice-2026-11-28-flu"


def test_a_notice_appears_at_start_and_disappears_at_end_without_rebuild(built):
    with serve_dir(built, "/kepu/") as base, browser() as b:
        page = b.new_page(viewport={"width": 390, "height": 844})
        page.clock.install(time=datetime(2026, 12, 2, 7, 58, 30, tzinfo=BEIJING))
        for url in (base, base + "about/"):  # the home page and a hand-written page
            page.goto(url)
            assert page.locator(WATER_ID).is_hidden()  # not yet
            assert page.locator(FLU_ID).is_visible()
        page.clock.run_for(60_000)  # 07:59:30
        assert page.locator(WATER_ID).is_hidden()
        page.clock.run_for(40_000)  # 08:00:10: the page was open all along
        assert page.locator(WATER_ID).is_visible()
        assert page.locator(f"{WATER_ID} .kp-notice__level").inner_text() == "紧急"
        page.clock.run_for(10 * 3600_000 - 20_000)  # 17:59:50
        assert page.locator(WATER_ID).is_visible()
        page.clock.run_for(20_000)  # 18:00:10
        assert page.locator(WATER_ID).is_hidden()
        assert page.locator(FLU_ID).is_visible()
        page.clock.run_for(3 * 24 * 3600_000)  # 12月5日 18:00: the flu notice ended at 23:59 on the 5th? not yet
        assert page.locator(FLU_ID).is_visible()
        page.clock.run_for(6 * 3600_000)  # 12月6日 00:00: ended
        assert page.locator(FLU_ID).is_hidden()
        page.goto(base)  # opened after the end: never shown
        assert page.locator(WATER_ID).is_hidden() and page.locator(FLU_ID).is_hidden()


def test_without_javascript_the_build_time_decides(built):
    with serve_dir(built, "/kepu/") as base, browser() as b:
        page = b.new_page(java_script_enabled=False)
        page.goto(base)
        assert page.locator(FLU_ID).is_visible()  # active when built
        assert page.locator(WATER_ID).is_hidden()  # starts after the build


@pytest.mark.parametrize("width", [390, 1280])
def test_banners_fit_the_screen_with_a_large_system_font(built, width):
    with serve_dir(built, "/kepu/") as base, browser() as b:
        page = b.new_page(viewport={"width": width, "height": 844})
        page.clock.install(time=datetime(2026, 12, 2, 9, 0, tzinfo=BEIJING))
        page.goto(base)
        title = f"parseFloat(getComputedStyle(document.querySelector('{WATER_ID} .kp-notice__title')).fontSize)"
        body = f"parseFloat(getComputedStyle(document.querySelector('{WATER_ID} .kp-notice__body')).fontSize)"
        normal = page.evaluate(title)
        assert normal >= 20 and page.evaluate(body) >= 17  # large, readable text for older residents
        page.add_style_tag(content="html { font-size: 32px !important; }")  # the phone's largest text setting
        for sel in (WATER_ID, FLU_ID):
            box = page.locator(sel).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(title) >= normal * 1.4  # the banner follows the reader's text size
        order = page.evaluate("[...document.querySelectorAll('.kp-notice')].map(e => e.id)")
        assert order[0] == WATER_ID[1:]  # 紧急 on top


@pytest.mark.parametrize("width", [390, 1280])
def test_banners_are_accessible(built, width):
    """axe (WCAG 2.1 AA: contrast of every level's colours), and 44 px tap targets on a phone."""
    from test_a11y import TARGETS, _axe, _need_axe

    _need_axe()
    with serve_dir(built, "/kepu/") as base, browser() as b:
        page = b.new_page(viewport={"width": width, "height": 844})
        page.clock.set_fixed_time(datetime(2026, 12, 2, 9, 0, tzinfo=BEIJING))
        page.goto(base)
        assert page.locator(".kp-notice:visible").count() == 3
        page.locator(".kp-notice__more summary").click()  # the long one, opened
        assert page.locator(".kp-notice__more .kp-notice__body").is_visible()
        assert _axe(page) == []
        if width == 390:
            assert page.evaluate(TARGETS) == []
