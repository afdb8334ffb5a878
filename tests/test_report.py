"""`kepu report`: the officer's report pack for the example's 2026 and for 全国科普日
(September): the PDF's pages are its sections, its totals are `kepu stats`'s, the
Word file has the same numbers, the photo zip has every photo at full size without
GPS, and bad periods get a Chinese message."""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import GOOD_ACTIVITY, TODAY
from PIL import Image as PILImage
from sitecopy import copy_site

from kepu.views import printing, report, stats
from kepu.cli import main
from kepu.content.loader import load_site

CHROMIUM = printing.find_chromium()
needs_pdf = pytest.mark.skipif(CHROMIUM is None or not shutil.which("pdftotext"),
                               reason="needs Chromium and pdftotext (apt install chromium poppler-utils)")
GPS_PHOTO = "bulletins/2026/images/2026-10-24-talk.jpg"
GPS_ACTIVITY = "bulletins/2026/2026-10-24-elder-fraud-talk.md"
NARRATIVE = """\
## （一）主要做法

今年按月出版科普橱窗，结合科普日、科技活动周开展活动。

## （二）下一步打算

明年继续办好青少年科技节。
"""


def gps_jpeg(size=(2400, 1600)) -> bytes:
    """A photo bigger than the site's largest rendition, with GPS in its EXIF (as phones write it)."""
    im = PILImage.new("RGB", size, (30, 90, 160))
    im.paste((220, 200, 40), (0, size[1] // 2, size[0], size[1]))
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (30.0, 15.0, 10.0), 3: "E", 4: (120.0, 9.0, 5.0)})
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80, exif=exif)
    return buf.getvalue()


def run(root: Path, *args: str) -> tuple[int, str, str]:
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["report", *args, "--root", str(root), "--today", TODAY.isoformat()])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """The example site with a narrative and one more photo (with GPS), and its 2026 report."""
    root = copy_site(tmp_path_factory.mktemp("report-site"))
    (root / GPS_PHOTO).write_bytes(gps_jpeg())
    act = root / GPS_ACTIVITY
    act.write_text(act.read_text(encoding="utf-8") + "\n\n![讲座现场](images/2026-10-24-talk.jpg)\n", encoding="utf-8")
    (root / "bulletins" / "reports").mkdir()
    (root / "bulletins" / "reports" / "2026.md").write_text(NARRATIVE, encoding="utf-8")
    code, out, err = run(root, "2026")
    assert code == (0 if CHROMIUM else 1), out + err
    site = load_site(root, today=TODAY).site
    return root, site, out


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def csv_summary(root: Path, year: int) -> list[list[str]]:
    import contextlib

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["stats", "--year", str(year), "--format", "csv", "--root", str(root), "--today", TODAY.isoformat()]) == 0
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    start = rows.index(["总体情况"]) + 2  # after the section name and its header
    return rows[start:rows.index([], start)]


# ---------------------------------------------------------------- the yearly pack

def test_pack_files_are_in_the_report_folder(pack):
    root, site, out = pack
    names = sorted(p.name for p in (root / "报告").iterdir())
    assert names == ["2026年科普工作报告-照片.zip", "2026年科普工作报告.docx"] + (["2026年科普工作报告.pdf"] if CHROMIUM else [])
    assert not list((root / "bulletins").rglob("*.pdf")) and not list((root / "bulletins").rglob("*.docx"))
    assert "资料不全" in out and "2026-03-14-water-saving-class.md" in out  # no photos: listed for the officer
    assert "还没有写工作总结" not in out


