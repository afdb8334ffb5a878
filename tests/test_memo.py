"""kepu.core.memo: results kept for a run, and let go of by a one-shot build."""
from kepu.core import memo, sanitize, urls


def test_forget_empties_every_registered_cache():
    calls = []

    @memo.memo(8)
    def double(x):
        calls.append(x)
        return 2 * x

    assert double(2) == 4 and double(2) == 4 and calls == [2]
    urls.relative("2026/11/", "topics/health/")
    sanitize.clean("正文", 1)
    memo.forget()
    assert double(2) == 4 and calls == [2, 2]
    assert urls.relative.cache_info().currsize == 0
    assert sanitize._clean_once.cache_info().currsize == 0


def test_a_build_forgets_once_it_has_generated(monkeypatch, site):
    from conftest import TODAY

    from kepu import build

    forgotten = []
    monkeypatch.setattr(memo, "forget", lambda: forgotten.append(True))
    site.write("bulletins/2026/2026-11.md", "---\ntitle: [\n---\n")  # an error: nothing to build, still forgotten
    assert build.build(site.root, today=TODAY) == 1
    assert forgotten == [True]
