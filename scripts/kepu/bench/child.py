"""One measured build in a fresh interpreter (so peak memory is per build).

    python -m kepu.bench.child kepu  ROOT [ROOT ...]   kepu build of each site, one after another
    python -m kepu.bench.child zensical ROOT [ROOT ...]  the same with the Zensical engine (kepu build --engine zensical)
    python -m kepu.bench.child blog  ROOT [ROOT ...]   mkdocs build of a Material blog-plugin site
    python -m kepu.bench.child check ROOT              kepu check only (load + check the model)
    python -m kepu.bench.child regen ROOT              check + generate only (what changed on disk)

The last stdout line is `KEPU-BENCH {json}` with phase timings (seconds) and
`rss_mb`, the peak resident memory of this process and its subprocesses
(`peak_rss_mb`). The parent times the whole child: interpreter start, check,
generate, MkDocs, the search index and exit.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path

from kepu.bench.corpus import TODAY

PREFIX = "KEPU-BENCH "


def peak_rss_mb() -> float:
    """Peak resident memory of the whole build: this process plus the largest subprocess it
    ran and waited for (an engine or indexer run as a subprocess; 0 when there is none).
    Adding them is an upper bound: it counts a subprocess as if it ran at our own peak."""
    try:
        import resource
    except ImportError:  # Windows: no peak memory (the benchmark's times still work)
        return 0.0
    own = _own_peak_kib() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def _own_peak_kib() -> int | None:
    """VmHWM of this process (Linux). Not ru_maxrss: Linux keeps that across exec, so a child
    started from a big parent (the benchmark itself, after reading a whole site) would report
    the parent's size as its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def run_kepu(roots: list[Path], engine: str = "mkdocs") -> dict:
    from kepu.build import Timings, build

    total = Timings()
    for root in roots:
        t = Timings()
        with contextlib.redirect_stdout(io.StringIO()):
            code = build(root, today=TODAY, timings=t, engine_name=engine)
        if code:
            raise SystemExit(f"kepu build failed for {root}")
        total.check += t.check
        total.generate += t.generate
        total.mkdocs += t.mkdocs
        for k, v in t.extra.items():
            total.extra[k] = total.extra.get(k, 0.0) + v
    return {"check": total.check, "generate": total.generate, "mkdocs": total.mkdocs, **total.extra}


def run_blog(roots: list[Path]) -> dict:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    for root in roots:
        cfg = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
        build(cfg)
    return {"mkdocs": time.perf_counter() - t0}


def run_check(root: Path) -> dict:
    from kepu.checks import load_and_check

    t0 = time.perf_counter()
    result = load_and_check(root, today=TODAY)
    took = time.perf_counter() - t0
    if result.problems.errors:
        raise SystemExit(f"kepu check found errors in {root}")
    return {"check": took}


def run_regen(root: Path) -> dict:
    from kepu.build import Timings, regenerate

    t = Timings()
    with contextlib.redirect_stdout(io.StringIO()):
        result, report = regenerate(root, today=TODAY, timings=t)
    if report is None:
        raise SystemExit(f"kepu check found errors in {root}")
    return {"check": t.check, "generate": t.generate, "written": report.written, "removed": report.removed}


def main(argv: list[str]) -> int:
    kind, roots = argv[0], [Path(a) for a in argv[1:]]
    t0 = time.perf_counter()
    if kind == "kepu":
        data = run_kepu(roots)
    elif kind == "zensical":
        data = run_kepu(roots, engine="zensical")
    elif kind == "blog":
        data = run_blog(roots)
    elif kind == "check":
        data = run_check(roots[0])
    elif kind == "regen":
        data = run_regen(roots[0])
    else:
        raise SystemExit(f"unknown kind {kind}")
    data["inside"] = time.perf_counter() - t0
    data["rss_mb"] = peak_rss_mb()
    print(PREFIX + json.dumps(data, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
