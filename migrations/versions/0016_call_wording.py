"""call wording: a call's own texts of its decision letters and e-mails

Revision ID: 0016_call_wording
Revises: 0015_form_versions
Create Date: 2026-12-10 00:00:00

Per outcome and language, the opening of the letter and the e-mail's subject and
message that staff wrote for this call; empty for every existing call (the templates'
wording applies).
"""

from alembic import op
import sqlalchemy as sa


revision = "0016_call_wording"
down_revision = "0015_form_versions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wording", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("wording")
