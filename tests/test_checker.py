"""Every kind of bad input a volunteer makes is reported with file, line and
a Chinese fix; good input loads into the model unchanged."""
from __future__ import annotations

from datetime import datetime, time, timezone

import pytest
from conftest import GOOD_ACTIVITY, GOOD_ISSUE

from kepu.content.config import Settings

ISSUE = "bulletins/2026/2026-11.md"
ACT = "bulletins/2026/2026-11-09-fire-drill.md"


def only(problems, needle):
    hits = [p for p in problems if needle in p]
    assert hits, f"no problem mentions {needle!r}: {problems}"
    return hits[0]


def test_good_files_load_into_model(site):
    site.write(ISSUE, GOOD_ISSUE)
    site.write(ACT, GOOD_ACTIVITY)
    result = site.load()
    assert result.problems.items == []
    [issue] = result.site.issues
    assert (issue.title, issue.number, issue.editors) == ("冬季流感怎么防", 12, ("张丽", "王建国"))
    assert [(p.topic, p.title, p.anchor) for p in issue.panels] == [
        ("health", "流感疫苗要趁早", "p1"), ("safety", "燃气安全", "p2")]
    assert issue.panels[0].line == 8
    [act] = result.site.activities
    assert act.topics == ("safety", "disaster")
    assert (act.start, act.end, act.participants) == (time(9, 30), time(11, 0), 86)


def test_bom_and_crlf_are_accepted_silently(site):
    site.write(ISSUE, b"\xef\xbb\xbf" + GOOD_ISSUE.replace("\n", "\r\n").encode("utf-8"))
    result = site.load()
    assert result.problems.items == []
    assert result.site.issues[0].panels[1].title == "燃气安全"


def test_gbk_file_is_an_error_with_how_to_save_as_utf8(site):
    path = site.write(ISSUE, GOOD_ISSUE.encode("gbk"))
    msg = only(site.errors(), "GBK")
    assert msg.startswith(f"{ISSUE}:1: 错误:") and "另存为" in msg and "UTF-8" in msg
    assert path.read_bytes() == GOOD_ISSUE.encode("gbk")  # check alone never changes it


def test_fix_encoding_rewrites_gbk_as_utf8_when_asked(site):
    path = site.write(ISSUE, GOOD_ISSUE.encode("gb18030"))
    problems = site.problems(fix_encoding=True)
    assert not [p for p in problems if "错误" in p]
    assert path.read_text(encoding="utf-8") == GOOD_ISSUE
    assert site.problems() == []


def test_missing_front_matter(site):
    site.write(ISSUE, "## 【健康】标题\n\n正文\n")
    assert only(site.errors(), "没有 front matter").startswith(f"{ISSUE}:1:")


def test_front_matter_without_opening_fence(site):
    site.write(ISSUE, "title: 标题\n---\n## 【健康】标题\n\n正文\n")
    assert "缺少开头的 ---" in only(site.errors(), f"{ISSUE}:1:")


def test_front_matter_not_closed(site):
    site.write(ISSUE, "---\ntitle: 标题\n\n## 【健康】标题\n\n正文\n")
    msg = only(site.errors(), "没有结束的 ---")
    assert msg.startswith(f"{ISSUE}:1:")


def test_chinese_dash_fence(site):
    site.write(ISSUE, "---\ntitle: 标题\n———\n## 【健康】标题\n\n正文\n")
    assert only(site.errors(), "中文破折号").startswith(f"{ISSUE}:3:")


def test_invalid_yaml_points_at_the_line(site):
    site.write(ACT, GOOD_ACTIVITY.replace("title: 消防疏散演练", "title: 讲座: 认识黑洞"))
    msg = only(site.errors(), "英文冒号")
    assert msg.startswith(f"{ACT}:2:") and "引号" in msg


def test_fullwidth_colon_is_reported_and_rest_still_checked(site):
    site.write(ACT, GOOD_ACTIVITY.replace("location: 社区广场", "location：社区广场").replace("topics: [安全, 防灾减灾]", "topics: [火星]"))
    errors = site.errors()
    assert only(errors, "中文冒号").startswith(f"{ACT}:3:")
    assert only(errors, "不认识的专题「火星」").startswith(f"{ACT}:4:")


