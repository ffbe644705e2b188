"""工作台: each role's year at a glance. The unit × stage matrix, a unit's projects with the state of each
stage, and the configuration of the years for admins; each a fixed number of GROUP BY or paged
queries, whatever the number of projects and documents (tests pin it). The figures drawn as charts
(执行率, grades, adjustments) are zyperf.services.overview."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from zyperf import clock
from zyperf.extensions import db
from zyperf.models import (
    DefinitionStatus,
    DocumentKind,
    FiscalYear,
    FormDefinition,
    Project,
    Role,
    RoleGrant,
    StageDocument,
    Unit,
    User,
    user_oversees,
)
from zyperf.permissions import scope_filter, scoped
from zyperf.services.deadlines import stage_deadline
from zyperf.services.worklist import due_column
from zyperf.transitions import State

# The stages of a project's year, in the order of the rules (三(一)–(五)).
MATRIX_KINDS = (
    DocumentKind.EX_ANTE_ASSESSMENT,
    DocumentKind.PERFORMANCE_TARGETS,
    DocumentKind.MONITORING,
    DocumentKind.SELF_EVALUATION,
    DocumentKind.RECTIFICATION,
)
EDITING = (State.DRAFT.value, State.RETURNED.value)
# A cell's status, worst first: what its colour says.
STATUS_LABELS = {
    "overdue": "逾期",
    "not_started": "未开始",
    "drafting": "填报中",
    "reviewing": "审核中",
    "final": "已定稿",
    "none": "无需填报",
}
UNIT_PROJECTS = 30  # the first few on the 工作台; 项目 lists them all


@dataclass
class Cell:
    kind: DocumentKind
    needed: int | None = None  # projects that need the stage (None: only those that turn out to)
    drafting: int = 0
    reviewing: int = 0
    final: int = 0
    overdue: int = 0
    documents: int = 0  # projects with a document of the stage
    late_missing: int = 0  # not started, and the stage's deadline has passed

    @property
    def not_started(self) -> int:
        return max((self.needed or 0) - self.documents, 0) if self.needed is not None else 0

    @property
    def status(self) -> str:
        if self.overdue or self.late_missing:
            return "overdue"
        if self.not_started:
            return "not_started"
        if self.drafting:
            return "drafting"
        if self.reviewing:
            return "reviewing"
        return "final" if self.final else "none"

    def parts(self) -> list[tuple[str, int]]:
        """(status, count) for the counts that are not zero, in the order people read them."""
        found = [
            ("not_started", self.not_started),
            ("drafting", self.drafting),
            ("reviewing", self.reviewing),
            ("final", self.final),
            ("overdue", self.overdue + self.late_missing),
        ]
        return [(s, n) for s, n in found if n]


@dataclass
class MatrixRow:
    unit: Unit
    projects: int = 0
    cells: dict[DocumentKind, Cell] = field(default_factory=dict)


def _needs_ex_ante(fiscal_year: FiscalYear):
    """SQL for Project.needs_ex_ante."""
    large = Project.total_amount >= fiscal_year.major_project_threshold
    return and_(or_(Project.is_new, Project.added_mid_year), or_(Project.is_major, large))


def matrix(user: User, fiscal_year: FiscalYear, *, today: date | None = None) -> list[MatrixRow]:
    """Per unit in the user's scope with projects or documents in the year, per stage: how many
    projects have not started it, are drafting, in review, final and overdue. Three queries."""
    today = today or clock.today()
    kinds = [k.value for k in MATRIX_KINDS]
    bucket = case(
        (StageDocument.state.in_(EDITING), "drafting"),
        (StageDocument.state == State.FINAL.value, "final"),
        else_="reviewing",
    )
    late = func.sum(case((and_(StageDocument.state != State.FINAL.value, due_column() < today), 1), else_=0))
    documents = db.session.execute(
        select(
            StageDocument.unit_id,
            StageDocument.kind,
            bucket,
            func.count(),
            late,
            func.count(func.distinct(StageDocument.project_id)),
        )
        .join(FiscalYear, FiscalYear.id == StageDocument.fiscal_year_id)
        .where(
            StageDocument.fiscal_year_id == fiscal_year.id,
            StageDocument.kind.in_(kinds),
            scope_filter(StageDocument, user),
        )
        .group_by(StageDocument.unit_id, StageDocument.kind, bucket)
    ).all()
    projects = db.session.execute(
        scoped(select(Project), user)
        .with_only_columns(
            Project.unit_id,
            func.count(),
            func.sum(case((Project.in_library_at.is_not(None), 1), else_=0)),
            func.sum(case((_needs_ex_ante(fiscal_year), 1), else_=0)),
        )
        .where(Project.fiscal_year_id == fiscal_year.id)
        .group_by(Project.unit_id)
    ).all()
    unit_ids = {r[0] for r in documents} | {r[0] for r in projects}
    units = db.session.scalars(
        select(Unit).where(Unit.id.in_(unit_ids or {0})).order_by(Unit.sort_order, Unit.id)
    ).all()
    rows = {u.id: MatrixRow(u, cells={k: Cell(k) for k in MATRIX_KINDS}) for u in units}
    for unit_id, total, in_library, ex_ante in projects:
        row = rows[unit_id]
        row.projects = total
        needed = {
            DocumentKind.EX_ANTE_ASSESSMENT: int(ex_ante or 0),
            DocumentKind.PERFORMANCE_TARGETS: total,
            DocumentKind.MONITORING: int(in_library or 0),
            DocumentKind.SELF_EVALUATION: int(in_library or 0),
        }
        for kind, n in needed.items():
            row.cells[kind].needed = n
    for unit_id, kind, part, n, overdue, distinct_projects in documents:
        cell = rows[unit_id].cells[DocumentKind(kind)]
        setattr(cell, part, getattr(cell, part) + n)
        cell.overdue += int(overdue or 0)
        cell.documents += int(distinct_projects or 0)
    for row in rows.values():
        for kind, cell in row.cells.items():
            deadline = stage_deadline(fiscal_year, kind.value)
            if deadline is not None and deadline < today:
                cell.late_missing = cell.not_started
    return list(rows.values())


def late_not_started(user: User, fiscal_year: FiscalYear, *, today: date | None = None) -> dict[int, int]:
    """Per unit id: the stages of its projects not started although their deadline has passed (催办's
    逾期未开始; the matrix's red cells), summed over the stages. Units with none are left out."""
    counts = {
        row.unit.id: sum(c.late_missing for c in row.cells.values())
        for row in matrix(user, fiscal_year, today=today)
    }
    return {unit_id: n for unit_id, n in counts.items() if n}


def matrix_totals(rows: list[MatrixRow]) -> dict[DocumentKind, Cell]:
    """The bureau's line under the matrix: each stage summed over the units."""
    totals = {k: Cell(k, needed=0) for k in MATRIX_KINDS}
    for row in rows:
        for kind, cell in row.cells.items():
            total = totals[kind]
            for name in ("drafting", "reviewing", "final", "overdue", "documents", "late_missing"):
                setattr(total, name, getattr(total, name) + getattr(cell, name))
            total.needed = None if cell.needed is None else total.needed + cell.needed
    return totals


@dataclass(frozen=True)
class StageState:
    document_id: int
    state: str
    due: date | None
    overdue: bool


@dataclass
class ProjectStages:
    project: Project
    stages: dict[str, StageState]


def unit_projects(
    user: User, fiscal_year: FiscalYear, *, today: date | None = None, limit: int = UNIT_PROJECTS
) -> tuple[list[ProjectStages], int]:
    """The year's projects in the user's scope (their own unit's; a division leader's units), the first
    `limit` in unit order, each with the state of its document of every stage; and how many there are.
    Three queries (count, projects, their documents' states, never their data)."""
    today = today or clock.today()
    base = scoped(select(Project), user).where(Project.fiscal_year_id == fiscal_year.id)
    total = db.session.scalar(base.with_only_columns(func.count()).order_by(None))
    projects = db.session.scalars(
        base.join(Unit, Unit.id == Project.unit_id).order_by(Unit.sort_order, Project.id).limit(limit)
    ).all()
    found = {p.id: ProjectStages(p, {}) for p in projects}
    if found:
        rows = db.session.execute(
            select(
                StageDocument.id,
                StageDocument.project_id,
                StageDocument.kind,
                StageDocument.state,
                due_column(),
            )
            .join(FiscalYear, FiscalYear.id == StageDocument.fiscal_year_id)
            .where(
                StageDocument.project_id.in_(sorted(found)),
                StageDocument.kind.in_([k.value for k in MATRIX_KINDS]),
            )
            .order_by(StageDocument.sequence)
        )
        for doc_id, project_id, kind, state, due in rows:
            overdue = state != State.FINAL.value and due is not None and _as_date(due) < today
            found[project_id].stages[kind] = StageState(doc_id, state, _as_date(due), overdue)
    return list(found.values()), total


def _as_date(value) -> date | None:
    """SQLite gives COALESCE of two date columns back as text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# --- Admins: the configuration of the current and next year ------------------------------------------


@dataclass
class YearConfig:
    fiscal_year: FiscalYear | None
    year: int
    published: dict[str, int] = field(default_factory=dict)  # kind → newest published version

    @property
    def missing(self) -> list[DocumentKind]:
        return [k for k in DocumentKind if k.value not in self.published]


def configuration(today: date | None = None) -> dict:
    """The current year and the next: whether they exist, the forms published for each kind; accounts
    without a unit, and units nobody staffs, heads or oversees. Five queries."""
    current = db.session.scalar(select(FiscalYear).where(FiscalYear.is_current.is_(True)))
    this_year = current.year if current else (today or clock.today()).year
    years = {
        fy.year: fy
        for fy in db.session.scalars(
            select(FiscalYear).where(FiscalYear.year.in_((this_year, this_year + 1)))
        )
    }
    configs = [YearConfig(years.get(y), y) for y in (this_year, this_year + 1)]
    ids = {c.fiscal_year.id: c for c in configs if c.fiscal_year}
    if ids:
        for kind, year_id, version in db.session.execute(
            select(FormDefinition.kind, FormDefinition.fiscal_year_id, func.max(FormDefinition.version))
            .where(
                FormDefinition.fiscal_year_id.in_(sorted(ids)),
                FormDefinition.status == DefinitionStatus.PUBLISHED.value,
            )
            .group_by(FormDefinition.kind, FormDefinition.fiscal_year_id)
        ):
            ids[year_id].published[kind] = version
    unit_roles = (Role.STAFF.value, Role.SECTION_HEAD.value)
    without_unit = db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            User.unit_id.is_(None),
            User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role.in_(unit_roles))),
        )
        .order_by(User.username)
    ).all()
    units = db.session.scalars(
        select(Unit)
        .where(Unit.active.is_(True), Unit.is_finance.is_(False))
        .order_by(Unit.sort_order, Unit.id)
    ).all()
    has = func.max
    staffing = {
        unit_id: (int(staff or 0), int(head or 0))
        for unit_id, staff, head in db.session.execute(
            select(
                User.unit_id,
                has(case((RoleGrant.role == Role.STAFF.value, 1), else_=0)),
                has(case((RoleGrant.role == Role.SECTION_HEAD.value, 1), else_=0)),
            )
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(User.active.is_(True), User.unit_id.is_not(None))
            .group_by(User.unit_id)
        )
    }
    overseen = set(
        db.session.scalars(
            select(user_oversees.c.unit_id)
            .join(User, User.id == user_oversees.c.user_id)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(User.active.is_(True), RoleGrant.role == Role.DIVISION_LEADER.value)
        )
    )
    gaps = []
    for unit in units:
        staff, head = staffing.get(unit.id, (0, 0))
        lacking = [
            name
            for name, have in (("经办人", staff), ("负责人", head), ("分管领导", unit.id in overseen))
            if not have
        ]
        if lacking:
            gaps.append((unit, lacking))
    return {"years": configs, "without_unit": without_unit, "unit_gaps": gaps}


def fiscal_year_of(year: int | None) -> FiscalYear | None:
    """The year asked for, else the current one, else the newest."""
    if year is not None:
        found = db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))
        if found is not None:
            return found
    return db.session.scalar(
        select(FiscalYear).order_by(FiscalYear.is_current.desc(), FiscalYear.year.desc()).limit(1)
    )
