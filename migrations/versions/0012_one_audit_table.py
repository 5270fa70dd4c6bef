"""one audit table: coaching_audit and review_reopenings move into audit_events

Coaching kept its own audit table and the chair's reopenings of reviews a third one; both
become rows of audit_events (the call and the dossier filled in, the old facts as data),
then the two tables go.

Revision ID: 0012_one_audit_table
Revises: 0011_audit_log
Create Date: 2026-12-02 21:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_one_audit_table"
down_revision = "0011_audit_log"
branch_labels = None
depends_on = None

#: coaching_audit.action -> the event's name in audit_events.
COACHING_EVENTS = {
    "session_logged": "coaching_session_logged",
    "session_edited": "coaching_session_edited",
    "session_unlocked": "coaching_session_unlocked",
    "item_added": "action_item_added",
    "item_done": "action_item_done",
    "item_reopened": "action_item_reopened",
    "item_commented": "action_item_commented",
    "milestone_saved": "milestone_saved",
    "coach_assigned": "coach_assigned",
    "coach_ended": "coach_ended",
    "coaching_closed": "coaching_closed",
}
CHUNK = 5000

coaching_audit = sa.table(
    "coaching_audit",
    sa.column("id", sa.Integer),
    sa.column("application_id", sa.Integer),
    sa.column("session_id", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("changes", sa.JSON),
    sa.column("created_at", sa.DateTime),
)
review_reopenings = sa.table(
    "review_reopenings",
    sa.column("id", sa.Integer),
    sa.column("review_id", sa.Integer),
    sa.column("reopened_by_id", sa.Integer),
    sa.column("reason", sa.Text),
    sa.column("created_at", sa.DateTime),
)
reviews = sa.table("reviews", sa.column("id", sa.Integer), sa.column("assignment_id", sa.Integer))
assignments = sa.table(
    "jury_assignments",
    sa.column("id", sa.Integer),
    sa.column("application_id", sa.Integer),
    sa.column("juror_id", sa.Integer),
)
applications = sa.table(
    "applications", sa.column("id", sa.Integer), sa.column("call_id", sa.Integer)
)
audit_events = sa.table(
    "audit_events",
    sa.column("created_at", sa.DateTime),
    sa.column("actor_id", sa.Integer),
    sa.column("event", sa.String),
    sa.column("subject_kind", sa.String),
    sa.column("subject_id", sa.Integer),
    sa.column("call_id", sa.Integer),
    sa.column("application_id", sa.Integer),
    sa.column("data", sa.JSON),
    sa.column("request_id", sa.String),
)


def _coaching_row(row) -> dict:
    in_session = row.session_id is not None
    return {
        "created_at": row.created_at,
        "actor_id": row.actor_id,
        "event": COACHING_EVENTS.get(row.action, row.action)[:40],
        "subject_kind": "coaching_session" if in_session else "application",
        "subject_id": row.session_id if in_session else row.application_id,
        "call_id": row.call_id,
        "application_id": row.application_id,
        "data": dict(row.changes or {}),
        "request_id": None,
    }


def _reopening_row(row) -> dict:
    return {
        "created_at": row.created_at,
        "actor_id": row.reopened_by_id,
        "event": "review_reopened",
        "subject_kind": "review",
        "subject_id": row.review_id,
        "call_id": row.call_id,
        "application_id": row.application_id,
        "data": {"juror_id": row.juror_id, "reason": row.reason},
        "request_id": None,
    }


def _move(bind, query, key, make_row) -> None:
    """Copy the rows of ``query`` into audit_events, CHUNK at a time, in id order."""
    last = 0
    while True:
        rows = bind.execute(query.where(key > last).order_by(key).limit(CHUNK)).all()
        if not rows:
            return
        bind.execute(audit_events.insert(), [make_row(row) for row in rows])
        last = rows[-1].id


def upgrade():
    bind = op.get_bind()
    _move(
        bind,
        sa.select(coaching_audit, applications.c.call_id).join(
            applications, applications.c.id == coaching_audit.c.application_id
        ),
        coaching_audit.c.id,
        _coaching_row,
    )
    _move(
        bind,
        sa.select(
            review_reopenings,
            assignments.c.application_id,
            assignments.c.juror_id,
            applications.c.call_id,
        )
        .join(reviews, reviews.c.id == review_reopenings.c.review_id)
        .join(assignments, assignments.c.id == reviews.c.assignment_id)
        .join(applications, applications.c.id == assignments.c.application_id),
        review_reopenings.c.id,
        _reopening_row,
    )
    with op.batch_alter_table("review_reopenings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_reopenings_review_id"))
    op.drop_table("review_reopenings")
    with op.batch_alter_table("coaching_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_audit_application_id"))
    op.drop_table("coaching_audit")


def downgrade():
    """The two tables come back empty: their rows stay in audit_events."""
    op.create_table(
        "coaching_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_coaching_audit_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_coaching_audit_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_sessions.id"],
            name=op.f("fk_coaching_audit_session_id_coaching_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_audit")),
    )
    with op.batch_alter_table("coaching_audit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coaching_audit_application_id"), ["application_id"], unique=False
        )
    op.create_table(
        "review_reopenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reopened_by_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reopened_by_id"], ["users.id"], name=op.f("fk_review_reopenings_reopened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_review_reopenings_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_reopenings")),
    )
    with op.batch_alter_table("review_reopenings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_reopenings_review_id"), ["review_id"], unique=False
        )
