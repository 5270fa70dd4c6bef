"""Turning a letter's data into a PDF/A: Jinja for the text, WeasyPrint for the page.

No database and no Flask here: a letter is rendered from a plain dict (see
app.letters.content), so the same code serves the worker, the command's process
pool, previews and the benchmark. Each process keeps one :class:`Renderer`: the
parsed stylesheet, one FontConfiguration, the image cache and one Jinja environment
per language, built once (WeasyPrint's costs are mostly per process, not per letter).

Safety: letters are rendered with a fetcher (app.letters.pdf_engine.LetterFetcher) that
reads only files under ``app/static/letters/`` and refuses every other URL (other files,
network, ``data:``), and without following redirects. Applicant text reaches the page
only through Jinja's autoescaping; the QR code is a PNG made here, served from memory.

WeasyPrint itself is set up in app.letters.pdf_engine, which this module loads on first
use (:func:`engine`): a web process that renders no letter never loads it.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import ctypes.util
import gettext
import io
import logging
import os
import re
import signal
import threading
from dataclasses import dataclass, field

import segno
from babel.messages.pofile import read_po
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from app.config import PROJECT_ROOT

ASSETS = (PROJECT_ROOT / "app" / "static" / "letters").resolve()
TEMPLATES = PROJECT_ROOT / "templates" / "letters"
CATALOGUES = PROJECT_ROOT / "app" / "translations"
#: The gettext domain of the letters (app/translations/<locale>/LC_MESSAGES/letters.po).
DOMAIN = "letters"

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class RenderTimeout(Exception):
    """A letter took longer than its time limit to render."""


class RefusedURL(ValueError):
    """A letter tried to load something other than its own assets."""


def engine():
    """The WeasyPrint side of the letters (app.letters.pdf_engine), loaded on first use."""
    # lazy: WeasyPrint loads Pango, HarfBuzz and fontTools (half a second, tens of MB);
    # a web process that renders no letter must not pay for it.
    from app.letters import pdf_engine

    return pdf_engine


def make_fetcher():
    """A fetcher that serves only the letters' assets and the QR codes being rendered
    (app.letters.pdf_engine.LetterFetcher)."""
    return engine().LetterFetcher()


#: Invisible control characters (C0 but tab and newlines, DEL, C1): pasted into a
#: form, they would print as odd glyphs, break the PDF's text layer and make the
#: letter's markup unparsable as XML. Every value printed in a letter drops them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _printable(value):
    """Jinja's ``finalize`` for letters: every printed value without control characters."""
    if isinstance(value, Markup):
        # Already escaped (a translated message): dropping characters adds no markup.
        return Markup(_CONTROL.sub("", value))  # noqa: S704  # nosec B704
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    return value


class _Catalogue(gettext.NullTranslations):
    """The letters' messages of one language, read from its .po file (no compile step)."""

    def __init__(self, messages: dict) -> None:
        super().__init__()
        self._messages = messages

    def gettext(self, message):
        return self._messages.get(message) or message

    def ngettext(self, singular, plural, n):
        found = self._messages.get(singular)
        if isinstance(found, tuple | list):
            index = 0 if n == 1 else min(1, len(found) - 1)
            return found[index] or (singular if n == 1 else plural)
        return singular if n == 1 else plural


