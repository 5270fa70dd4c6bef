"""score summaries: the jury's review aggregates per dossier, kept rather than recomputed

Revision ID: 0023_score_summaries
Revises: 0022_calendars
Create Date: 2026-12-03 13:00:00

``score_summaries`` holds one row per dossier on the board of its call's jury (its number;
for a dossier with submitted reviews, their number, mean, standard deviation, normalised
score, both ranks, the disagreement flag, the mean per criterion; no foreign keys: derived
rows, rewritten whole), ``score_summary_states`` one row per call saying whether they are
fresh (app.jury.summary); ``reviews`` gets an index on (assignment, status), from which
the board counts each juror's reviews. The tables start empty: a call without a state
row is computed by the first reader of its board, so existing calls need nothing here.
The downgrade drops them and the index.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_score_summaries"
down_revision = "0022_calendars"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "score_summaries",
        sa.Column("application_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("mean", sa.Double(), nullable=True),
        sa.Column("std", sa.Double(), nullable=True),
        sa.Column("normalised", sa.Double(), nullable=True),
        sa.Column("raw_rank", sa.Integer(), nullable=True),
        sa.Column("normalised_rank", sa.Integer(), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("criterion_means", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_score_summaries")),
    )
    with op.batch_alter_table("score_summaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_summaries_call_id"), ["call_id"], unique=False)
    op.create_table(
        "score_summary_states",
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("computed_version", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_score_summary_states_call_id_calls")
        ),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_score_summary_states")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reviews_assignment_id_status", ["assignment_id", "status"], unique=False
        )


def downgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_assignment_id_status")
    op.drop_table("score_summary_states")
    with op.batch_alter_table("score_summaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_summaries_call_id"))
    op.drop_table("score_summaries")
