"""registration tokens: a registration waits for its address to be confirmed

Revision ID: 0013_registration_tokens
Revises: 0012_one_audit_table
Create Date: 2026-12-03 00:30:00

The name, password hash and language of a registration are kept on its token until
the link is used; only then is the account created.
"""
from alembic import op
import sqlalchemy as sa


revision = "0013_registration_tokens"
down_revision = "0012_one_audit_table"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("full_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.drop_column("locale")
        batch_op.drop_column("password_hash")
        batch_op.drop_column("full_name")