def load_catalogue(locale: str) -> _Catalogue:
    path = CATALOGUES / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return _Catalogue({})
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    return _Catalogue({m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy})


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a PNG image (made here, in memory)."""
    buffer = io.BytesIO()
    # A fixed mask: choosing the best of eight costs more than the whole PNG. Two pixels
    # a module, scaled without smoothing by the stylesheet: WeasyPrint decodes and
    # recompresses the image for every PDF, so the fewer pixels the better (at one
    # pixel a module, poppler drew it too unevenly for zbar below 200 dpi).
    segno.make(url, error="m", mask=0, micro=False).save(buffer, kind="png", scale=2, border=2)
    return buffer.getvalue()


@dataclass
class Renderer:
    """What one process keeps to render letters fast."""

    font_config: object
    stylesheet: object
    fetcher: object
    html_class: type
    #: WeasyPrint's sRGB output profile, parsed once (WeasyPrint would open and parse
    #: it for every PDF/A, and leave the file open).
    srgb: object = None
    environments: dict = field(default_factory=dict)
    image_cache: dict = field(default_factory=dict)

    def environment(self, locale: str) -> Environment:
        if locale not in self.environments:
            env = Environment(
                loader=FileSystemLoader(str(TEMPLATES)),
                autoescape=select_autoescape(default=True, default_for_string=True),
                undefined=StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                finalize=_printable,
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.install_gettext_translations(load_catalogue(locale), newstyle=True)
            self.environments[locale] = env
        return self.environments[locale]

    def html(self, context: dict) -> str:
        env = self.environment(context["locale"])
        return env.get_template(f"{context['outcome']}.jinja").render(**context)

    def pdf(self, context: dict, *, variant: str | None = "pdf/a-3b") -> tuple[bytes, int]:
        """The letter as PDF bytes, and its number of pages.

        One letter at a time per process: the worker's threads share this renderer, and
        Pango and the FontConfiguration are not thread-safe (two threads rendering at
        once crashed the worker with "realloc(): invalid next size"). Processes, not
        threads, render in parallel (``letters generate --workers N``)."""
        with _rendering:
            return self._pdf(context, variant=variant)

    def _pdf(self, context: dict, *, variant: str | None) -> tuple[bytes, int]:
        verification = context["verification"]
        qr = verification["qr"]
        self.fetcher.generated[qr] = qr_png(verification["url"])
        try:
            profiles = {"srgb": copy.copy(self.srgb)} if variant else None
            document = self.html_class.from_markup(
                self.html(context), base_url=ASSETS.as_uri() + "/", url_fetcher=self.fetcher
            ).render(
                stylesheets=[self.stylesheet],
                font_config=self.font_config,
                color_profiles=profiles,
                pdf_variant=variant,
                pdf_tags=True,
                cache=self.image_cache,
            )
            data = document.write_pdf(
                pdf_variant=variant,
                pdf_tags=True,
                pdf_identifier=verification["code"].encode(),
                # Not "srgb": the profile given to render() above is used as is.
                output_intent="preloaded" if variant else None,
            )
        finally:
            self.fetcher.generated.pop(qr, None)
            self.image_cache.pop(qr, None)
        return data, len(document.pages)


_renderer: tuple[int, Renderer] | None = None
_lock = threading.Lock()
#: Held while a letter renders (see Renderer.pdf).
_rendering = threading.Lock()


def renderer() -> Renderer:
    """This process's renderer (built on first use; a forked child builds its own)."""
    global _renderer
    with _lock:
        if _renderer is None or _renderer[0] != os.getpid():
            _renderer = (os.getpid(), engine().build_renderer())
        return _renderer[1]


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raise RenderTimeout inside the block once it has run ``seconds``.

    In a process's main thread (the command's pool, Huey process workers, tests) a
    SIGALRM timer interrupts it; in another thread (Huey thread workers) a watchdog
    timer raises the exception asynchronously in the rendering thread
    (PyThreadState_SetAsyncExc: delivered between two Python bytecodes, which is
    where WeasyPrint spends its time)."""
    if not seconds:
        yield
        return
    if hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread():

        def expire(signum, frame):
            raise RenderTimeout(f"rendering took more than {seconds:g} s")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return

    target = threading.get_ident()
    state = {"finished": False, "fired": False}
    guard = threading.Lock()

    def expire_thread() -> None:
        with guard:
            if state["finished"]:
                return
            state["fired"] = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(target), ctypes.py_object(RenderTimeout)
            )

    timer = threading.Timer(seconds, expire_thread)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with guard:
            state["finished"] = True
            timer.cancel()
            if state["fired"]:  # not delivered yet: take it back
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)


def harfbuzz_subset_available(*, load: bool = True) -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz (about 5x faster than fontTools).

    ``load=False`` only looks for the library (no WeasyPrint import: for start-up)."""
    if not load:
        return ctypes.util.find_library("harfbuzz-subset") is not None
    try:
        return engine().harfbuzz_subset_loaded()
    except (ImportError, OSError):
        return False
