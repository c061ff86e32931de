"""The audit log is append-only in the database itself, not only in the ORM: a trigger refuses every UPDATE and
DELETE of audit_auditentry on PostgreSQL and on SQLite. One change is allowed: when an account is deleted, its
entries lose the link to it (actor set to NULL, as the foreign key says) and keep the actor's name.

`manage.py flush` (which empties every table, as the test runner does between transactional tests) lifts the
SQLite trigger for its own duration; PostgreSQL's flush uses TRUNCATE, which row triggers do not see."""

PG_INSTALL = """
CREATE OR REPLACE FUNCTION pelita_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION pelita_audit_append_only();
"""
PG_REMOVE = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS pelita_audit_append_only();
"""

_UNCHANGED = " AND ".join(
    f'NEW."{c}" IS OLD."{c}"'
    for c in (
        "id",
        "at",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "case_code",
        "fields",
        "surface",
        "ip",
        "detail",
    )
)
SQLITE_UPDATE_TRIGGER = f"""
CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {_UNCHANGED})
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END
"""
SQLITE_DELETE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END
"""
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
]


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_INSTALL)
        elif connection.vendor == "sqlite":
            cursor.execute(SQLITE_UPDATE_TRIGGER)
            cursor.execute(SQLITE_DELETE_TRIGGER)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_REMOVE)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_REMOVE:
                cursor.execute(statement)
