"""Audit rows, written in the caller's transaction."""

from zyperf.extensions import db
from zyperf.models import AuditEntry, User


def jsonable(value):
    """Values as they go into JSON columns: Decimals and dates as strings."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def diff(before: dict, after: dict) -> dict:
    """Field-level changes: {key: [old, new]} for every key whose value differs."""
    keys = sorted(set(before) | set(after))
    return {
        k: [jsonable(before.get(k)), jsonable(after.get(k))] for k in keys if before.get(k) != after.get(k)
    }


def record(
    actor: User | None, action: str, obj, *, summary: str = "", changes: dict | None = None
) -> AuditEntry:
    """Append an audit row for `action` on `obj`. Flushes nothing; the caller's flush/commit carries it."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        summary=summary[:500],
        changes=jsonable(changes) if changes else None,
    )
    db.session.add(entry)
    return entry
