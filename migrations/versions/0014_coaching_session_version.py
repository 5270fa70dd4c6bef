"""coaching session version: two edits of one session cannot both be saved

Revision ID: 0014_coaching_session_version
Revises: 0013_registration_tokens
Create Date: 2026-12-03 09:00:00

A version column on coaching sessions (SQLAlchemy's version_id_col): the edit form
carries the version it showed, and an edit of a session changed meanwhile is refused
(409) instead of silently overwriting the other edit. Existing sessions start at 1.
"""
from alembic import op
import sqlalchemy as sa


revision = "0014_coaching_session_version"
down_revision = "0013_registration_tokens"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade():
    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.drop_column("version")
