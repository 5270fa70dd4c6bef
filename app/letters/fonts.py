"""The letters' own font: DejaVu Sans cut down to the scripts letters are written in.

WeasyPrint subsets every font it embeds, for every PDF. With the whole DejaVu Sans
(about 6,000 glyphs, large layout tables) that step alone cost about a tenth of a
letter; with this copy, which keeps only Latin (with its extensions), the general
punctuation, the euro sign and Arabic (with its presentation forms), it costs a
fifth of that. Every layout feature (kerning, Arabic joining forms, ligatures) is
kept. A character outside these ranges still prints: the stylesheet falls back to
the system's DejaVu Sans.

The files are built once and committed (``app/static/letters/fonts/``); rebuild them
with ``flask --app wsgi letters fonts`` after changing the ranges. DejaVu's licence
(``LICENSE-DejaVu.txt`` beside them) allows modified copies.
"""

from __future__ import annotations

from pathlib import Path

from app.letters.rendering import ASSETS

#: Where the built fonts live (served to WeasyPrint by the letters' fetcher).
FONTS = ASSETS / "fonts"
#: The system's DejaVu (Debian's fonts-dejavu-core).
SOURCE = Path("/usr/share/fonts/truetype/dejavu")
#: Built file -> DejaVu file it is cut from.
FACES = {"LetterSans.ttf": "DejaVuSans.ttf", "LetterSans-Bold.ttf": "DejaVuSans-Bold.ttf"}
#: The characters kept: Latin, Latin-1, Latin Extended-A and -B, modifier letters,
#: general punctuation, euro, trade mark, arrows; Arabic, Arabic Supplement and the
#: Arabic presentation forms.
RANGES = (
    "U+0020-007E,U+00A0-024F,U+02B0-02FF,U+2000-206F,U+20AC,U+2122,U+2190-2193,"
    "U+0600-06FF,U+0750-077F,U+FB50-FDFF,U+FE70-FEFF"
)


def build_fonts(source: Path | None = None, target: Path | None = None) -> list[Path]:
    """Write the letters' fonts (into :data:`FONTS` by default) from DejaVu Sans in
    ``source`` (:data:`SOURCE` by default); return their paths."""
    # lazy: fontTools' subsetter is WeasyPrint's font machinery (a tenth of a second to
    # load); only `flask letters fonts` needs it, never a web process (health imports us).
    from fontTools import subset

    source, target = source or SOURCE, target or FONTS
    missing = [original for original in FACES.values() if not (source / original).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{', '.join(missing)} not found in {source} "
            "(Debian: apt-get install fonts-dejavu-core)"
        )
    target.mkdir(parents=True, exist_ok=True)
    built = []
    for name, original in FACES.items():
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        with subset.load_font(str(source / original), options) as font:
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=subset.parse_unicodes(RANGES))
            subsetter.subset(font)
            subset.save_font(font, str(target / name), options)
        built.append(target / name)
    return built
