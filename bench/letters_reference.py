"""The issue's yardstick for letters: "a one-page letter with plain WeasyPrint defaults",
with a shared FontConfiguration and stylesheet (bench/letters_bench.py and
bench/letters_instructions.py compare Impulse's letters with it).

To compare like with like, the reference prints the very words of the demo's "not
selected" letter, a paragraph a line, with WeasyPrint's own user-agent stylesheet,
no letterhead, no QR code, no footer, no PDF/A and no tags.
"""

from __future__ import annotations

import html
import io


def reference_page() -> str:
    """The reference letter's HTML (needs an app context: it renders the demo letter)."""
    from pypdf import PdfReader

    from app.letters.content import demo_context
    from app.letters.rendering import renderer

    data, _pages = renderer().pdf(demo_context("not_selected", "fr"))
    lines = PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines()
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line.strip())
    return f"<!doctype html><html lang=fr><body>{body}</body></html>"


class ReferenceRenderer:
    """Plain WeasyPrint, with the FontConfiguration and stylesheet built once."""

    def __init__(self) -> None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self.weasyprint = weasyprint
        self.fonts = FontConfiguration()
        self.stylesheet = weasyprint.CSS(
            string="body { font-family: 'DejaVu Sans'; font-size: 9pt }", font_config=self.fonts
        )

    def pdf(self, page: str) -> bytes:
        return self.weasyprint.HTML(string=page).write_pdf(
            stylesheets=[self.stylesheet], font_config=self.fonts
        )