def test_ideographic_space_and_tab_indentation(site):
    site.write(ACT, GOOD_ACTIVITY.replace("organizer:", "\u3000organizer:").replace("participants:", "\tparticipants:"))
    errors = site.errors()
    assert only(errors, "全角空格").startswith(f"{ACT}:6:")
    assert only(errors, "Tab").startswith(f"{ACT}:7:")


def test_values_are_read_as_text_not_yaml_types(site):
    site.write(ACT, GOOD_ACTIVITY.replace('time: "09:30-11:00"', "time: 14:30").replace("title: 消防疏散演练", "title: yes"))
    result = site.load()
    assert result.problems.items == []
    act = result.site.activities[0]
    assert act.title == "yes" and act.start == time(14, 30) and act.end is None


def test_unknown_key_gets_did_you_mean(site):
    site.write(ACT, GOOD_ACTIVITY.replace("location:", "locaton:"))
    errors = site.errors()
    assert "你是不是想写「location」" in only(errors, "「locaton」")
    assert not [e for e in errors if "缺少必填项 location" in e]  # one problem, one message
    site.write(ACT, GOOD_ACTIVITY.replace("location: 社区广场\n", ""))
    assert only(site.errors(), "缺少必填项 location")


def test_wrong_types(site):
    site.write(ACT, GOOD_ACTIVITY.replace("participants: 86", "participants: 约100").replace('"09:30-11:00"', '"25:00"'))
    errors = site.errors()
    assert only(errors, "约100").startswith(f"{ACT}:7:")
    assert only(errors, "25:00").startswith(f"{ACT}:5:")


def test_participants_boolean_and_list_are_wrong_types(site):
    site.write(ACT, GOOD_ACTIVITY.replace("participants: 86", "participants: yes").replace("title: 消防疏散演练", "title: [a, b]"))
    errors = site.errors()
    only(errors, "人数「yes」")
    only(errors, "不是列表")


def test_impossible_dates_in_file_names(site):
    site.write("bulletins/2026/2026-13.md", GOOD_ISSUE)
    site.write("bulletins/2026/2026-02-30-talk.md", GOOD_ACTIVITY)
    errors = site.errors()
    assert only(errors, "月份 13")
    assert only(errors, "2026-02-30 不存在")


def test_file_name_matching_no_pattern(site):
    site.write("bulletins/2026/十一月月刊.md", GOOD_ISSUE)
    site.write("bulletins/2026-11.md", GOOD_ISSUE)
    errors = site.errors()
    assert len([e for e in errors if "文件名或位置不符合规则" in e]) == 2


def test_year_in_name_disagrees_with_folder(site):
    site.write("bulletins/2025/2026-11.md", GOOD_ISSUE)
    assert "bulletins/2026/" in only(site.errors(), "和所在文件夹 2025/ 不一致")


def test_bad_slug(site):
    site.write("bulletins/2026/2026-11-09-消防演练.md", GOOD_ACTIVITY)
    assert only(site.errors(), "短名「消防演练」")


def test_two_issues_for_one_month(site):
    site.write(ISSUE, GOOD_ISSUE)
    site.write("bulletins/2025/2026-11.md", GOOD_ISSUE)
    msg = only(site.errors(), "已经有一期月刊")
    assert "2026-11" in msg


def test_two_activities_same_date_and_slug(site):
    site.write(ACT, GOOD_ACTIVITY)
    site.write("bulletins/2025/2026-11-09-fire-drill.md", GOOD_ACTIVITY)
    assert only(site.errors(), "同一天已经有同名活动")
    assert len(site.load().site.activities) == 1


def test_missing_image_and_wrong_case(site):
    site.write("bulletins/2026/images/Drill.jpg", b"\xff\xd8\xff\xe0fake")
    site.write(ACT, GOOD_ACTIVITY.replace("participants: 86", "participants: 86\ncover: images/drill.jpg")
               + "\n![现场](images/nothere.jpg)\n")
    errors = site.errors()
    case = only(errors, "大小写")
    assert case.startswith(f"{ACT}:8:") and "images/Drill.jpg" in case
    assert only(errors, "找不到图片「images/nothere.jpg」").startswith(f"{ACT}:12:")


