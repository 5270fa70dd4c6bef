"""The audit log: one row per domain event of every area (see app.events)."""
