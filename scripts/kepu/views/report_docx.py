"""The report pack as a .docx (python-docx), for offices that edit in WPS/Word.

Same content and numbers as the PDF (kepu.views.report builds both from one Report):
cover, 总体情况, 资料不全, 月刊和活动, 工作总结 (the officer's Markdown, rendered
with the site's extensions and turned into Word paragraphs), one record per
activity. 宋体 text, 黑体 headings, page numbers in the footer.
"""
from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from kepu.views.pages.components import cn_date, cn_month, issue_label, time_text
from kepu.views.printing import paper_html
from kepu.core.templating import markdown_html

SONG, HEI = "宋体", "黑体"


def _font(style_or_run, name: str, size: float | None = None, bold: bool | None = None) -> None:
    font = style_or_run.font
    font.name = name
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _page_number(paragraph) -> None:
    """— PAGE — in the footer (a Word field, so it stays right after editing)."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for tag, text in (("w:fldChar", "begin"), ("w:instrText", "PAGE"), ("w:fldChar", "end")):
        el = OxmlElement(tag)
        if tag == "w:fldChar":
            el.set(qn("w:fldCharType"), text)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    paragraph.add_run(" —")


def _table(doc, header: list[str], rows: list[list[str]], numeric_from: int = 1, widths: list[float] | None = None):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEI, 10.5, True)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row)):
            cell.text = ""
            p = cell.paragraphs[0]
            _font(p.add_run(text), SONG, 10.5)
            if i >= numeric_from:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        for row in table.rows:
            for cell, w in zip(row.cells, widths):
                cell.width = Cm(w)
    return table


def _heading(doc, text: str, level: int = 1) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(12 if level == 1 else 8)
    p.paragraph_format.space_after = Pt(6)
    p.paragraph_format.keep_with_next = True
    _font(p.add_run(text), HEI, {1: 16, 2: 13, 3: 12}.get(level, 12), True)


def _note(doc, text: str) -> None:
    p = doc.add_paragraph()
    _font(p.add_run(text), SONG, 10.5)


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


class _HtmlToDocx(HTMLParser):
    """kepu's sanitized Markdown HTML -> Word paragraphs: headings, paragraphs,
    lists, bold/italic, table rows as tab-separated lines, admonitions as paragraphs."""

    def __init__(self, doc):
        super().__init__(convert_charrefs=True)
        self.doc, self.p, self.bold, self.italic, self.heading, self.lists = doc, None, 0, 0, 0, []

    def _new(self, indent: bool = True):
        self.p = self.doc.add_paragraph()
        if indent and not self.heading and not self.lists:
            self.p.paragraph_format.first_line_indent = Pt(24)
        return self.p

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = 2 if tag in ("h1", "h2") else 3
            self._new(False).paragraph_format.keep_with_next = True
        elif tag == "p":
            self._new()
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            kind = self.lists[-1] if self.lists else ["ul", 0]
            kind[1] += 1
            self._new(False).paragraph_format.left_indent = Pt(24)
            self._text(f"{kind[1]}. " if kind[0] == "ol" else "• ")
        elif tag == "tr":
            self._new(False)
        elif tag in ("td", "th") and self.p is not None and self.p.text:
            self._text("\t")
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "br" and self.p is not None:
            self.p.add_run().add_break()

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading, self.p = 0, None
        elif tag in ("p", "li", "tr"):
            self.p = None
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)

    def handle_data(self, data):
        if not data.strip() and self.p is None:
            return
        self._text(data.replace("\n", ""))

    def _text(self, text: str):
        if self.p is None:
            self._new()
        run = self.p.add_run(text)
        _font(run, HEI if self.heading else SONG, {2: 14, 3: 12}.get(self.heading, 12), bool(self.bold or self.heading))
        run.italic = bool(self.italic)


def _thumbnail(image, width_px: int = 480) -> io.BytesIO | None:
    from PIL import Image as PILImage

    from kepu.media.images import ImageError, open_oriented

    try:
        im, _ = open_oriented(image.source.read_bytes(), max_width=width_px)
    except (OSError, ImageError, ValueError):
        return None
    im.thumbnail((width_px, width_px), PILImage.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=80)
    buf.seek(0)
    return buf


def write_docx(report, path: Path) -> None:
    """The Word file of a kepu.views.report.Report: everything it shows is in the Report."""
    site, s, period = report.site, report.stats, report.period
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.4)
    normal = doc.styles["Normal"]
    _font(normal, SONG, 12)
    normal.paragraph_format.line_spacing = 1.5
    section.different_first_page_header_footer = True  # no page number on the cover
    _page_number(section.footer.paragraphs[0])

    # cover
    for _ in range(4):
        doc.add_paragraph()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(report.community), SONG, 18)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(150)
    _font(p.add_run(period.title), SONG, 26, True)
    for label, value in (("报送单位", report.community), ("统计时段", period.text),
                         ("编制日期", cn_date(report.compiled, weekday=False))):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(f"{label}：{value}"), SONG, 14)
    if s.as_of:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(f"本报告的数字统计截至{cn_date(s.as_of, weekday=False)}，时段尚未结束。"), SONG, 10.5)
    _page_break(doc)

    # 一、总体情况
    _heading(doc, "一、总体情况")
    _table(doc, ["项目", "数值"], report.summary_rows(), widths=[11, 5])
    if s.upcoming:
        _note(doc, "另有已预告、尚未举办的活动（不计入上表）：" + "；".join(f"{a.date.month}月{a.date.day}日{a.title}" for a in s.upcoming) + "。")
    header, rows = report.topic_rows()
    if rows:
        _heading(doc, "各专题展板和活动", 2)
        _table(doc, header, rows)
        _note(doc, "一场活动有几个专题，就在每个专题下各算一次，所以各专题相加可能多于总数。")
    if s.partners:
        _heading(doc, f"协办单位（{len(s.partners)} 个）", 2)
        _note(doc, "、".join(s.partners))
    _note(doc, "统计口径与网站「统计」页和统计表（CSV）相同：活动只计已经举办的；参加人次为各场活动登记人数之和。")
    _page_break(doc)

    if report.incomplete:
        _heading(doc, "资料不全（报送前请补齐，补齐后这一页不再出现）")
        _note(doc, "下列已举办的活动缺少参加人数或照片。在对应的活动文件里补上 participants: 人数 和照片后，重新生成报告。")
        _table(doc, ["日期", "活动", "缺少", "文件"],
               [[a.activity.date.isoformat(), a.activity.title, "、".join(a.missing),
                 a.activity.source.relative_to(site.settings.root).as_posix()] for a in report.incomplete],
               numeric_from=9)
        _page_break(doc)

    # 二、月刊和活动（按月）
    _heading(doc, "二、月刊和活动（按月）")
    header, rows = report.month_rows()
    _table(doc, header, rows)
    _heading(doc, "科普橱窗月刊", 2)
    for issue in report.issues:
        p = doc.add_paragraph()
        p.paragraph_format.keep_with_next = True
        _font(p.add_run(f"{cn_month(issue.year, issue.month)} · {issue_label(issue)}《{issue.title}》"), HEI, 12, True)
        picture = report.pictures.get(issue.key)
        thumb = _thumbnail(picture) if picture else None
        if thumb:
            doc.add_picture(thumb, width=Cm(3.2))
        for n, panel in enumerate(issue.panels, 1):
            topic = site.topics[panel.topic].name if panel.topic in site.topics else panel.topic
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Pt(24)
            _font(p.add_run(f"{n}. 【{topic}】{panel.title}"), SONG, 11)
    if not report.issues:
        _note(doc, "这段时间没有月刊。")
    _page_break(doc)

    # 三、工作总结
    _heading(doc, "三、工作总结")
    if report.narrative is not None:
        _HtmlToDocx(doc).feed(markdown_html(report.narrative))
    else:
        _note(doc, f"（工作总结尚未填写：请在 {period.narrative} 里写主要做法、特色亮点、存在问题、下一步打算。）")
    _heading(doc, f"附：活动记录（共 {len(s.held)} 份，每场一页，见后）", 2)
    for n, act in enumerate(s.held, 1):
        _note(doc, f"{n}. {cn_date(act.date)}　{act.title}")

    # 四、活动记录: the record sheet's rows
    for act in s.held:
        _page_break(doc)
        _heading(doc, f"活动记录：{act.title}", 2)
        who = act.organizer + (f"；协办：{'、'.join(act.partners)}" if act.partners else "")
        people = f"{act.participants} 人" if act.participants is not None else "未登记"
        rows = [("日期", cn_date(act.date)), ("时间", time_text(act)), ("地点", act.location), ("参加人数", people),
                ("主办", who or "—"), ("专题", "、".join(site.topics[t].name for t in act.topics if t in site.topics))]
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            _font(cells[0].paragraphs[0].add_run(label), HEI, 10.5, True)
            _font(cells[1].paragraphs[0].add_run(value), SONG, 10.5)
            cells[0].width, cells[1].width = Cm(3), Cm(13)
        doc.add_paragraph()
        _HtmlToDocx(doc).feed(paper_html(act.body))  # photos placed below, links as text
        for img in report.photos[act.key][:3]:
            thumb = _thumbnail(img, 1200)
            if thumb:
                doc.add_picture(thumb, width=Cm(7.5))
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(18)
        _font(p.add_run("经办人：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿"), SONG, 12)

    tmp = path.with_name(path.name + ".tmp")
    doc.save(str(tmp))
    tmp.replace(path)

