"""form versions: each call's application form as data, versioned

Revision ID: 0015_form_versions
Revises: 0014_coaching_session_version
Create Date: 2026-12-03 07:40:00

A call uses the default form (the MBI template) until staff shape its own: existing
calls and dossiers keep exactly the form they had (form_version_id stays empty).
"""
from alembic import op
import sqlalchemy as sa


revision = "0015_form_versions"
down_revision = "0014_coaching_session_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_form_versions_call_id_calls")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_form_versions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_versions")),
        sa.UniqueConstraint("call_id", "number", name=op.f("uq_form_versions_call_id_number")),
    )
    with op.batch_alter_table("form_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_versions_call_id"), ["call_id"], unique=False)
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_version_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_form_version_id_form_versions"),
            "form_versions",
            ["form_version_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_applications_form_version_id_form_versions"), type_="foreignkey"
        )
        batch_op.drop_column("form_version_id")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("form_version_id")
    with op.batch_alter_table("form_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_versions_call_id"))
    op.drop_table("form_versions")