def test_existing_image_is_in_model(site):
    site.write("bulletins/2026/images/drill.jpg", b"\xff\xd8\xff\xe0fake")
    site.write(ACT, GOOD_ACTIVITY + "\n![现场照片](images/drill.jpg)\n")
    act = site.load().site.activities[0]
    assert [(i.written, i.alt, i.line) for i in act.images] == [("images/drill.jpg", "现场照片", 11)]


def test_empty_file(site):
    site.write(ISSUE, "\n  \n")
    assert only(site.errors(), "文件是空的").startswith(f"{ISSUE}:1:")


def test_front_matter_only(site):
    site.write(ISSUE, "---\ntitle: 标题\n---\n")
    assert only(site.errors(), "只有 front matter")
    site.write(ACT, GOOD_ACTIVITY.replace("演练很顺利。\n", ""))
    assert only(site.errors(), "没有活动纪实正文")


def test_panel_with_empty_body(site):
    site.write(ISSUE, GOOD_ISSUE.replace("用完燃气要关阀门。\n", ""))
    assert only(site.errors(), "展板「燃气安全」没有正文").startswith(f"{ISSUE}:12:")


def test_panel_without_or_with_unknown_topic_lists_valid_names(site):
    site.write(ISSUE, GOOD_ISSUE.replace("【健康】", "").replace("【安全】", "【天文】"))
    errors = site.errors()
    no_topic = only(errors, "没有写专题")
    assert no_topic.startswith(f"{ISSUE}:8:") and "健康、安全、环保" in no_topic
    unknown = only(errors, "不认识的专题「天文」")
    assert unknown.startswith(f"{ISSUE}:12:") and "防灾减灾" in unknown


def test_topic_prefix_accepts_alias_and_id(site):
    site.write(ISSUE, GOOD_ISSUE.replace("【健康】", "【疾病预防】").replace("【安全】", "[safety]"))
    issue = site.load().site.issues[0]
    assert [p.topic for p in issue.panels] == ["health", "safety"]


def test_risky_html_is_a_warning_naming_it(site):
    site.write(ACT, GOOD_ACTIVITY + "\n<script>alert(1)</script>\n<iframe src=\"https://v.qq.com/x\"></iframe>\n"
               "<div onclick=\"x()\">点</div>\n<video src=\"https://cdn.example.com/a.mp4\"></video>\n")
    warnings = site.warnings()
    assert only(warnings, "<script>").startswith(f"{ACT}:11:")
    assert only(warnings, "<iframe>").startswith(f"{ACT}:12:")
    assert only(warnings, "onclick=").startswith(f"{ACT}:13:")
    assert only(warnings, "https://cdn.example.com/a.mp4").startswith(f"{ACT}:14:")


def test_past_activity_without_participants_warns_future_does_not(site):
    site.write(ACT, GOOD_ACTIVITY.replace("participants: 86\n", ""))
    site.write("bulletins/2026/2026-12-05-talk.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))
    warnings = site.warnings()
    assert only(warnings, "没有填写参加人数").startswith(f"{ACT}:1:")
    assert not [w for w in warnings if "2026-12-05-talk" in w]


def test_today_is_taken_in_the_site_time_zone_not_utc(tmp_path):
    settings = Settings(tmp_path)
    late_utc = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)  # 01:00 on the 30th in Shanghai
    assert settings.today(late_utc).isoformat() == "2026-11-30"
    settings.timezone = "UTC"
    assert settings.today(late_utc).isoformat() == "2026-11-29"


