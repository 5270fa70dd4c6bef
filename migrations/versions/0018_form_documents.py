"""documents and marks in the stored application forms

Revision ID: 0018_form_documents
Revises: 0017_eligibility_rules
Create Date: 2026-12-04 09:00:00

The documents a dossier owes now come from its form (``documents``) and generic code
reads the questions a form marks (``title``, ``birth_date``, ``breakdown``). Each form
version written before gets what it meant then: the documents of its call's
``eligibility["required_documents"]`` (the company's ones when ``stage`` is
``company``) and MBI's marks on MBI's questions, so every dossier owes the same
documents and reads the same as before. Versions that already list documents are left
as they are. Downgrade keeps the data (earlier code ignores these keys).
"""

import copy

import sqlalchemy as sa
from alembic import op

revision = "0018_form_documents"
down_revision = "0017_eligibility_rules"
branch_labels = None
depends_on = None

DEFAULT_DOCUMENTS = {
    "all": ["identity", "cv", "business_plan", "criminal_record"],
    "company": ["trade_register_certificate", "statutes", "balance_sheets"],
}


def _t(en, fr, nl, ar):
    return {"en": en, "fr": fr, "nl": nl, "ar": ar}


BREAKDOWNS = {
    "moroccan_region": {
        "title": _t(
            "Dossiers by region in Morocco",
            "Dossiers par région au Maroc",
            "Dossiers per regio in Marokko",
            "الملفات حسب الجهة في المغرب",
        ),
        "column": _t("Region", "Région", "Regio", "الجهة"),
    },
    "sector": {
        "title": _t(
            "Dossiers by sector",
            "Dossiers par secteur",
            "Dossiers per sector",
            "الملفات حسب القطاع",
        ),
        "column": _t("Sector", "Secteur", "Sector", "القطاع"),
    },
    "channel": {
        "title": _t(
            "How applicants heard of the call",
            "Comment les candidats ont connu l’appel",
            "Hoe kandidaten van de oproep hoorden",
            "كيف علم المترشحون بالدعوة",
        ),
        "column": _t("Channel", "Canal", "Kanaal", "القناة"),
    },
    "gender": {
        "title": _t(
            "Dossiers by gender",
            "Dossiers par genre",
            "Dossiers per gender",
            "الملفات حسب الجنس",
        ),
        "column": _t("Gender", "Genre", "Gender", "الجنس"),
    },
}
MARKS = {"project_title": ("title", "short_text"), "birth_date": ("birth_date", "date")}

form_versions = sa.table(
    "form_versions",
    sa.column("id", sa.Integer),
    sa.column("call_id", sa.Integer),
    sa.column("definition", sa.JSON),
)
calls = sa.table("calls", sa.column("id", sa.Integer), sa.column("eligibility", sa.JSON))


def completed(definition: dict, eligibility: dict | None) -> dict:
    """``definition`` with the documents and marks it meant before they were written."""
    data = copy.deepcopy(definition)
    questions = {
        q.get("name"): q for step in data.get("steps", []) for q in step.get("questions", [])
    }
    required = (eligibility or {}).get("required_documents") or DEFAULT_DOCUMENTS
    documents = [{"kind": kind} for kind in required.get("all", [])]
    stage = questions.get("stage") or {}
    if "company" in {c.get("value") for c in stage.get("choices", [])}:
        company = {"question": "stage", "equals": "company"}
        documents += [{"kind": kind, "show_if": company} for kind in required.get("company", [])]
    data["documents"] = documents
    for name, (mark, type_) in MARKS.items():
        if questions.get(name, {}).get("type") == type_:
            questions[name][mark] = True
    for name, breakdown in BREAKDOWNS.items():
        if questions.get(name, {}).get("type") == "one_choice":
            questions[name]["breakdown"] = breakdown
    return data


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(form_versions.c.id, form_versions.c.definition, calls.c.eligibility).join(
            calls, calls.c.id == form_versions.c.call_id
        )
    ).all()
    for version_id, definition, eligibility in rows:
        if isinstance(definition, dict) and "documents" not in definition:
            bind.execute(
                form_versions.update()
                .where(form_versions.c.id == version_id)
                .values(definition=completed(definition, eligibility))
            )


def downgrade():
    pass
