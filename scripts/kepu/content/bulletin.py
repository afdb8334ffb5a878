"""What every bulletin file (issue, activity, notice) goes through once its name is
understood: its front matter checked against the schema, the template placeholders
left in it, and what its body holds that the site cannot show."""
from __future__ import annotations

from contextvars import ContextVar

from kepu.content import schema
from kepu.content.problems import Problems
from kepu.content.readers import body as body_reader
from kepu.content.readers import frontmatter
from kepu.core.commands import command

# kepu serve's cache of parsed front matter (set by loader.load_site(cache=…) for one load)
PARSED: ContextVar[tuple[dict, dict] | None] = ContextVar("kepu_parsed_front_matter", default=None)


def split(text: str, path, problems: Problems) -> frontmatter.FrontMatter:
    """frontmatter.split, from load_site's cache when it has this file with this text."""
    caches = PARSED.get()
    if caches is None:
        return frontmatter.split(text, path, problems)
    cache, used = caches
    key = (str(path), text)
    hit = cache.get(key) or used.get(key)
    if hit is None:
        before = len(problems.items)
        fm = frontmatter.split(text, path, problems)
        hit = (fm, tuple(problems.items[before:]))
    else:
        problems.items.extend(hit[1])
    used[key] = hit
    return hit[0]


def read_front_matter(text: str, path, specs, what: str, problems: Problems, explain: dict | None = None):
    """Front matter checked against the schema: (FrontMatter, converted values), or None."""
    if not text.strip():
        problems.error(path, 1, "文件是空的", f"用 {command('new')} 生成模板后再填写，或删除这个文件")
        return None
    before = len(problems.items)
    fm = split(text, path, problems)
    yaml_error = next((p for p in problems.items[before:] if p.message.startswith("front matter 格式错误")), None)
    title = fm.fields.get("title")
    if title and isinstance(title.raw, str) and (body_reader.MD_LINK.search(title.raw) or body_reader.MD_IMAGE.search(title.raw)):
        problems.warning(path, title.line, "标题里的链接或图片不会生效，网页上会原样显示这些符号",
                         "标题只写文字；把链接或图片写到正文里")
    fields = fm.fields
    if yaml_error:  # a block value (a "- item" list) cannot be recovered line by line: not the volunteer's second mistake
        fields = {k: v for k, v in fields.items() if not (isinstance(v.raw, str) and not v.raw.strip())}
    values = schema.convert(fields, specs, path, problems, what=what, explain=explain)
    if fm.present:
        if yaml_error:  # after the cause, and only for fields not written in the unreadable block
            block = "\n".join(text.split("\n")[fm.start_line:fm.body_line - 2])
            schema.check_required(fm.fields, specs, path, problems, max(yaml_error.line, fm.body_line - 1), lost=block)
        else:
            schema.check_required(fm.fields, specs, path, problems, fm.start_line)
    return fm, values


PLACEHOLDER = "在这里写"  # the templates of `kepu new` start every value to fill with this


def report_placeholders(fields, text: str, first_line: int, path, problems: Problems) -> None:
    for key, value in fields.items():
        if isinstance(value.raw, str) and PLACEHOLDER in value.raw:
            problems.warning(path, value.line, f"{key} 还是模板里的占位文字「{value.raw}」", "换成真实内容")
    for n, line in enumerate(text.split("\n")):
        if PLACEHOLDER in line or "第一块展板的标题" in line or "第二块展板的标题" in line:
            problems.warning(path, first_line + n, "这一行还是模板里的占位文字", "换成真实内容，或删掉这一行")


def report_body(body: body_reader.Body, path, problems: Problems) -> None:
    for line in body.h1_lines:
        problems.warning(path, line, "正文里用了一级标题「# 」，网页标题已经来自 title", "删掉这一行，或改成「## 」")
    for line in body.fullwidth_heading_lines:
        problems.error(path, line, "标题用了全角井号「＃＃」", "切换到英文输入法，改成 ## 加空格")
    for line in body.heading_link_lines:
        problems.warning(path, line, "展板标题里的链接、图片或 HTML 标签不会生效，网页上会原样显示这些符号",
                         "标题只写文字；把链接或图片移到标题下面的正文里")
    for risk in body.risks:  # what kepu.core.sanitize removes when the page is built
        problems.warning(path, risk.line, f"正文里有网站不能显示的内容：{risk.what}，生成网页时已去掉",
                         "删掉它；链接只能用 http(s)、mailto 或 tel，图片请放进 bulletins/ 并用 ![说明](路径) 引用，"
                         "表格、换行、上下标、<details> 等常用 HTML 可以保留")
