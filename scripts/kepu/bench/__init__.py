"""`kepu bench`: benchmark and performance budget (see docs/performance.md)."""
from __future__ import annotations


def cli_main(args) -> int:
    from kepu.bench.run import main

    return main(quick=bool(getattr(args, "quick", False)), out=getattr(args, "out", None),
                engine=getattr(args, "engine", None) or "mkdocs", years=getattr(args, "years", None))
