"""Which generated files a save touches: the views' dependencies, recorded while generating.

`kepu serve` generates after every save. Most of the ~1,750 files of a ten-year site are one
page per bulletin (the issue and activity pages, their print pages, the calendar), and a save
changes one bulletin. So each such view declares, before making a file, the model values that
file is made from besides what every page shares (`Output.unchanged(rel, *inputs)`: the
activity and its related activities; the issue, its neighbours and the month's activities ...).
A `Tracker` remembers, per file, those inputs, the file's hash, and what making it published
(photos, films, share cards); the next generation keeps every file whose inputs are equal
(dataclass equality of the model values) and makes only the others. Views that list many
bulletins (home, archive, topics, activities, feeds, stats, screen) declare nothing and are
made every time: they are cheap, and they are exactly the pages an edit reaches everywhere.

What every page shares is the *context* (`context()`): settings, topics (but their descriptions), today, notices,
synonyms, and every file of bulletins/ that is not an issue or an activity (photos, films,
slogans ...). When the context changes, nothing is kept: the generation is a full one. Which
bulletins exist is not in it: a page shows another bulletin only as a declared input (neighbours,
related activities, the month's activities) or through a link in its body, and a link to a
bulletin that is added or removed was (or becomes) a broken link, an error of the check, and
nothing is generated while the check finds an error; so adding or removing an activity makes its
own files and the files that declare it, not the site. So the result is always what a full generation makes;
tests/test_serve_incremental.py compares the preview with a full `kepu build` byte for byte
after each kind of edit.

`kepu build` never uses this: a plain Output's `unchanged` always says False."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kepu.core.writer import Output, WriteReport
from kepu.media.publish import Media


@dataclass(frozen=True)
class Made:
    """What a generated file was made from, and what making it published besides itself."""
    inputs: tuple
    digest: str
    files: tuple = ()  # (rel, digest) of other generated files it added or looked up (share cards, renditions)
    images: tuple = ()  # photos it published (published again when it is kept: their renditions stay)
    videos: tuple = ()


@dataclass
class _Open:
    rel: str
    inputs: tuple
    files: dict = field(default_factory=dict)
    images: list = field(default_factory=list)
    videos: list = field(default_factory=list)


class TrackedOutput(Output):
    """A streamed Output that keeps the files whose declared inputs are those of `before`."""

    def __init__(self, docs: Path, before: dict[str, Made]):
        super().__init__(docs)
        self.before = before
        self.made: dict[str, Made] = {}
        self.media: Media | None = None
        self.kept = 0
        self._open: _Open | None = None

    def unchanged(self, rel: str, *inputs) -> bool:
        was = self.before.get(rel)
        if was is not None and was.inputs == inputs and self._still_there(rel, was):
            for image in was.images:
                self.media.publish(image)
            for video in was.videos:
                self.media.publish_video(video)
            for other, digest in was.files:
                self.keep(other, digest)
            self.keep(rel, was.digest)
            self.made[rel] = was
            self.kept += 1
            self._open = None
            return True
        self._open = _Open(rel, inputs)
        return False

    def _still_there(self, rel: str, was: Made) -> bool:
        """The manifest on disk still says these files are as this process made them (another
        `kepu build` in between may have made them differently), and they are still there."""
        previous, docs = self._stream.previous, os.fspath(self.docs)
        return all(self._digests.get(r) == digest or (digest in previous.get(r, ()) and os.path.isfile(os.path.join(docs, r)))
                   for r, digest in ((rel, was.digest), *was.files))

    def add(self, rel: str, data: bytes) -> None:
        super().add(rel, data)
        o = self._open
        if o is None:
            return
        if rel == o.rel:
            self.made[rel] = Made(o.inputs, self._digests[rel], tuple(o.files.items()), tuple(o.images),
                                  tuple(o.videos))
            self._open = None
        else:
            o.files[rel] = self._digests[rel]

    @property
    def files(self):
        return _Looked(super().files, self)


class _Looked:
    """Output.files that notes, for the file being made, the generated files it looks up
    (a share card made once per set of colours and then only looked up)."""

    def __init__(self, files, out: TrackedOutput):
        self._files, self._out = files, out

    def __contains__(self, rel) -> bool:
        found = rel in self._files
        o = self._out._open
        if found and o is not None:
            o.files[rel] = self._out._digests[rel]
        return found

    def __getitem__(self, rel):
        return self._files[rel]

    def get(self, rel, default=None):
        """As dict.get, noted like `in` (the lobby's offline list reads the sizes of published files)."""
        return self._files[rel] if rel in self else default

    def __iter__(self):
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


class TrackedMedia(Media):
    """Media that notes, for the file being made, which photos and films it published."""

    def publish(self, image):
        o = self.out._open
        if o is not None:
            o.images.append(image)
        return super().publish(image)

    def publish_video(self, video):
        o = self.out._open
        if o is not None:
            o.videos.append(video)
        return super().publish_video(video)


class Tracker:
    """Across the generations of one `kepu serve`: what each tracked file was made from."""

    def __init__(self):
        self.made: dict[str, Made] = {}
        self.context = None
        self.kept = 0  # files kept by the last generation
        self.full = True  # the last generation was a full one (nothing kept)

    def generate(self, site, docs: Path, generators, context) -> WriteReport:
        """Every view of `generators` into `docs`, keeping what has not changed since the last
        generation of this tracker, as `kepu.build.generate_all(...).finish()` would write it."""
        before = self.made if context == self.context else {}
        out = TrackedOutput(docs, before)
        media = TrackedMedia(out)
        out.media = media
        for gen in generators:
            gen.generate(site, out, media)
        report = out.finish()
        self.made, self.context, self.kept, self.full = out.made, context, out.kept, not before
        return report


def context(site, root: Path) -> tuple:
    """What every generated file may depend on besides its declared inputs (see the module
    docstring). Files of bulletins/ other than issues, activities and topics.yml are compared by
    stat: the pages are made from their bytes (photos, films, slogans.yml ...)."""
    others = []
    bulletins = os.path.join(root, "bulletins")
    sources = {os.fspath(x.source) for x in (*site.issues, *site.activities)}
    sources.add(os.path.join(bulletins, "topics.yml"))  # read into site.topics, compared below
    for dirpath, dirs, files in os.walk(bulletins):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            if path in sources:
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue
            others.append((path, st.st_size, st.st_mtime_ns, st.st_ino))
    topics = tuple((t.id, t.name, t.aliases, t.icon, t.color) for t in site.topics.values())  # not the description:
    # only the topic pages and lists show it, and they declare nothing (made every time)
    return (site.settings, topics, site.today, site.notices, site.synonyms, tuple(others))
