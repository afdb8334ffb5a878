"""Smoke test of the live content: the real bulletins/ and mkdocs.yml, on the real
day in the site's time zone. Every other test uses the frozen example
(tests/fixtures/example/) and a fixed TODAY, so volunteers adding an issue or an
activity never break them; only this file sees what they wrote.

Errors fail: `kepu build` would refuse to publish. Warnings do not: some
legitimately appear with the date (an activity held yesterday whose participants
are not filled in yet, a draft whose placeholders are still there) and the
deploy does not stop for them either. They are shown in pytest's warnings
summary so nobody misses them."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import yaml
from conftest import EXAMPLE, REPO

from kepu.build import generate_all
from kepu.content.loader import load_site

# mkdocs.yml keys a community edits (name, address, screen and print settings, ...);
# every other key is how the site is built and must be the same in the frozen example
COMMUNITY_KEYS = {"site_name", "site_description", "site_url", "extra"}


def test_live_content_passes_the_check_today():
    result = load_site(REPO)  # today in the site's time zone
    errors = [p.format() for p in result.problems.errors]
    assert errors == [], "\n".join(errors)
    for p in result.problems.warnings:
        warnings.warn(f"{result.site.today}: {p.format()}", UserWarning, stacklevel=1)
    site = result.site
    assert site.issues, "bulletins/ has no issue"
    generate_all(site)  # every page can be generated from it (mkdocs runs in the deploy)


def test_example_mkdocs_yml_is_the_repository_config_apart_from_community_settings():
    live = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    frozen = yaml.safe_load((EXAMPLE / "mkdocs.yml").read_text(encoding="utf-8"))
    differ = sorted(k for k in (live.keys() | frozen.keys()) - COMMUNITY_KEYS if live.get(k) != frozen.get(k))
    assert differ == [], (f"mkdocs.yml and tests/fixtures/example/mkdocs.yml differ in {differ}: "
                          "copy the change into the example, so the tests build the site as it is configured")


# what reading the live content or the real date looks like in a test
LIVE = re.compile(r'\.today\(\)|datetime\.now\(|datetime\.today\(|REPO\s*/\s*"(bulletins|mkdocs\.yml)"|REPO\.r?glob\(|'
                  r'load_site\(REPO\b|"--root",\s*str\(REPO\)')


def test_no_other_test_reads_the_live_content_or_the_real_date():
    """The suite must stay green when volunteers add content. .ci/run's next-month copy runs
    this file and the tests that read the repository; this check is why the others need not run there."""
    here = Path(__file__).resolve()
    found = [f"{path.relative_to(REPO).as_posix()}:{n}: {line.strip()}"
             for path in sorted((REPO / "tests").rglob("*.py")) if path != here
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if LIVE.search(line)]
    assert found == [], "use conftest.EXAMPLE and TODAY instead:\n" + "\n".join(found)
