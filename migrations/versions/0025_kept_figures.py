"""kept figures: the dashboard's application figures per call, and its jury figures kept with the score summary

Revision ID: 0025_kept_figures
Revises: 0024_answers_jsonb
Create Date: 2026-12-03 15:40:00

``dashboard_figures`` keeps, one row per call, the dashboard's application figures of
every dossier of the call (app.dashboard.kept), with its freshness (``version`` and
``computed_version``, as the score summary's state); it starts empty: each call's
figures are computed by their first reader.

``score_summary_states.figures`` keeps, for each call, the figures of its submitted
reviews that the dashboard draws (app.jury.figures), written whenever the call's score
summary is recomputed. Existing summaries are marked stale (``version`` bumped), so
their next reader recomputes them with their figures. The downgrade drops the column and the table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_kept_figures"
down_revision = "0024_answers_jsonb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dashboard_figures",
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("computed_version", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_dashboard_figures_call_id_calls")
        ),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_dashboard_figures")),
    )
    with op.batch_alter_table("score_summary_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("figures", sa.JSON(), nullable=True))
    op.execute("UPDATE score_summary_states SET version = version + 1")


def downgrade():
    with op.batch_alter_table("score_summary_states", schema=None) as batch_op:
        batch_op.drop_column("figures")
    op.drop_table("dashboard_figures")
