"""How each kind of document reads for people: its name and what to upload."""

from flask_babel import format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l

#: The name of each kind of document (keys: DOCUMENT_KINDS).
KIND_LABELS = {
    "identity": _l("Identity document"),
    "cv": _l("CV"),
    "business_plan": _l("Business plan"),
    "criminal_record": _l("Criminal record extract"),
    "trade_register_certificate": _l("Trade register certificate (Modèle J)"),
    "statutes": _l("Company statutes"),
    "balance_sheets": _l("Last balance sheets"),
}

#: What to upload for each kind.
KIND_HELP = {
    "identity": _l(
        "Your Belgian identity card, residence card or passport: both sides, "
        "every page with your photo and personal details, readable."
    ),
    "cv": _l("Your education, professional experience and languages, two pages at most."),
    "business_plan": _l(
        "Your project in Morocco: market, customers, team, investment, financing "
        "and the figures of the first three years."
    ),
    "criminal_record": _l(
        "An extract of your criminal record (model 595), issued less than three months ago "
        "by your Belgian municipality."
    ),
    "trade_register_certificate": _l(
        "The Modèle J of your company, issued by the Moroccan trade register "
        "less than three months ago."
    ),
    "statutes": _l("The signed statutes of your company, with the shareholders and their shares."),
    "balance_sheets": _l(
        "The balance sheets of the last closed financial years (up to three), in one file."
    ),
}

#: The types accepted, as the applicant reads them.
ACCEPTED_TYPES = _l("PDF, JPEG or PNG")


def size_label(size: int) -> str:
    """A file size for people, in the page's language: 512 bytes, 340 KB, 2.4 MB."""
    if size < 1024:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < 1024 * 1024:
        return gettext("%(size)s KB", size=format_decimal(size / 1024, "#,##0"))
    return gettext("%(size)s MB", size=format_decimal(size / (1024 * 1024), "#,##0.#"))
