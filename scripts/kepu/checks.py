"""The one check of a site: `load_and_check(root)` = the content check (`load_site`)
plus the checks of the media and views that will be made from the model.

Every command that builds from the model or says whether it can be built
(`kepu check`, `kepu build`, `kepu serve`, `kepu print`, `kepu report`,
`kepu stats`, the benchmark) loads the site through here, so all of them run
the same checks: if `kepu check` passes, `kepu build` succeeds.

The content layer checks content (file names, front matter, links, panel size).
What only a medium or a view can judge is checked by that module, called from
this list: each entry is fn(site, problems) -> None, adding errors and warnings."""
from __future__ import annotations

from pathlib import Path

from kepu.content.loader import LoadResult, load_site
from kepu.media import films, images
from kepu.views import printing, screen

SITE_CHECKS = [
    images.check_images,  # photos: corrupt/too big/HEIC
    printing.check_settings,  # posters: text that will not fit on the sheet
    screen.check_panels,  # lobby screen: panel length (extra.screen is checked by the schema)
    screen.check_slogans,  # lobby screen: bulletins/slogans.yml
    films.check_films,  # short films: MP4/H.264, size, length (ffprobe)
]


def load_and_check(root: Path, **load_options) -> LoadResult:
    """load_site(root, **load_options), then every check of SITE_CHECKS on its model."""
    result = load_site(root, **load_options)
    for check in SITE_CHECKS:
        check(result.site, result.problems)
    return result
