"""我的待办: documents waiting for a user's action, with due dates; and finance's per-unit overview (催办).

Both are decided in SQL, so counting them never loads a document: waiting_condition() is the
workflow tables' role, scope and separation-of-duties checks (workflow.refusal) written as a WHERE
clause, and the overview is a GROUP BY."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from zyperf import clock
from zyperf.extensions import db
from zyperf.models import FiscalYear, StageDocument, Unit, User
from zyperf.permissions import scope_filter, scoped
from zyperf.services.deadlines import DUE_FIELDS, due_date
from zyperf.services.listviews import LIST_COLUMNS, LIST_YEAR
from zyperf.services.paging import DEFAULT_PER_PAGE, Page, count_statement, paginate
from zyperf.services.workflow import AllowedAction, allowed_actions
from zyperf.transitions import WORKFLOWS, DocumentAction, Scope, State

OPEN_STATES = tuple(s.value for s in State if s is not State.FINAL)


def due_column():
    """SQL for due_date(): the document's own due date when it has one (set by a round or a late
    creation), else its fiscal year's due date for its kind (needs the year joined)."""
    return func.coalesce(
        StageDocument.due_on,
        case(
            {kind.value: getattr(FiscalYear, field) for kind, field in DUE_FIELDS.items()},
            value=StageDocument.kind,
        ),
    )


@dataclass(frozen=True)
class WorkItem:
    document: StageDocument
    actions: list[AllowedAction]
    due: date | None
    overdue: bool


def _scope_clause(user: User, scope: Scope):
    """SQL for workflow.in_transition_scope."""
    if scope is Scope.OWN:
        return StageDocument.unit_id == user.unit_id if user.unit_id else false()
    if scope is Scope.OVERSEEN:
        units = sorted(u.id for u in user.oversees)
        return StageDocument.unit_id.in_(units) if units else false()
    return scope_filter(StageDocument, user)


def _not_drafted_or_edited_by(user: User):
    """SQL for `not workflow.drafted_or_edited_by` (separation of duties); NULL is nobody."""
    columns = (StageDocument.created_by_id, StageDocument.last_edited_by_id, StageDocument.submitted_by_id)
    return and_(*(or_(column.is_(None), column != user.id) for column in columns))


def waiting_condition(user: User):
    """SQL: the user may take some action other than withdrawing on the document now. Row by row of the
    workflow tables, as workflow.refusal() decides it: role, scope, separation of duties.
    (Withdrawing is possible but never *waiting*: it alone puts nothing on a worklist.)

    A (kind, state) some row lets the user act on without separation of duties needs no SoD clause.
    The rest are grouped into a few `kind IN (…) AND state IN (…) AND <scope>` terms, each exactly its
    kinds × states, so both databases answer from the (kind, state, unit_id) index, reading only the
    documents in those states, however many others there are."""
    if not user.is_active:
        return false()
    separated: dict[tuple[str, str, Scope], bool] = {}
    for kind, workflow in WORKFLOWS.items():
        for row in workflow.transitions:
            if row.action is DocumentAction.WITHDRAW or not user.has_role(*row.roles):
                continue
            for state in row.sources:
                key = (kind.value, state.value, row.scope)
                separated[key] = separated.get(key, True) and row.separation_of_duties
    kinds: dict[tuple[Scope, bool, str], set[str]] = {}
    for (kind, state, scope), sod in separated.items():
        kinds.setdefault((scope, sod, state), set()).add(kind)
    states: dict[tuple[Scope, bool, tuple[str, ...]], list[str]] = {}
    for (scope, sod, state), found in sorted(kinds.items()):
        states.setdefault((scope, sod, tuple(sorted(found))), []).append(state)
    terms = []
    for (scope, sod, kind_list), state_list in sorted(states.items()):
        term = and_(
            StageDocument.kind.in_(kind_list), StageDocument.state.in_(state_list), _scope_clause(user, scope)
        )
        terms.append(and_(term, _not_drafted_or_edited_by(user)) if sod else term)
    return or_(*terms) if terms else false()


