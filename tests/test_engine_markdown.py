"""kepu's MkDocs engine converts every page with one Markdown converter, reset between pages
(engine/mkdocs.py `_one_markdown`), instead of MkDocs' new one per page, and lets go of each page's
Markdown source once it is converted (`_drop_sources`): the pages must be the same bytes as MkDocs
makes itself, whatever one page leaves behind in the converter (footnotes, heading ids, reference
links, fenced blocks, admonitions, HTML blocks), and the titles in every page's nav the same."""
from __future__ import annotations

import contextlib
import inspect
from pathlib import Path

import markdown
import pytest
import yaml

from kepu.engine import mkdocs as engine_mkdocs

PROJECT = Path(__file__).resolve().parents[1]
PAGE = """# {title}

## 注意事项

正文里有一个脚注[^1]和一个引用链接[说明][ref]，还有 ~~删除线~~ 和 **粗体**。

[^1]: 第 {n} 页的脚注。

{ref_def}

!!! note "提示"
    提示框里的文字。

```python
print({n})
```

<div markdown="1">
HTML 块里的 *Markdown*。
</div>

术语
:   定义。

| 列一 | 列二 |
|---|---|
| {n} | 二 |

## 注意事项

同名的标题。
"""


def _extensions(configured: bool) -> list:
    """The project's own Markdown extensions; without `configured`, the same names with no
    configuration (MkDocs then passes a new empty `extension_configs` for every page)."""
    listed = yaml.safe_load((PROJECT / "mkdocs.yml").read_text(encoding="utf-8"))["markdown_extensions"]
    assert any(isinstance(e, dict) for e in listed)  # (the project configures one: toc)
    return listed if configured else [next(iter(e)) if isinstance(e, dict) else e for e in listed]


def _site(root: Path, configured: bool) -> Path:
    """A small MkDocs site with the project's Markdown extensions, three pages that leave state behind."""
    cfg = {"site_name": "测试", "docs_dir": "docs", "theme": {"name": "mkdocs"}, "strict": False,
           "markdown_extensions": _extensions(configured)}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    docs = root / "docs"
    docs.mkdir()
    for n, name in enumerate(["index", "a", "b"], 1):
        ref_def = "[ref]: https://example.org/说明" if n == 1 else ""  # only page 1 defines it
        (docs / f"{name}.md").write_text(PAGE.format(title=f"第 {n} 页", n=n, ref_def=ref_def), encoding="utf-8")
    return root


def _pages(site_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(site_dir).as_posix(): p.read_bytes() for p in sorted(site_dir.rglob("*"))
            if p.is_file() and p.suffix == ".html"}


@pytest.mark.parametrize("configured", [True, False], ids=["extension-configs", "no-extension-configs"])
def test_one_converter_makes_the_pages_mkdocs_makes(tmp_path, monkeypatch, configured):
    root = _site(tmp_path, configured)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796601600")  # the theme writes the build time
    made = []
    real_init = markdown.Markdown.__init__

    def counting_init(self, *args, **kwargs):
        made.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(markdown.Markdown, "__init__", counting_init)
    from mkdocs.structure import pages

    rendered = []
    real_render = pages.Page.render
    monkeypatch.setattr(pages.Page, "render", lambda page, *a: rendered.append(page) or real_render(page, *a))
    assert engine_mkdocs.run_mkdocs(root, root / "one", strict=False) == "full"
    ours = len(made)  # (loading mkdocs.yml makes one too, to check the extensions)
    assert len(rendered) == 3 and all(page.markdown == "" and page.content for page in rendered)  # sources let go
    made.clear()
    with monkeypatch.context() as m:  # MkDocs' own way: a new converter per page, every source kept
        m.setattr(engine_mkdocs, "_one_markdown", contextlib.nullcontext)
        m.setattr(engine_mkdocs, "_drop_sources", contextlib.nullcontext)
        assert engine_mkdocs.run_mkdocs(root, root / "stock", strict=False) == "full"
    assert len(made) - ours == 2, "every page should be converted by the same converter"
    one, stock = _pages(root / "one"), _pages(root / "stock")
    assert one.keys() == stock.keys() and len(one) >= 3
    for name in one:
        assert one[name] == stock[name], name
    b = one["b/index.html"].decode()
    assert 'id="fn:1"' in b and "第 3 页的脚注" in b and "第 1 页的脚注" not in b
    assert "[说明][ref]" in b  # page 1's reference definition does not leak into page 3
    assert 'id="_1"' in b or 'id="注意事项_1"' in b  # the second heading of the page, not of the site
    assert pages.markdown is markdown  # the build put MkDocs' module back
    assert pages.Page.render.__name__ == "<lambda>"  # ... and Page.render (this test's wrapper of it)


def test_the_mkdocs_call_one_converter_relies_on():
    """`_one_markdown` stands in for `markdown.Markdown` as MkDocs 1.6's Page.render calls it: this
    fails on an upgrade that changes the call (then re-read Page.render and adapt `_one_markdown`)."""
    from mkdocs.structure.pages import Page

    src = inspect.getsource(Page.render)
    assert src.count("markdown.Markdown(") == 1 and "Markdown(" not in src.replace("markdown.Markdown(", "")
    call = src[src.index("markdown.Markdown("):]
    call = call[:call.index(")") + 1]
    assert "extensions=config['markdown_extensions']" in call and "extension_configs=config['mdx_configs']" in call
    assert "md.convert(" in src and "_register(md)" in src


def test_what_mkdocs_reads_of_a_page_source_after_it_is_converted():
    """`_drop_sources` sets `Page.markdown` to "" after `Page.render`: this fails on an MkDocs upgrade
    that reads the source later (then re-read these and adapt `_drop_sources`)."""
    import mkdocs.commands.build as mb
    from mkdocs.structure.pages import Page

    title = inspect.getsource(Page.title.func)  # (MkDocs' weak_property)
    assert "if self.markdown is None:" in title  # None means "not read": "" keeps a converted page read
    assert "elif self.content is None:" in title  # the H1 of the source is only looked at before converting
    build_src = inspect.getsource(mb)
    reads = [line.strip() for line in build_src.splitlines() if ".markdown" in line]
    assert all("page.markdown" in line for line in reads) and len(reads) == 3, reads  # all in _populate_page
    populate = inspect.getsource(mb._populate_page)
    assert populate.index("page.markdown") < populate.index("page.render(")  # read before converting, not after
    assert populate.count("page.markdown") == 3
