"""Phone numbers in body text become tap-to-call links (issue 25): what is a number to call,
and where in Markdown a link must not go. One table of real-looking cases, positive and negative."""
from __future__ import annotations

import pytest

from kepu.core.urls import phone_numbers
from kepu.views.pages.phones import link_phones

# (text, [(as written, number dialled)]) — plain text, as volunteers write it
NUMBERS = [
    ("拨打居委会电话：0571-86120345", [("0571-86120345", "057186120345")]),
    ("电话 0571 8612 0345，工作日", [("0571 8612 0345", "057186120345")]),
    ("电话0571-8612-0345", [("0571-8612-0345", "057186120345")]),
    ("北京 010-65123456", [("010-65123456", "01065123456")]),
    ("（0571）86120345", [("（0571）86120345", "057186120345")]),
    ("(021)6432 1234", [("(021)6432 1234", "02164321234")]),
    ("+86 571 8612 0378", [("+86 571 8612 0378", "+8657186120378")]),
    ("手机 138 0013 8000", [("138 0013 8000", "13800138000")]),
    ("手机：139-1234-5678", [("139-1234-5678", "13912345678")]),
    ("13912345678", [("13912345678", "13912345678")]),
    ("+86 138-0013-8000", [("+86 138-0013-8000", "+8613800138000")]),
    ("请拨 110。", [("110", "110")]),
    ("火警119，急救120", [("119", "119"), ("120", "120")]),
    ("交通事故报 122", [("122", "122")]),
    ("市民热线12345", [("12345", "12345")]),
    ("消费投诉打12315", [("12315", "12315")]),
    ("拨打12320卫生健康热线咨询", [("12320", "12320")]),
    ("反诈专线 96110", [("96110", "96110")]),
    ("电话：86120345。", [("86120345", "86120345")]),
    ("热线 8612 0345", [("8612 0345", "86120345")]),
    ("联系方式：居委会 0571-86120345 或 138 0013 8000",
     [("0571-86120345", "057186120345"), ("138 0013 8000", "13800138000")]),
    # not numbers to call
    ("2026-12-05", []),
    ("2026年12月5日", []),
    ("时间 14:30-16:00", []),
    ("共 120 人参加", []),
    ("120人", []),
    ("110平方米的活动室", []),
    ("每天走 12000 步", []),
    ("12345元", []),
    ("身份证号 330106199001011234", []),
    ("订单号 ID12345", []),
    ("型号 A110", []),
    ("编号 86120345", []),
    ("版本 3.120", []),
    ("1391234567（少一位）", []),
    ("139123456789（多一位）", []),
    ("7号楼 18层", []),
    ("第120期", []),
    ("2025 年", []),
    ("12:00", []),
]


@pytest.mark.parametrize("text,expected", NUMBERS, ids=[t for t, _ in NUMBERS])
def test_which_digits_are_a_number_to_call(text, expected):
    assert [(text[s:e], dial) for s, e, dial in phone_numbers(text)] == expected


def link(written: str, dial: str) -> str:
    return f"[{written}](tel:{dial}){{: .kp-tel .kp-tel-text }}"


# (Markdown, Markdown after) — where in a body a number becomes a link, and where it stays
PLACES = [
    ("拨打居委会电话：0571-86120345 咨询。", f"拨打居委会电话：{link('0571-86120345', '057186120345')} 咨询。"),
    ("- 列表里 12345", f"- 列表里 {link('12345', '12345')}"),
    ("| 热线 | 12345 |", f"| 热线 | {link('12345', '12345')} |"),
    ("> 引用里 110", f"> 引用里 {link('110', '110')}"),
    ("!!! tip \"提示\"\n    有事拨 110", f"!!! tip \"提示\"\n    有事拨 {link('110', '110')}"),
    ("- 一项\n\n    接着写 12320", f"- 一项\n\n    接着写 {link('12320', '12320')}"),
    ("**12345**", f"**{link('12345', '12345')}**"),
    # stays as written
    ("`0571-86120345`", None),
    ("```\n拨 12345\n```", None),
    ("段落。\n\n    12345 缩进的代码\n", None),
    ("[居委会 0571-86120345](tel:057186120345)", None),
    ("[打这个][tel]\n\n[tel]: tel:12345", None),
    ("<a href=\"tel:12345\">12345</a>", None),
    ("<div>电话 12345</div>", None),
    ("<span title=\"12345\">热线</span>", None),
    ("见 https://example.org/12345", None),
    ("见 www.example.cn/12345", None),
    ("邮箱 a12345@qq.com", None),
    ("![12345](images/a.jpg)", None),
    ("## 热线 12345", None),
    ("!!! tip \"请拨 110\"", None),
    ("段落 {: #id12345 }", None),
    ("&#12345; 字符", None),
    ("\\12345", None),
    ("脚注[^12345]", None),
    ("<!-- 12345 -->", None),
]


@pytest.mark.parametrize("markdown,after", PLACES, ids=[m for m, _ in PLACES])
def test_where_in_markdown_a_number_becomes_a_link(markdown, after):
    assert link_phones(markdown) == (markdown if after is None else after)


def test_the_built_page_has_a_tap_to_call_link_in_the_text(built):
    """From the volunteer's body to the resident's phone: the sanitized body, the engine's attr_list."""
    page = (built / "site/2026/12/19-winter-science-camp/index.html").read_text(encoding="utf-8")
    assert '拨打文明实践站电话：<a class="kp-tel kp-tel-text" href="tel:057186120378">0571-86120378</a>' in page
    issue = (built / "site/2026/05/index.html").read_text(encoding="utf-8")
    assert '拨打<a class="kp-tel kp-tel-text" href="tel:12320">12320</a>卫生健康热线' in issue
    assert "{: .kp-tel" not in page + issue  # never shown as text