# Built statements by who asks (they depend on nothing else): the badge on every page would otherwise
# rebuild and re-key the same expression on each request. Statements are immutable, so sharing is safe.
_STATEMENTS: dict[tuple, tuple[Select, Select]] = {}
_STATEMENTS_MAX = 1024


def _statements(user: User) -> tuple[Select, Select]:
    """(the worklist select, its COUNT) for this user's id, roles, unit and oversight."""
    key = (user.id, user.is_active, user.unit_id, user.roles, tuple(sorted(u.id for u in user.oversees)))
    found = _STATEMENTS.get(key)
    if found is None:
        rows = (
            scoped(select(StageDocument), user)
            .where(waiting_condition(user))
            .options(
                LIST_COLUMNS,
                selectinload(StageDocument.project),  # joined, its own joined unit and year would nest
                joinedload(StageDocument.unit),
                LIST_YEAR,
            )
            .order_by(StageDocument.state_changed_at, StageDocument.id)
        )
        if len(_STATEMENTS) >= _STATEMENTS_MAX:
            _STATEMENTS.clear()
        found = _STATEMENTS[key] = (rows, count_statement(rows))
    return found


def worklist_query(user: User) -> Select:
    """Scoped documents waiting for the user, oldest first (id breaks ties), without their data."""
    return _statements(user)[0]


def worklist_count(user: User) -> int:
    """How many documents wait for the user: the menu badge. One COUNT query."""
    return db.session.scalar(_statements(user)[1])


def work_item(user: User, document: StageDocument, today: date) -> WorkItem:
    actions = [a for a in allowed_actions(user, document) if a.action is not DocumentAction.WITHDRAW]
    due = due_date(document)
    return WorkItem(document, actions, due, bool(due and due < today))


def worklist_page(
    user: User,
    *,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    today: date | None = None,
    clamp: bool = False,
    total: int | None = None,
) -> Page:
    """One page of the worklist as WorkItems, with the total (worklist_count, unless given). Two
    queries whatever its length."""
    today = today or clock.today()
    total = worklist_count(user) if total is None else total
    found = paginate(worklist_query(user), page=page, per_page=per_page, clamp=clamp, total=total)
    return Page([work_item(user, d, today) for d in found.items], found.total, found.page, found.per_page)


def worklist(user: User, *, today: date | None = None) -> list[WorkItem]:
    """The whole worklist, oldest first (scripts and tests; pages and the API take it a page at a time)."""
    today = today or clock.today()
    return [work_item(user, d, today) for d in db.session.scalars(worklist_query(user))]


def outstanding_by_unit(user: User, *, today: date | None = None, late_not_started=None) -> list[dict]:
    """For finance (催办): per unit, how many documents are not final, by state, and how many are overdue,
    and (given `late_not_started`, unit id → count) how many stages are not started past their deadline,
    units with only those included. One GROUP BY query and one for the units' names."""
    late_not_started = late_not_started or {}
    today = today or clock.today()
    overdue = func.sum(case((due_column() < today, 1), else_=0))
    counts = db.session.execute(
        select(StageDocument.unit_id, StageDocument.state, func.count(), overdue)
        .join(StageDocument.fiscal_year)
        .where(scope_filter(StageDocument, user), StageDocument.state.in_(OPEN_STATES))
        .group_by(StageDocument.unit_id, StageDocument.state)
    ).all()
    if not counts and not late_not_started:
        return []
    units = db.session.scalars(
        select(Unit)
        .where(Unit.id.in_({c[0] for c in counts} | set(late_not_started)))
        .order_by(Unit.sort_order, Unit.id)
    ).all()
    rows = {
        u.id: {
            "unit": u,
            "open": 0,
            "overdue": 0,
            "by_state": {},
            "not_started": late_not_started.get(u.id, 0),
        }
        for u in units
    }
    order = {state: i for i, state in enumerate(OPEN_STATES)}
    for unit_id, state, n, late in sorted(counts, key=lambda c: order.get(c[1], len(order))):
        entry = rows[unit_id]
        entry["open"] += n
        entry["overdue"] += int(late or 0)
        entry["by_state"][state] = n
    return list(rows.values())
