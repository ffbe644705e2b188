"""Rounds (下发, rules 三(三)(四)): finance opens a year's monitoring round (September, on months 1..m)
and, after the year, its evaluation round. Opening makes one prefilled document per library project, in
bulk, each in its unit's worklist with the round's due date; opening again makes only what is missing.
Also each round's progress by unit (counted in SQL) and the monitored projects' classes."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from zyperf import clock
from zyperf.errors import GuardFailed, InvalidTransition, ValidationFailed
from zyperf.extensions import db
from zyperf.models import (
    ROUND_STAGES,
    DocumentEvent,
    DocumentKind,
    FiscalYear,
    HandlingDecision,
    Project,
    Round,
    StageDocument,
    Unit,
    User,
)
from zyperf.permissions import Action, require, scope_filter
from zyperf.services import adjustments, audit, deadlines, definitions, documents, handling
from zyperf.services.document_data import figures_of
from zyperf.transitions import State

EDITING = (State.DRAFT.value, State.RETURNED.value)


@dataclass(frozen=True)
class Opened:
    round: Round
    created: int
    existing: int
    new_round: bool


def _check(fiscal_year: FiscalYear, stage, today: date):
    """The stage's kind and published form, or a refusal saying why the round cannot open."""
    if stage not in ROUND_STAGES:
        raise ValidationFailed(
            "下发的阶段应为绩效监控或绩效自评", fields={"stage": ["应为 monitoring 或 self_evaluation"]}
        )
    kind = DocumentKind(stage)
    if kind is DocumentKind.SELF_EVALUATION and today.year <= fiscal_year.year:
        raise GuardFailed(f"{fiscal_year.year} 年度尚未结束：年度结束后才能下发绩效自评任务")
    definition = definitions.published_definition(kind, fiscal_year)
    if definition is None:
        raise GuardFailed(
            f"{fiscal_year.year} 年度尚未发布「{kind.label}」表单，不能下发；请系统管理员先在“表单设计”中发布"
        )
    return kind, definition


def library_projects(fiscal_year: FiscalYear) -> list[Project]:
    return db.session.scalars(
        select(Project)
        .where(Project.fiscal_year_id == fiscal_year.id, Project.in_library_at.is_not(None))
        .order_by(Project.unit_id, Project.id)
    ).all()


def _existing(fiscal_year: FiscalYear, kind: DocumentKind) -> set[int]:
    return set(
        db.session.scalars(
            select(StageDocument.project_id).where(
                StageDocument.fiscal_year_id == fiscal_year.id,
                StageDocument.kind == kind.value,
                StageDocument.project_id.is_not(None),
            )
        )
    )


def preview(fiscal_year: FiscalYear, stage, *, today: date | None = None) -> dict:
    """What opening would do now: library projects, documents already there, to be made, due date."""
    today = today or clock.today()
    kind, _ = _check(fiscal_year, stage, today)
    projects = library_projects(fiscal_year)
    existing = _existing(fiscal_year, kind) & {p.id for p in projects}
    found = find(fiscal_year, stage)
    due = found.due if found else deadlines.round_due(fiscal_year, stage, today)
    return {
        "library": len(projects),
        "existing": len(existing),
        "missing": len(projects) - len(existing),
        "due": due,
    }


def find(fiscal_year: FiscalYear, stage: str) -> Round | None:
    return db.session.scalar(
        select(Round).where(Round.fiscal_year_id == fiscal_year.id, Round.stage == stage)
    )


def open_round(fiscal_year: FiscalYear, stage, *, actor: User, today: date | None = None) -> Opened:
    """Finance opens (or opens again) a year's round of a stage: one prefilled document per library
    project that has none, each with one history line and one audit row, flushed together. Documents
    of the stage made by hand join the round. Raises PermissionDenied, ValidationFailed, GuardFailed,
    InvalidTransition (someone opened it at the same moment); nothing is left half-way. Flushes."""
    require(actor, Action.OPEN_ROUND)
    today = today or clock.today()
    kind, definition = _check(fiscal_year, stage, today)
    stage_round, new_round = find(fiscal_year, stage), False
    if stage_round is None:
        new_round = True
        month = fiscal_year.year_settings.monitoring_month if kind is DocumentKind.MONITORING else None
        stage_round = Round(
            fiscal_year=fiscal_year,
            stage=kind.value,
            month=month,
            due=deadlines.round_due(fiscal_year, kind.value, today),
            opened_by_id=actor.id,
        )
        db.session.add(stage_round)
        _flush("该年度的任务刚刚已由他人下发，请刷新后查看")
    db.session.execute(
        update(StageDocument)
        .where(
            StageDocument.fiscal_year_id == fiscal_year.id,
            StageDocument.kind == kind.value,
            StageDocument.project_id.is_not(None),
            StageDocument.round_id.is_(None),
        )
        .values(round_id=stage_round.id)
        .execution_options(synchronize_session=False)
    )
    projects = library_projects(fiscal_year)
    have = _existing(fiscal_year, kind)
    missing = [p for p in projects if p.id not in have]
    made = _make(kind, fiscal_year, definition, stage_round, missing, actor=actor, today=today)
    summary = f"{stage_round}：新建 {len(made)} 份，已有 {len(projects) - len(missing)} 份"
    audit.record(actor, "round.open" if new_round else "round.reopen", stage_round, summary=summary)
    db.session.flush()
    return Opened(stage_round, len(made), len(projects) - len(missing), new_round)


