"""Results kept for the length of a run.

Pure functions that the views call with the same arguments on many pages (the link
between two pages, a date, an escaped title, a cleaned body, a poster's Markdown) keep
their results here. `kepu serve` makes every page again on each save and gains from
them; a one-shot `kepu build` lets go of them once the pages are generated (`forget()`),
so they do not add to the build's peak memory while the engine and the search index run."""
from __future__ import annotations

from functools import lru_cache

_CACHES: list = []


def memo(maxsize: int):
    """functools.lru_cache(maxsize), registered so that forget() can empty it."""
    def wrap(fn):
        cached = lru_cache(maxsize=maxsize)(fn)
        _CACHES.append(cached)
        return cached
    return wrap


def per_site(fn):
    """`fn(site)` made once for the site object it was last called with: an index over a site's
    bulletins that many pages ask for (`kepu serve` loads a new site on each save). Registered
    so that forget() lets go of it too."""
    last: list = [None, None]

    def cached(site):
        if last[0] is not site:
            last[:] = [site, fn(site)]
        return last[1]

    cached.cache_clear = lambda: last.__setitem__(slice(None), [None, None])
    cached.__wrapped__ = fn
    _CACHES.append(cached)
    return cached


def forget() -> None:
    """Empty every memo cache (after generating, in a build that will not generate again)."""
    for cached in _CACHES:
        cached.cache_clear()
