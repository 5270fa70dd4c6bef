"""eligibility rules as data: a call's own rule set

Revision ID: 0017_eligibility_rules
Revises: 0016_call_wording
Create Date: 2026-12-03 07:25:00

Empty for every existing call: it keeps judging with the default rules and its own
parameters, exactly as before.
"""
from alembic import op
import sqlalchemy as sa


revision = "0017_eligibility_rules"
down_revision = "0016_call_wording"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("eligibility_rules", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("eligibility_rules")
