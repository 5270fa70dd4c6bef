"""the category of the chair's move of a dossier in the selection

Revision ID: 0020_published_explanations
Revises: 0019_jury_flow
Create Date: 2026-12-12 00:00:00

A move by the chair now carries, beside its written justification (kept in the decision
record), a category the applicant is told (workflows.selection.MoveReason). A move made
before has none: it reads as "other". Downgrade drops the column (earlier code does not
read it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_published_explanations"
down_revision = "0019_jury_flow"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("selection_decisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("override_reason", sa.String(length=20), nullable=False, server_default="")
        )
    decisions = sa.table(
        "selection_decisions",
        sa.column("override_justification", sa.Text()),
        sa.column("override_reason", sa.String(20)),
    )
    op.execute(
        decisions.update()
        .where(decisions.c.override_justification != "")
        .values(override_reason="other")
    )


def downgrade():
    with op.batch_alter_table("selection_decisions", schema=None) as batch_op:
        batch_op.drop_column("override_reason")