@needs_pdf
def test_pdf_pages_are_cover_summary_incomplete_issues_narrative_and_one_record_per_activity(pack):
    root, site, _ = pack
    s = stats.year_stats(site, 2026)
    pages = page_texts(root / "报告" / "2026年科普工作报告.pdf")
    assert "2026年科普工作报告" in pages[0] and "桂园社区" in pages[0] and "2026年11月29日" in pages[0]
    assert "一、总体情况" in pages[1] and re.search(r"—\s*2\s*—", pages[1]) and "—" not in pages[0]  # numbered, not the cover
    assert "资料不全" in pages[2] and "世界水日" in pages[2]
    narrative = next(i for i, t in enumerate(pages) if "三、工作总结" in t)
    issue_pages = pages[3:narrative]
    assert "二、月刊和活动" in issue_pages[0] and 1 <= len(issue_pages) <= 3
    issues_text = re.sub(r"\s+", "", "".join(issue_pages))
    positions = [issues_text.find(re.sub(r"\s+", "", i.title)) for i in site.issues if i.year == 2026]
    assert len(positions) == 11 and -1 not in positions and positions == sorted(positions)
    assert "今年按月出版科普橱窗" in pages[narrative] and "下一步打算" in pages[narrative]
    records = pages[narrative + 1:]
    assert len(pages) == 1 + 1 + 1 + len(issue_pages) + 1 + len(s.held)  # cover, summary, 资料不全, issues, narrative, records
    assert len(records) == len(s.held) == 14
    for text, act in zip(records, s.held):
        flat = re.sub(r"\s+", "", text)
        assert "活动记录" in flat and re.sub(r"\s+", "", act.title) in flat and "经办人" in flat


@needs_pdf
def test_pdf_summary_has_the_totals_of_kepu_stats_csv(pack):
    root, site, _ = pack
    summary = page_texts(root / "报告" / "2026年科普工作报告.pdf")[1]
    rows = csv_summary(root, 2026)
    assert ["活动参加人次", "1725"] in rows and ["月刊期数", "11"] in rows
    for label, value in rows:
        assert re.search(re.escape(label) + r"\s+" + re.escape(value) + r"\b", summary), (label, value)
    assert re.search(r"协办单位（个）\s+12\b", summary)


def test_docx_opens_and_has_the_same_totals(pack):
    import docx

    root, site, _ = pack
    document = docx.Document(str(root / "报告" / "2026年科普工作报告.docx"))
    table = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert table[0] == ["项目", "数值"]
    assert table[1:] == csv_summary(root, 2026) + [["协办单位（个）", "12"]]
    text = "\n".join(p.text for p in document.paragraphs)
    held = stats.year_stats(site, 2026).held
    assert [line for line in text.splitlines() if line.startswith("活动记录：")] == [f"活动记录：{a.title}" for a in held]
    assert "今年按月出版科普橱窗" in text and "三、工作总结" in text
    assert "—" in "".join(p.text for p in document.sections[0].footer.paragraphs)  # page numbers


def test_photo_zip_has_every_photo_at_full_size_without_gps(pack):
    root, site, _ = pack
    held = stats.year_stats(site, 2026).held
    expected = [report.photo_name(a, n, ".jpg") for a in held for n, _ in enumerate(report.photos_of(a), 1)]
    with zipfile.ZipFile(root / "报告" / "2026年科普工作报告-照片.zip") as zf:
        names = zf.namelist()
        assert names == expected and len(names) == 7  # six in the example, plus the one with GPS
        assert "2026-10-24-“守好养老钱”反诈法治讲座-1.jpg" in names
        assert "2026-09-19-全国科普日桂园社区科普游园会-2.jpg" in names
        for name in names:
            with PILImage.open(io.BytesIO(zf.read(name))) as im:
                exif = im.getexif()
                assert 0x8825 not in exif and not exif.get_ifd(0x8825) and 0x010F not in exif, name
                if name.startswith("2026-10-24"):
                    assert im.size == (2400, 1600)  # the original resolution, not the site's 1600 px


# ---------------------------------------------------------------- an event: 全国科普日