def _make(kind, fiscal_year, definition, stage_round, projects, *, actor, today) -> list[StageDocument]:
    """The documents, built as create_document builds one, inserted together; then their history and
    audit rows together. A fixed number of queries whatever the number of projects."""
    if not projects:
        return []
    ids = [p.id for p in projects]
    targets = {
        t.project_id: t
        for t in db.session.scalars(
            select(StageDocument).where(
                StageDocument.kind == DocumentKind.PERFORMANCE_TARGETS.value,
                StageDocument.state == State.FINAL.value,
                StageDocument.project_id.in_(ids),
            )
        )
    }
    net = adjustments.net_by_project(ids)
    catalog = definitions.catalog_for(fiscal_year.year_settings.indicator_framework)
    made = [
        documents.build_document(
            kind,
            fiscal_year=fiscal_year,
            unit_id=project.unit_id,
            definition=definition,
            project=project,
            parent=targets.get(project.id),
            stage_round=stage_round,
            net=net[project.id],
            today=today,
            catalog=catalog,
        )
        for project in projects
    ]
    db.session.add_all(made)
    _flush("部分项目的文档刚刚已由他人新建，请刷新后重新下发（只会补齐缺少的）")
    period = f"（1-{stage_round.month}月）" if stage_round.month else ""
    comment = f"财务科下发{stage_round}任务{period}" + (
        f"，截止 {stage_round.due.isoformat()}" if stage_round.due else ""
    )
    for document in made:
        db.session.add(
            DocumentEvent(
                document_id=document.id,
                actor_id=actor.id,
                action="issued",
                to_state=document.state,
                comment=comment,
            )
        )
        audit.record(actor, "document.issue", document, summary=f"{document.kind} · {stage_round}")
    db.session.flush()
    return made


def _flush(message: str) -> None:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidTransition(message) from None


def rounds_of(fiscal_year: FiscalYear) -> list[Round]:
    return db.session.scalars(
        select(Round).where(Round.fiscal_year_id == fiscal_year.id).order_by(Round.opened_at, Round.id)
    ).all()


def progress(rounds: list[Round], user: User, *, today: date | None = None) -> dict[int, list[dict]]:
    """Per round, per unit in the user's scope: documents by state, total and overdue. One GROUP BY
    query and one for the units' names."""
    today = today or clock.today()
    if not rounds:
        return {}
    overdue = func.sum(case((StageDocument.due_on < today, 1), else_=0))
    counts = db.session.execute(
        select(StageDocument.round_id, StageDocument.unit_id, StageDocument.state, func.count(), overdue)
        .where(StageDocument.round_id.in_([r.id for r in rounds]), scope_filter(StageDocument, user))
        .group_by(StageDocument.round_id, StageDocument.unit_id, StageDocument.state)
    ).all()
    units = {
        u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_({c[1] for c in counts} or {0})))
    }
    found: dict[int, dict[int, dict]] = {r.id: {} for r in rounds}
    for round_id, unit_id, state, n, late in counts:
        row = found[round_id].setdefault(
            unit_id, {"unit": units[unit_id], "total": 0, "final": 0, "overdue": 0, "by_state": {}}
        )
        row["total"] += n
        row["by_state"][state] = n
        if state == State.FINAL.value:
            row["final"] += n
        else:
            row["overdue"] += int(late or 0)
    return {
        rid: sorted(rows.values(), key=lambda r: (r["unit"].sort_order, r["unit"].id))
        for rid, rows in found.items()
    }


@dataclass(frozen=True)
class Monitored:
    document: StageDocument
    cls: str | None  # None while the unit has not submitted it
    handling_text: str
    fitting: list
    decisions: list[HandlingDecision]


def monitored(
    stage_round: Round, user: User, *, unit_id: int | None = None, flagged_only: bool = False
) -> list[Monitored]:
    """Every monitored project of the round in the user's scope: its class and 处置措施 once submitted,
    the measures that fit and finance's decisions. Queries do not grow with the number of rows."""
    stmt = (
        select(StageDocument)
        .where(StageDocument.round_id == stage_round.id, scope_filter(StageDocument, user))
        .options(selectinload(StageDocument.project), selectinload(StageDocument.unit))
        .join(StageDocument.unit)
        .order_by(Unit.sort_order, StageDocument.project_id)
    )
    if unit_id:
        stmt = stmt.where(StageDocument.unit_id == unit_id)
    docs = db.session.scalars(stmt).all()
    decisions = handling.decisions_for(d.id for d in docs)
    rows = []
    for document in docs:
        submitted = document.state not in EDITING
        figures = figures_of(document) if submitted else {}
        fits = handling.fitting(document) if submitted else []
        if flagged_only and not fits:
            continue
        rows.append(
            Monitored(
                document,
                figures.get("monitoring_class"),
                figures.get("handling") or "",
                fits,
                decisions.get(document.id, []),
            )
        )
    return rows
