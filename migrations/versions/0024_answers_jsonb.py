"""answers as jsonb on PostgreSQL, indexed for the staff list's filters

Revision ID: 0024_answers_jsonb
Revises: 0023_score_summaries
Create Date: 2026-12-03 13:00:00

On PostgreSQL, ``applications.answers`` was ``json``: text, parsed again by every
``->>`` (the dashboard read each dossier's 1.2 KB document once per answer it counts).
It becomes ``jsonb`` in place (the same answers, stored parsed; the keys of each
document sorted, duplicate keys dropped: the application never writes any) and gets a
GIN index (``jsonb_path_ops``) for containment, ``answers @> {"sector": "C"}``: the staff
list's filters, whatever questions a call's form marks ``filter``. Downgrading makes it
``json`` again with the same answers.

The staff list's default order (numbered dossiers by number, then drafts, each by id)
gets an index per call, so that its first, last and following pages read a page of the
index rather than sorting the whole call.

On SQLite nothing changes (the answers stay JSON text; it could not reflect the index of
expressions, and sorts its smaller lists itself).
"""

from alembic import op

revision = "0024_answers_jsonb"
down_revision = "0023_score_summaries"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE applications ALTER COLUMN answers TYPE jsonb USING answers::jsonb")
    op.execute(
        "CREATE INDEX ix_applications_answers ON applications USING gin (answers jsonb_path_ops)"
    )
    op.execute(
        "CREATE INDEX ix_applications_call_order"
        " ON applications (call_id, (number IS NULL), coalesce(number, 0), id)"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_applications_call_order")
    op.execute("DROP INDEX ix_applications_answers")
    op.execute("ALTER TABLE applications ALTER COLUMN answers TYPE json USING answers::json")
