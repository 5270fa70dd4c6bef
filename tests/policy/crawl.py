"""Everything a person can reach, by channel: pages and records by following the links
from their home page, the exports those pages link to, the e-mails sent to them, and
their personal-data export.

Each channel's content is gathered as lower-case text, so that a test can ask whether
a marker planted in a record reaches a person anywhere.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import deque
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlsplit

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.outbox.models import OutboxMessage

PAGE, EXPORT, RECORD, EMAIL, PERSONAL_DATA = (
    "page",
    "export",
    "record",
    "e-mail",
    "personal-data export",
)
CHANNELS = (PAGE, EXPORT, RECORD, EMAIL, PERSONAL_DATA)

#: Links a crawl does not follow: they leave the person's session or the site's pages.
SKIPPED = re.compile(r"^/(static/|logout|language|healthz)")
LINK = re.compile(r"""href="([^"#]+)""")
TITLE = re.compile(r"<title>.*?</title>", re.DOTALL | re.IGNORECASE)
#: A crawl stops after this many addresses: the worlds of these tests are small.
MAX_ADDRESSES = 600


@dataclass
class Reach:
    """What one person reached: text per channel, and the addresses that answered."""

    texts: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CHANNELS})
    visited: dict[str, int] = field(default_factory=dict)
    #: The HTML pages that answered 200, in the order reached, each with its ``<title>``
    #: element as the server wrote it.
    pages: dict[str, str] = field(default_factory=dict)

    def text(self, channel: str) -> str:
        return "\n".join(self.texts[channel])

    def shows(self, channel: str, marker: str) -> bool:
        return marker.lower() in self.text(channel)


def _text_of_xlsx(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(value) for value in row if value is not None)
    return " | ".join(cells)


def _text_of_pdf(data: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _text_of_zip(data: bytes) -> str:
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            parts.append(name)
            if name.endswith((".json", ".txt", ".csv", ".html")):
                parts.append(archive.read(name).decode("utf-8", "replace"))
    return "\n".join(parts)


def _channel_of(path: str, content_type: str) -> str:
    if "/selection/record" in path:
        return RECORD
    if content_type.startswith(("text/html", "application/json")):
        return PAGE
    return EXPORT


def _readable(response) -> str:
    content_type = response.headers.get("Content-Type", "")
    data = response.get_data()
    if "spreadsheetml" in content_type:
        return _text_of_xlsx(data)
    if content_type.startswith("application/pdf"):
        return _text_of_pdf(data)
    if content_type.startswith("application/zip"):
        return _text_of_zip(data)
    if content_type.startswith(("text/", "application/json", "image/svg")):
        return unescape(data.decode("utf-8", "replace"))
    return ""


def links(html: str) -> list[str]:
    """The addresses on this site that ``html`` links to, but those of :data:`SKIPPED`."""
    found = []
    for href in LINK.findall(html):
        href = unescape(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/") or SKIPPED.match(href):
            continue
        found.append(href)
    return found


def _shape(address: str) -> tuple[str, frozenset]:
    """An address's path and the names of its query parameters: the list sorted by
    another column, or filtered on another value, shows the same records."""
    parts = urlsplit(address)
    names = frozenset(pair.split("=", 1)[0] for pair in parts.query.split("&") if pair)
    return parts.path, names


def crawl(client, start: str = "/") -> Reach:
    """Follow every link from ``start`` (GET only, this site only, redirects followed by
    hand so that each address is read once, one address per path and set of query
    parameters) and sort what answers into channels."""
    reach = Reach()
    queue = deque([start])
    shapes = set()
    while queue and len(reach.visited) < MAX_ADDRESSES:
        address = queue.popleft()
        if address in reach.visited or _shape(address) in shapes:
            continue
        shapes.add(_shape(address))
        response = client.get(address)
        reach.visited[address] = response.status_code
        if response.status_code in (301, 302, 303):
            location = response.headers["Location"]
            target = urlsplit(location)
            if not target.netloc or target.netloc == "localhost":
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
            response.close()
            continue
        if response.status_code != 200:
            response.close()
            continue
        content_type = response.headers.get("Content-Type", "")
        try:
            text = _readable(response)
        finally:
            response.close()
        channel = _channel_of(urlsplit(address).path, content_type)
        if address.startswith("/account/data/export"):
            channel = PERSONAL_DATA
        reach.texts[channel].append(text.lower())
        if content_type.startswith("text/html"):
            title = TITLE.search(text)
            reach.pages[address] = title.group(0) if title else ""
            queue.extend(link for link in links(text) if link not in reach.visited)
    return reach


def emails_to(address: str) -> str:
    """Every e-mail queued for ``address`` (subject and body), as one lower-case text."""
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == address)
    ).all()
    return "\n".join(f"{m.subject}\n{m.body_text}" for m in messages).lower()


def personal_data_of(client) -> str:
    """The person's personal-data export (data.json and the names of the files)."""
    response = client.get("/account/data/export.zip")
    data = response.get_data() if response.status_code == 200 else b""
    response.close()
    return _text_of_zip(data).lower() if data else ""
