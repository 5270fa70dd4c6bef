"""WeasyPrint, set up once per process to print letters: the fetcher that serves only the
letters' assets, the faster compression, the XML fast path, the parsed stylesheets, fonts
and colour profile.

Importing this module loads WeasyPrint (Pango, HarfBuzz, fontTools: about half a second
and tens of megabytes), so only a process that renders letters does: app.letters.rendering
imports it on first use, and nothing else imports it.
"""

from __future__ import annotations

import io
import zlib
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname
from xml.etree import ElementTree

import cssselect2
import pydyf
import weasyprint
from weasyprint.css import ColorProfile
from weasyprint.text import ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.letters.rendering import ASSETS, RefusedURL, Renderer

_ASSET_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ttf": "font/ttf",
}


class LetterFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only files of ``app/static/letters/`` and the
    QR codes registered for the letters being rendered (``qr:<code>``, from memory)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        #: PNG images made by the renderer, by their ``qr:`` address.
        self.generated: dict[str, bytes] = {}

    def fetch(self, url, headers=None):
        if url.startswith("qr:"):
            image = self.generated.get(url)
            if image is None:
                raise RefusedURL(f"unknown QR code {url[:40]!r}")
            return URLFetcherResponse(url, image, {"Content-Type": "image/png"})
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"letters load only their own assets, not {url[:80]!r}")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(ASSETS) or not path.is_file():
            raise RefusedURL(f"not a letter asset: {url[:80]!r}")
        content_type = _ASSET_TYPES.get(path.suffix)
        if content_type is None:
            raise RefusedURL(f"not a letter asset type: {url[:80]!r}")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


#: zlib level of the streams in letters. pydyf, which writes WeasyPrint's PDFs,
#: compresses every stream at level 9, which cost about 5 % of a letter; level 1
#: makes the letter a few percent larger.
COMPRESSION_LEVEL = 1


class _ZlibAtLevel:
    """The zlib module as pydyf sees it in a process that renders letters: the same,
    except that it compresses at :data:`COMPRESSION_LEVEL` whatever level is asked."""

    def __init__(self, level: int) -> None:
        self.level = level

    def __getattr__(self, name):
        return getattr(zlib, name)

    def compressobj(self, level=-1, *args, **kwargs):
        return zlib.compressobj(self.level, *args, **kwargs)

    def compress(self, data, /, level=-1, **kwargs):
        return zlib.compress(data, self.level, **kwargs)


def _compress_faster() -> None:
    if not isinstance(pydyf.zlib, _ZlibAtLevel):
        pydyf.zlib = _ZlibAtLevel(COMPRESSION_LEVEL)


def _srgb_profile() -> ColorProfile:
    """WeasyPrint's sRGB output profile, parsed once (WeasyPrint would open and parse it
    for every PDF/A, and leave the file open)."""
    data = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    return ColorProfile(
        io.BytesIO(data), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )


def _html_class(user_agent) -> type:
    """WeasyPrint's HTML with the letters' user-agent stylesheet (``user_agent``)."""

    class LetterHTML(weasyprint.HTML):
        """HTML with the few user-agent rules letters need (see ua.css), parsed as XML
        when it is well-formed (see :meth:`from_markup`)."""

        #: "xml" (the fast path) or "html" (WeasyPrint's HTML5 parser).
        parsed_as = "html"

        @classmethod
        def from_markup(cls, markup: str, *, base_url: str, url_fetcher):
            """The document of ``markup``. Letters are written as well-formed XML and
            parsed by expat, in C, about twenty times faster than by WeasyPrint's HTML5
            parser in Python (6 % of a letter); markup that is not XML (a template edited
            with an unclosed ``<br>``, say) is parsed as HTML5, as WeasyPrint would, only
            more slowly."""
            try:
                # Our own template's output: applicant text is escaped by Jinja, so it
                # declares no entity and no other document.
                root = ElementTree.fromstring(markup)  # noqa: S314  # nosec B314
            except ElementTree.ParseError:
                return cls(string=markup, base_url=base_url, url_fetcher=url_fetcher)
            document = cls.__new__(cls)
            document.parsed_as = "xml"
            document.base_url = base_url
            document.url_fetcher = url_fetcher
            document.media_type = "print"
            document.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                root, content_language=None
            )
            document.etree_element = document.wrapper_element.etree_element
            return document

        def _ua_stylesheets(self, forms=False):
            return [user_agent]

        def _ph_stylesheets(self):
            return []

    return LetterHTML


def build_renderer() -> Renderer:
    """A renderer for this process: one FontConfiguration, the parsed stylesheets, the
    fetcher, the colour profile (see app.letters.rendering.renderer)."""
    _compress_faster()
    fetcher = LetterFetcher()
    font_config = FontConfiguration()
    stylesheet = weasyprint.CSS(
        filename=str(ASSETS / "letter.css"), font_config=font_config, url_fetcher=fetcher
    )
    user_agent = weasyprint.CSS(
        filename=str(ASSETS / "ua.css"), font_config=font_config, url_fetcher=fetcher
    )
    return Renderer(font_config, stylesheet, fetcher, _html_class(user_agent), _srgb_profile())


def pango_version() -> int:
    """Pango's version as WeasyPrint loaded it, e.g. 15006 for 1.50.6."""
    return ffi.pango.pango_version()


def harfbuzz_subset_loaded() -> bool:
    """Whether WeasyPrint loaded HarfBuzz-Subset, recent enough (4.1) to subset fonts."""
    subset = getattr(ffi, "harfbuzz_subset", None)
    return subset is not None and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))
