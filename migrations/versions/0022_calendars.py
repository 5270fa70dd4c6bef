"""calendars: files attached to e-mails, and each call's calendar feed key

Revision ID: 0022_calendars
Revises: 0020_published_explanations
Create Date: 2026-12-20 09:00:00

A visitor's registration to an information session keeps the language they registered
in (``session_registrations.locale``, French for the existing ones), so that a change of
the session reaches them in it. An outbox message may carry files (``outbox_attachments``: the calendar invitation of an
information session or of the next coaching session). Each call gets a random key that
its calendar feed's link is signed with (``calls.calendar_key``): every existing call
gets one here; a new key makes the old link stop working.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0022_calendars"
down_revision = "0020_published_explanations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["outbox_messages.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_attachments_message_id"), ["message_id"], unique=False
        )
    with op.batch_alter_table("session_registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locale", sa.String(length=8), nullable=False, server_default="fr")
        )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_key", sa.String(length=64), nullable=True))
    calls = sa.table("calls", sa.column("id", sa.Integer), sa.column("calendar_key", sa.String))
    connection = op.get_bind()
    for (call_id,) in connection.execute(sa.select(calls.c.id)).all():
        connection.execute(
            calls.update()
            .where(calls.c.id == call_id)
            .values(calendar_key=secrets.token_urlsafe(24))
        )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.alter_column("calendar_key", existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("calendar_key")
    with op.batch_alter_table("session_registrations", schema=None) as batch_op:
        batch_op.drop_column("locale")
    with op.batch_alter_table("outbox_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_attachments_message_id"))
    op.drop_table("outbox_attachments")
