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


def _rows(value) -> bool:
    return isinstance(value, list) and all(isinstance(r, dict) for r in value)


def _nested(value) -> bool:
    return isinstance(value, dict) and bool(value) and all(isinstance(v, dict) for v in value.values())


def diff(before: dict, after: dict) -> dict:
    """Field-level changes: {key: [old, new]} for every key whose value differs. A table whose rows
    stayed as many changes cell by cell (`indicators[3].actual`), so the history says which cell."""
    changes = {}
    for k in sorted(set(before) | set(after)):
        old, new = before.get(k), after.get(k)
        if old == new:
            continue
        if _rows(old) and _rows(new) and len(old) == len(new) and old:
            for i, (a, b) in enumerate(zip(old, new, strict=True), start=1):
                changes |= {f"{k}[{i}].{c}": v for c, v in diff(a, b).items()}
        elif _nested(old) and _nested(new):  # a fund table: {source: {column: amount}}
            for part in sorted(set(old) | set(new)):
                inner = diff(old.get(part) or {}, new.get(part) or {})
                changes |= {f"{k}.{part}.{c}": v for c, v in inner.items()}
        else:
            changes[k] = [jsonable(old), jsonable(new)]
    return changes


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