def test_config_unknown_key_and_bad_values(site):
    text = (site.root / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("first_issue: 2025-12", "first_issue: 2025-13\n  timezon: Asia/Shanghai").replace(
        "timezone: Asia/Shanghai", "timezone: Mars/Olympus")
    site.write("mkdocs.yml", text, dedent=False)
    problems = site.problems()
    assert only(problems, "extra.first_issue（第 1 期的月份）：「2025-13」不是年月").startswith("mkdocs.yml:8:")
    assert "你是不是想写「timezone」" in only(problems, "「timezon」")
    assert only(problems, "Mars/Olympus")


def test_bad_topic_registry(site):
    site.write("bulletins/topics.yml", """\
        - id: Health
          name: 健康
        - id: safety
          name: 安全
          colour: "#ff0000"
          icon: material/no-such-icon
        """)
    errors = site.errors()
    assert only(errors, "id（专题 id）：「Health」只能用").startswith("bulletins/topics.yml:1:")
    assert "color" in only(errors, "「colour」")
    assert only(errors, "no-such-icon").startswith("bulletins/topics.yml:6:")


def test_every_problem_is_reported_not_just_the_first(site):
    site.write(ISSUE, GOOD_ISSUE.replace("【健康】", "【天文】").replace("【安全】", "【地理】"))
    site.write(ACT, GOOD_ACTIVITY.replace("location:", "locaton:"))
    assert len(site.errors()) >= 3


# --- messages that lead to the right fix (issue 10, item 6) ---------------------------------

def test_wrong_case_fix_is_the_path_as_written_in_the_file(site):
    site.write("bulletins/2026/images/Drill.jpg", b"\xff\xd8\xff\xe0fake")
    site.write(ACT, GOOD_ACTIVITY + "\n![现场](images/drill.jpg)\n")
    msg = only(site.errors(), "大小写")
    assert msg.endswith("— 把路径改成 images/Drill.jpg") and "2026/images" not in msg


def test_photo_name_with_parentheses_is_not_cut(site):
    site.write(ACT, GOOD_ACTIVITY + "\n![现场](images/IMG_1234(1).jpg)\n")
    assert only(site.errors(), "找不到图片「images/IMG_1234(1).jpg」").startswith(f"{ACT}:11:")


def test_missing_photo_suggests_where_it_is(site):
    site.write("bulletins/2025/images/合影.jpg", b"\xff\xd8\xff\xe0fake")
    site.write("bulletins/2026/images/IMG_1234.jpeg", b"\xff\xd8\xff\xe0fake")
    site.write(ACT, GOOD_ACTIVITY + "\n![](images/合影.jpg)\n\n![](images/IMG_1234.jpg)\n")
    errors = site.errors()
    assert only(errors, "找不到图片「images/合影.jpg」").endswith("应写成 ../2025/images/合影.jpg")
    assert "images/IMG_1234.jpeg" in only(errors, "找不到图片「images/IMG_1234.jpg」")


def test_link_to_missing_or_misplaced_bulletin(site):
    site.write("bulletins/2025/2025-12.md", GOOD_ISSUE)
    site.write(ACT, GOOD_ACTIVITY + "\n[去年](2025-12.md) [下期](2026-13.md) [官网](www.example.com)\n\n[本期](2026-11)\n")
    site.write(ISSUE, GOOD_ISSUE)
    errors = site.errors()
    assert only(errors, "「www.example.com」要以 https:// 开头").endswith("写成 https://www.example.com")
    assert only(errors, "「2026-11」少了 .md").startswith(f"{ACT}:13:")
    assert only(errors, "链接的文件「2025-12.md」不存在").startswith(f"{ACT}:11:")
    assert only(errors, "「2025-12.md」").endswith("应写成 ../2025/2025-12.md")
    assert "2026-10.md" in only(errors, "「2026-13.md」")


@pytest.mark.parametrize("name, says, fix", [
    ("2026-11 - 副本.md", "Windows 复制文件时产生的副本，而 2026-11.md 已经存在", "合并到 2026-11.md，然后删掉「2026-11 - 副本.md」"),
    ("2026-12 - 副本.md", "Windows 复制文件时产生的副本", "把文件改名为 2026-12.md"),
    ("2026-11 (2).md", "副本", "合并到 2026-11.md"),
    ("2026年12月.md", "数字和英文减号", "把文件改名为 2026-12.md"),
    ("2026-12-12 消防.md", "短名「消防」只能用小写英文字母", "把文件改名为 2026-12-12-xiaofang.md"),
    ("2026-12-12-消防演练.md", "短名「消防演练」只能用小写英文字母", "把文件改名为 2026-12-12-xiaofang-yanlian.md"),
    ("２０２６-０８.md", "全角数字", "把文件改名为 2026-08.md"),
    ("2026.12.md", "英文减号", "把文件改名为 2026-12.md"),
    ("2026-12-12.md", "日期后面加一个短名", "把文件改名为 2026-12-12-huodong.md"),
    ("2026-12.md.txt", "记事本", "把文件改名为 2026-12.md"),
])
def test_file_name_messages_say_what_is_wrong_and_the_right_name(site, name, says, fix):
    site.write(ISSUE, GOOD_ISSUE)
    site.write(f"bulletins/2026/{name}", GOOD_ISSUE if "-12-" not in name else GOOD_ACTIVITY)
    msg = only(site.errors(), f"bulletins/2026/{name}:1: 错误:")
    assert says in msg and fix in msg.split(" — ")[1], msg


def test_date_in_activity_front_matter_must_be_the_file_name_date(site):
    site.write(ACT, GOOD_ACTIVITY.replace("participants: 86", "participants: 86\ndate: 2026-11-10"))
    msg = only(site.errors(), "但文件名里的活动日期是 2026-11-09")
    assert msg.startswith(f"{ACT}:8:") and "删掉 date 这一行，或把文件改名" in msg
    site.write(ACT, GOOD_ACTIVITY.replace("participants: 86", "participants: 86\ndate: 2026-11-09"))
    assert not site.errors()  # the editor writes the date it names the file after


def test_negative_participants(site):
    site.write(ACT, GOOD_ACTIVITY.replace("participants: 86", "participants: -5"))
    assert only(site.errors(), "人数不能是负数").startswith(f"{ACT}:7:")


@pytest.mark.parametrize("typo, meant", [("建康", "健康"), ("安权", "安全"), ("老年键康", "老年健康"), ("反炸", "反诈")])
def test_one_character_chinese_topic_typo_gets_did_you_mean(site, typo, meant):
    site.write(ACT, GOOD_ACTIVITY.replace("topics: [安全, 防灾减灾]", f"topics: [{typo}]"))
    assert f"你是不是想写「{meant}」？" in only(site.errors(), f"不认识的专题「{typo}」")


def test_yaml_error_comes_first_and_hides_fields_lost_with_it(site):
    broken = GOOD_ACTIVITY.replace("title: 消防疏散演练", 'title: "消防疏散演练').replace("topics: [安全, 防灾减灾]",
                                                                                 "topics:\n  - 安全")
    site.write(ACT, broken)
    errors = site.errors()
    assert errors[0].startswith(f"{ACT}:") and "front matter 格式错误" in errors[0]
    assert not [e for e in errors if "缺少必填项 topics" in e or "缺少必填项 title" in e]


def test_problems_in_a_file_are_in_line_order(site):
    site.write(ACT, GOOD_ACTIVITY.replace("participants: 86", "participants: -5") + "\n![](images/a.jpg)\n")
    problems = site.problems()
    lines = [int(p.split(":")[1]) for p in problems if p.startswith(ACT)]
    assert lines == sorted(lines) and len(lines) >= 2


def test_misnamed_file_whose_right_name_exists_says_merge(site):
    site.write(ISSUE, GOOD_ISSUE)
    site.write("bulletins/2026/2026年11月.md", GOOD_ISSUE)
    msg = only(site.errors(), "2026年11月.md:1: 错误:")
    assert "2026-11.md，但它已经存在" in msg and "合并到 2026-11.md" in msg


def test_month_in_issue_front_matter_must_be_the_file_name_month(site):
    site.write(ISSUE, GOOD_ISSUE.replace("---\n", "---\nmonth: 2027-01\n", 1))
    msg = only(site.errors(), "但文件名里的年月是")
    assert "month（月份）写的是 2027-01" in msg and "删掉 month 这一行，或把文件改名为 2027-01.md" in msg
    site.write(ISSUE, GOOD_ISSUE.replace("---\n", f"---\nmonth: 2026-11\n", 1))
    assert not site.errors()  # the editor writes the month it names the file after
