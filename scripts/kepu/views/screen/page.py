"""The self-contained /screen/ page, rendered from theme/screen/ (screen.html,
with screen.css and screen.js inlined) and the slide data embedded as JSON, so
it also works opened from a USB stick via file://. `render` is a pure function
of the slide data."""
from __future__ import annotations

import hashlib

from kepu.core.templating import render as render_template

BUILD_PLACEHOLDER = "__KEPU_SCREEN_BUILD__"
TEMPLATE = "screen/screen.html"


def render(data: dict, *, title: str, community: str) -> tuple[str, str]:
    """(html, build id). The id is a hash of the page itself, so it changes
    exactly when what the screen shows changes (no timestamps)."""
    page = render_template(TEMPLATE, data={**data, "screen": BUILD_PLACEHOLDER}, build=BUILD_PLACEHOLDER,
                           title=title, community=community)
    build = hashlib.sha256(page.encode("utf-8")).hexdigest()[:16]
    return page.replace(BUILD_PLACEHOLDER, build), build
