"""Arabic reads right to left: pages mirror, PDF letters find an Arabic font."""

import io
import re

from app.config import PROJECT_ROOT
from app.i18n import text_direction

STYLESHEET = PROJECT_ROOT / "app" / "static" / "css" / "impulse.css"


def test_the_stylesheet_uses_only_logical_directions():
    """Physical left/right would not mirror for Arabic: inline-start/end instead."""
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(), flags=re.S)
    physical = re.findall(
        r"(?:margin|padding|border|inset)-(?:left|right)\b|text-align:\s*(?:left|right)"
        r"|float:\s*(?:left|right)|(?<![-\w])(?:left|right)\s*:",
        css,
    )
    assert physical == []
    # Four-value shorthands differing left and right are physical too.
    for value in re.findall(r"(?<![-\w])(?:margin|padding):\s*([^;}]+)", css):
        parts = value.split()
        assert len(parts) < 4 or parts[1] == parts[3], value


def test_text_direction_of_codes_and_locales():
    from babel import Locale

    assert text_direction("ar") == text_direction("ar_MA") == text_direction(Locale("ar")) == "rtl"
    assert {text_direction(code) for code in ("fr", "nl", "en", None)} == {"ltr"}


def test_an_arabic_page_of_each_kind_is_right_to_left(client, make_call):
    make_call("MBI-2026")
    client.post("/language", data={"locale": "ar", "next": "/"})
    for path in ("/", "/login", "/register", "/calls/MBI-2026", "/privacy"):
        page = client.get(path).get_data(as_text=True)
        assert page.startswith('<!doctype html>\n<html lang="ar" dir="rtl">'), path


def test_an_arabic_pdf_is_shaped_with_an_installed_font_and_extracts_in_arabic():
    """What the letters need: WeasyPrint, the direction and a font covering Arabic."""
    from pypdf import PdfReader
    from weasyprint import HTML

    sentence = "تهانينا: اختارت لجنة التحكيم طلبكم"
    html = (
        f'<html lang="ar" dir="{text_direction("ar")}"><body>'
        f"<p style=\"font-family: 'DejaVu Sans'\">{sentence} MBI-2026-0001.</p></body></html>"
    )
    reader = PdfReader(io.BytesIO(HTML(string=html).write_pdf()))
    text = reader.pages[0].extract_text()
    assert sentence in text and "MBI-2026-0001" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any("DejaVu" in name for name in fonts), fonts


def test_phone_numbers_and_addresses_read_left_to_right_on_an_arabic_page(
    client, make_application, login_as
):
    dossier = make_application("submitted")
    dossier.answers = {**dossier.answers, "phone": "+32 451 97 48 67"}
    dossier.applicant.locale = "ar"
    from app.extensions import db

    db.session.commit()
    login_as(dossier.applicant)
    page = client.get(f"/applications/{dossier.id}").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert '<bdi dir="ltr">+32 451 97 48 67</bdi>' in page
