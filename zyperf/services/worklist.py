"""我的待办: documents waiting for a user's action, with due dates; and finance's per-unit overview (催办)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import defer, selectinload

from zyperf.extensions import db
from zyperf.models import StageDocument, User
from zyperf.permissions import scoped
from zyperf.services.deadlines import due_date
from zyperf.services.workflow import AllowedAction, allowed_actions
from zyperf.transitions import WORKFLOWS, DocumentAction


@dataclass(frozen=True)
class WorkItem:
    document: StageDocument
    actions: list[AllowedAction]
    due: date | None
    overdue: bool


def actionable_states(user: User) -> dict[str, list[str]]:
    """Per kind, the states in which some transition (other than withdrawing) names one of the user's roles."""
    found: dict[str, set[str]] = {}
    for kind, workflow in WORKFLOWS.items():
        for row in workflow.transitions:
            if row.action is not DocumentAction.WITHDRAW and user.has_role(*row.roles):
                found.setdefault(kind.value, set()).update(s.value for s in row.sources)
    return {kind: sorted(states) for kind, states in found.items()}


def open_documents(user: User, *, actionable_only: bool = False):
    """Scoped, not final, with everything a list shows loaded up front (a fixed number of queries).
    actionable_only narrows it in SQL to states where the user's roles can act at all; the data
    column, which a list never shows, is not loaded."""
    stmt = scoped(select(StageDocument), user).where(StageDocument.state != "final")
    if actionable_only:
        pairs = actionable_states(user)
        if not pairs:
            return []
        stmt = stmt.where(
            or_(
                *(
                    and_(StageDocument.kind == kind, StageDocument.state.in_(states))
                    for kind, states in pairs.items()
                )
            )
        )
    return db.session.scalars(
        stmt.options(
            defer(StageDocument.data),
            selectinload(StageDocument.project),
            selectinload(StageDocument.unit),
            selectinload(StageDocument.fiscal_year),
        ).order_by(StageDocument.state_changed_at, StageDocument.id)
    ).all()


def worklist(user: User, *, today: date | None = None) -> list[WorkItem]:
    """Oldest first. Query count does not depend on the number of documents."""
    today = today or date.today()
    items = []
    for document in open_documents(user, actionable_only=True):
        # Withdrawing is possible but never *waiting*: it alone puts nothing on a worklist.
        actions = [a for a in allowed_actions(user, document) if a.action is not DocumentAction.WITHDRAW]
        if not actions:
            continue
        due = due_date(document)
        items.append(WorkItem(document, actions, due, bool(due and due < today)))
    return items


def outstanding_by_unit(user: User, *, today: date | None = None) -> list[dict]:
    """For finance (催办): per unit, how many documents are not final, by state, and how many are overdue."""
    today = today or date.today()
    rows: dict[int, dict] = {}
    for document in open_documents(user):
        entry = rows.setdefault(
            document.unit_id, {"unit": document.unit, "open": 0, "overdue": 0, "by_state": {}}
        )
        entry["open"] += 1
        entry["by_state"][document.state] = entry["by_state"].get(document.state, 0) + 1
        due = due_date(document)
        if due and due < today:
            entry["overdue"] += 1
    return sorted(rows.values(), key=lambda r: (r["unit"].sort_order, r["unit"].id))
