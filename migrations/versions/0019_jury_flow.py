"""jury flow: the jurors' deadline and reminder, and "no other conflict"

Revision ID: 0019_jury_flow
Revises: 0018_form_documents
Create Date: 2026-12-20 00:00:00

A call gets the date scoring is announced to close (none for existing calls), the days
before it when jurors are reminded (3) and whether each juror must confirm having no
other conflict of interest before scoring (no, as before). A jury member gets when they
confirmed it and when they were reminded (neither, for existing members).
"""

from alembic import op
import sqlalchemy as sa


revision = "0019_jury_flow"
down_revision = "0018_form_documents"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scoring_closes_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("scoring_reminder_days", sa.Integer(), nullable=False, server_default="3")
        )
        batch_op.add_column(
            sa.Column(
                "conflicts_confirmation_required",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_calls_scoring_reminder_days_not_negative"), "scoring_reminder_days >= 0"
        )

    with op.batch_alter_table("jury_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conflicts_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("scoring_reminded_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("jury_members", schema=None) as batch_op:
        batch_op.drop_column("scoring_reminded_at")
        batch_op.drop_column("conflicts_confirmed_at")

    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("ck_calls_scoring_reminder_days_not_negative"), type_="check"
        )
        batch_op.drop_column("conflicts_confirmation_required")
        batch_op.drop_column("scoring_reminder_days")
        batch_op.drop_column("scoring_closes_at")
