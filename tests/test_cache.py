"""kepu's caches (.kepu-cache/: processed photos, QR codes) never change the site (issue 26).

The deploy workflow keeps .kepu-cache between runs (actions/cache); a warm build must give
exactly the site a cold build gives, byte for byte, even when the cache was left by a build
of a slightly different state (an activity since edited, a photo no longer used)."""
from __future__ import annotations

from pathlib import Path

import yaml

from conftest import REPO, TODAY
from sitecopy import copy_site

from kepu.build import build
from kepu.media import images


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_warm_build_equals_a_cold_build_byte_for_byte(built, tmp_path):
    cold = built  # the session's example site, built from a fresh copy: no .kepu-cache before it
    root = copy_site(tmp_path / "warm")
    activity = next(p for p in sorted((root / "bulletins").rglob("*.md")) if "![" in p.read_text(encoding="utf-8"))
    original = activity.read_text(encoding="utf-8")
    # the cache of a slightly different state: an edited activity without its photos
    edited = "\n".join(line for line in original.split("\n") if not line.startswith("!["))
    activity.write_text(edited + "\n补记一句。\n", encoding="utf-8")
    assert build(root, today=TODAY) == 0
    assert (root / ".kepu-cache" / "images").is_dir()
    activity.write_text(original, encoding="utf-8")
    before = images.TOTALS.cached
    assert build(root, today=TODAY) == 0
    assert images.TOTALS.cached > before, "the second build did not use the cache"
    warm, ref = tree(root / "site"), tree(cold / "site")
    assert warm.keys() == ref.keys()
    assert [rel for rel in ref if warm[rel] != ref[rel]] == []


def test_the_deploy_cache_is_keyed_on_code_settings_and_locks():
    """A change of kepu's code, mkdocs.yml (settings), the theme or the pinned dependencies
    starts from an empty cache; otherwise the newest cache of the same key is restored."""
    wf = yaml.safe_load((REPO / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    steps = [s for job in wf["jobs"].values() for s in job.get("steps", []) if s.get("uses", "").startswith("actions/cache@")]
    assert len(steps) == 1
    w = steps[0]["with"]
    assert w["path"] == ".kepu-cache"
    for part in ("requirements.lock", "mkdocs.yml", "scripts/kepu/**", "overrides/**"):
        assert part in w["key"] and part in w["restore-keys"], part
    assert w["key"].endswith("-${{ github.run_id }}") and w["key"].startswith(w["restore-keys"])
