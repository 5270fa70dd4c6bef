"""audit log: one table for every domain event (audit_events) replaces audit_entries

Every row of audit_entries moves into audit_events under the same id (so that the
letters keep pointing at their decision): a change of state keeps its trigger as the
event's name with {"from", "to", "note"} as data; the jury's rows that only borrowed the
table (from and to the same state) get their own event names. letters.audit_entry_id
becomes letters.audit_event_id.

Revision ID: 0011_audit_log
Revises: 0010_privacy
Create Date: 2026-12-02 20:02:23.886611

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_audit_log"
down_revision = "0010_privacy"
branch_labels = None
depends_on = None

#: The jury's rows of audit_entries that were not changes of state, and their events.
JURY_EVENTS = {
    "assign_juror": "juror_assigned",
    "unassign_juror": "juror_unassigned",
    "declare_conflict": "conflict_declared",
    "change_conflict": "conflict_changed",
    "record_conflict": "conflict_recorded",
    "withdraw_conflict": "conflict_withdrawn",
    "recuse": "recused",
}
CHUNK = 5000

audit_entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("application_id", sa.Integer),
    sa.column("from_state", sa.String),
    sa.column("to_state", sa.String),
    sa.column("trigger", sa.String),
    sa.column("actor_id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("note", sa.Text),
)
applications = sa.table(
    "applications", sa.column("id", sa.Integer), sa.column("call_id", sa.Integer)
)
audit_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
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


def _event_row(entry, call_id) -> dict:
    jury_event = JURY_EVENTS.get(entry.trigger)
    if jury_event is not None and entry.from_state == entry.to_state:
        event, data = jury_event, {"note": entry.note}
    else:
        event = entry.trigger
        data = {"from": entry.from_state, "to": entry.to_state, "note": entry.note}
    return {
        "id": entry.id,
        "created_at": entry.created_at,
        "actor_id": entry.actor_id,
        "event": event,
        "subject_kind": "application",
        "subject_id": entry.application_id,
        "call_id": call_id,
        "application_id": entry.application_id,
        "data": data,
        "request_id": None,
    }


def _move_audit_entries(bind) -> None:
    last = 0
    while True:
        rows = bind.execute(
            sa.select(audit_entries, applications.c.call_id)
            .join(applications, applications.c.id == audit_entries.c.application_id)
            .where(audit_entries.c.id > last)
            .order_by(audit_entries.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        bind.execute(audit_events.insert(), [_event_row(row, row.call_id) for row in rows])
        last = rows[-1].id


def upgrade():
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("subject_kind", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_audit_events_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_audit_events_call_id_calls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_audit_events_application", ["application_id", "id"], unique=False)
        batch_op.create_index("ix_audit_events_call_time", ["call_id", "created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_events_event"), ["event"], unique=False)

    bind = op.get_bind()
    _move_audit_entries(bind)
    if bind.dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('audit_events', 'id'), "
            "COALESCE((SELECT MAX(id) FROM audit_events), 0) + 1, false)"
        )

    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_event_id", sa.Integer(), nullable=True))
    op.execute("UPDATE letters SET audit_event_id = audit_entry_id")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.alter_column("audit_event_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_letters_current_version"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_letters_current_version", ["audit_event_id", "current"]
        )
        batch_op.drop_constraint(batch_op.f("uq_letters_version"), type_="unique")
        batch_op.create_unique_constraint("uq_letters_version", ["audit_event_id", "version"])
        batch_op.drop_constraint(
            batch_op.f("fk_letters_audit_entry_id_audit_entries"), type_="foreignkey"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_letters_audit_event_id_audit_events"),
            "audit_events",
            ["audit_event_id"],
            ["id"],
        )
        batch_op.drop_column("audit_entry_id")

    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_application_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_created_at"))
    op.drop_table("audit_entries")


def downgrade():
    """Back to audit_entries: the changes of state and the jury's rows come back (under
    their ids); events that audit_entries never held are lost."""
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("application_id", sa.INTEGER(), nullable=False),
        sa.Column("from_state", sa.VARCHAR(length=20), nullable=False),
        sa.Column("to_state", sa.VARCHAR(length=20), nullable=False),
        sa.Column("trigger", sa.VARCHAR(length=40), nullable=False),
        sa.Column("actor_id", sa.INTEGER(), nullable=True),
        sa.Column("created_at", sa.DATETIME(), nullable=False),
        sa.Column("note", sa.TEXT(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_entries_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_audit_entries_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_entries_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_entries_application_id"), ["application_id"], unique=False
        )
    bind = op.get_bind()
    statuses = sa.table("applications", sa.column("id"), sa.column("status"))
    back_to_trigger = {event: trigger for trigger, event in JURY_EVENTS.items()}
    rows = bind.execute(
        sa.select(audit_events, statuses.c.status)
        .join(statuses, statuses.c.id == audit_events.c.application_id)
        .order_by(audit_events.c.id)
    ).all()
    kept = []
    for row in rows:
        data = row.data or {}
        if "from" in data and "to" in data:
            trigger, source, dest = row.event, data["from"], data["to"]
        elif row.event in back_to_trigger:
            trigger, source, dest = back_to_trigger[row.event], row.status, row.status
        else:
            continue
        kept.append(
            {
                "id": row.id,
                "application_id": row.application_id,
                "from_state": source,
                "to_state": dest,
                "trigger": trigger,
                "actor_id": row.actor_id,
                "created_at": row.created_at,
                "note": data.get("note"),
            }
        )
    if kept:
        bind.execute(audit_entries.insert(), kept)
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_entry_id", sa.INTEGER(), nullable=True))
    op.execute("UPDATE letters SET audit_entry_id = audit_event_id")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.alter_column("audit_entry_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(
            batch_op.f("fk_letters_audit_event_id_audit_events"), type_="foreignkey"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_letters_audit_entry_id_audit_entries"),
            "audit_entries",
            ["audit_entry_id"],
            ["id"],
        )
        batch_op.drop_constraint("uq_letters_version", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_letters_version"), ["audit_entry_id", "version"]
        )
        batch_op.drop_constraint("uq_letters_current_version", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_letters_current_version"), ["audit_entry_id", "current"]
        )
        batch_op.drop_column("audit_event_id")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_event"))
        batch_op.drop_index(batch_op.f("ix_audit_events_created_at"))
        batch_op.drop_index("ix_audit_events_call_time")
        batch_op.drop_index("ix_audit_events_application")
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))
    op.drop_table("audit_events")