@needs_pdf
def test_science_day_report_has_only_september(pack, tmp_path):
    root, site, _ = pack
    code, out, err = run(root, "--from", "2026-09-01", "--to", "2026-09-30", "--title", "2026年全国科普日活动")
    assert code == 0, out + err
    pages = page_texts(root / "报告" / "2026年全国科普日活动.pdf")
    flat = [re.sub(r"\s+", "", t) for t in pages]
    september = [a for a in site.activities if (a.date.year, a.date.month) == (2026, 9)]
    assert [a.title for a in september] == ["全国科普日桂园社区科普游园会"]
    assert len(pages) == 5  # cover, summary, issues (one), narrative, one record
    assert "2026年全国科普日活动" in flat[0] and "2026年9月1日至2026年9月30日" in flat[0]
    assert re.search(r"举办科普活动（场）\s+1\b", pages[1]) and re.search(r"活动参加人次\s+286\b", pages[1])
    assert re.search(r"月刊期数\s+1\b", pages[1])
    assert "全国科普日桂园社区科普游园会" in flat[-1] and "活动记录" in flat[-1]
    others = [a.title for a in site.activities if a not in september]
    assert not [t for t in others if any(re.sub(r"\s+", "", t) in f for f in flat)]
    with zipfile.ZipFile(root / "报告" / "2026年全国科普日活动-照片.zip") as zf:
        assert all(n.startswith("2026-09-19-") for n in zf.namelist()) and len(zf.namelist()) == 2


def test_period_stats_of_a_year_equals_year_stats(example):
    from datetime import date

    a, b = stats.year_stats(example, 2026), stats.period_stats(example, date(2026, 1, 1), date(2026, 12, 31))
    assert stats.to_csv(a) == stats.to_csv(b)
    sept = stats.period_stats(example, date(2026, 9, 1), date(2026, 9, 30))
    assert [m.month for m in sept.months] == [9] and sept.activities == 1 and sept.participants == 286
    assert sept.partners == ["区科协", "桂园小学", "桂园社区卫生服务中心", "区消防救援大队", "桂园派出所"]


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("args, message", [
    (["2024"], "2024年1月1日至2024年12月31日没有举办过活动"),
    (["--from", "2026-12-01", "--to", "2026-12-31"], "2 场活动都还没有举办"),
    (["--from", "2026-09-01"], "--from 和 --to 要一起写"),
    (["--from", "2026-09-31", "--to", "2026-10-01"], "--from「2026-09-31」不是日期"),
    (["--from", "2026-10-01", "--to", "2026-09-01"], "早于"),
])
def test_bad_periods_get_a_chinese_message(site, args, message):
    site.write("bulletins/2026/2026-12-05-fire-drill.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))
    site.write("bulletins/2026/2026-12-19-camp.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))
    code, out, err = run(site.root, *args)
    assert code == 1 and message in err and "Traceback" not in err, err
    assert not (site.root / "报告").exists() or not list((site.root / "报告").iterdir())


def test_incomplete_activities_are_listed_and_checked(site):
    site.write("bulletins/2026/2026-11-09-fire-drill.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))
    site.write("bulletins/reports/2026.md", NARRATIVE)
    [warning] = site.warnings()  # kepu check: the missing count (photos are only a notice in the report)
    assert warning.startswith("bulletins/2026/2026-11-09-fire-drill.md:1: 警告: ") and "participants" in warning
    result = site.load()
    r = report.build_report(result.site, site.root, report.period_from(2026, None, None, None, TODAY))
    assert [(i.activity.slug, i.missing) for i in r.incomplete] == [("fire-drill", ["参加人数", "照片"])]
    assert r.narrative == NARRATIVE


def test_new_report_fills_in_the_years_numbers(tmp_path, capsys):
    root = copy_site(tmp_path)
    assert main(["new", "report", "2026", "--root", str(root), "--today", TODAY.isoformat()]) == 0
    text = (root / "bulletins" / "reports" / "2026.md").read_text(encoding="utf-8")
    for words in ("月刊 11 期、展板 44 块", "科普活动 14 场", "参加居民 1725 人次", "12 个单位",
                  "主要做法", "特色亮点", "存在问题", "下一步打算", "python3 tasks.py report 2026"):
        assert words in text, words
    def problems(r):
        return [p.format() for p in load_site(r, today=TODAY).problems.sorted()]
    assert problems(root) == problems(copy_site(tmp_path / "b"))  # kepu check ignores bulletins/reports/
    assert main(["new", "report", "2026", "--root", str(root), "--today", TODAY.isoformat()]) == 1
    assert "已经存在" in capsys.readouterr().err
