"""Demo documents: small valid PDFs, stored through the same code as uploads."""

from __future__ import annotations

import random
import textwrap
import unicodedata

from app.applications.models import Application
from app.documents.requirements import required_kinds
from app.documents.services import attach_document
from app.extensions import db

#: Lines that fit on one A4 page at 16 pt leading below the title.
_MAX_LINES = 44


def sample_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF showing ``title`` and ``lines`` in Helvetica.

    Hand-written objects with an exact cross-reference table; text outside
    Windows-1252 shows as "?".
    """
    text = [b"BT", b"/F1 16 Tf", b"72 770 Td", b"(" + _pdf_string(title) + b") Tj", b"/F1 11 Tf"]
    text.append(b"0 -30 Td")
    for number, line in enumerate(lines[:_MAX_LINES]):
        if number:
            text.append(b"0 -16 Td")
        text.append(b"(" + _pdf_string(line) + b") Tj")
    text.append(b"ET")
    stream = b"\n".join(text)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def attach_demo_documents(application: Application, rng: random.Random) -> None:
    """Store the documents the call asks of a demo application, as its applicant.

    Goes through :func:`app.documents.services.attach_document` (the upload code,
    without the status check), so the files land in DOCUMENT_STORE under generated
    names. Flushes once, after the last; the caller commits.
    """
    applicant = application.applicant
    for kind, filename, content in demo_documents(application, rng):
        attach_document(application, kind, content, filename, uploaded_by=applicant, flush=False)
    db.session.flush()


def demo_documents(application, rng: random.Random) -> list[tuple[str, str, bytes]]:
    """The (kind, file name, PDF) of each document the call asks of a demo application,
    in the form's order, drawn from ``rng``. ``application`` only needs what
    :func:`required_kinds` and the files read: ``form``, ``answers``, ``title`` and the
    applicant's ``full_name`` (the demo loader passes a stand-in while it plans rows)."""
    documents = []
    for kind in required_kinds(application):
        filename, title, lines = _DEMO_FILES[kind](application, rng)
        footer = ["", "Document fictif : données de démonstration d'Impulse."]
        documents.append((kind, filename, sample_pdf(title, lines + footer)))
    return documents


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _identity(application, rng):
    name = application.applicant.full_name
    filename = rng.choice(
        ["carte-identite.pdf", f"CI_{_ascii(name).replace(' ', '_')}.pdf", "passeport_scan.pdf"]
    )
    lines = [f"Nom : {name}", f"Date de naissance : {application.answers.get('birth_date', '-')}"]
    return filename, "Document d'identité", lines


def _cv(application, rng):
    name = application.applicant.full_name
    filename = rng.choice([f"CV_{_ascii(name).replace(' ', '_')}.pdf", "cv-2026.pdf", "CV.pdf"])
    years = rng.randrange(3, 20)
    lines = [
        f"{name}, {application.answers.get('city', 'Bruxelles')}",
        f"{years} ans d'expérience professionnelle en Belgique.",
        "Langues : français, arabe, darija, néerlandais (notions).",
        f"Projet : {application.title}",
    ]
    return filename, f"Curriculum vitae – {name}", lines


def _business_plan(application, rng):
    answers = application.answers
    filename = rng.choice(["business-plan.pdf", "Business_Plan_v3.pdf", "plan-affaires.pdf"])
    lines = [
        f"Secteur : {answers.get('sector_name', '-')}",
        f"Région au Maroc : {answers.get('moroccan_region', '-')}",
        f"Investissement prévu : {rng.randrange(80, 900) * 1000:,} MAD".replace(",", " "),
        f"Emplois créés la première année : {rng.randrange(1, 12)}",
        "",
        *textwrap.wrap(answers.get("summary", ""), 90),
    ]
    return filename, f"Plan d'affaires – {application.title}", lines


def _simple(filenames: list[str], title: str, line: str):
    def make(application, rng):
        return (
            rng.choice(filenames),
            title,
            [line, f"Titulaire : {application.applicant.full_name}"],
        )

    return make


_DEMO_FILES = {
    "identity": _identity,
    "cv": _cv,
    "business_plan": _business_plan,
    "criminal_record": _simple(
        ["extrait-casier-judiciaire.pdf", "casier_judiciaire_595.pdf"],
        "Extrait du casier judiciaire (modèle 595)",
        "Néant.",
    ),
    "trade_register_certificate": _simple(
        ["Modele_J.pdf", "modele-j-registre-commerce.pdf"],
        "Registre du commerce – Modèle J",
        "Société à responsabilité limitée, immatriculée au Maroc.",
    ),
    "statutes": _simple(
        ["statuts-signes.pdf", "Statuts_SARL.pdf"],
        "Statuts de la société",
        "Associé majoritaire : le porteur de projet.",
    ),
    "balance_sheets": _simple(
        ["bilans-2024-2025.pdf", "etats-financiers.pdf"],
        "Bilans des derniers exercices",
        "Bilan et compte de produits et charges.",
    ),
}
