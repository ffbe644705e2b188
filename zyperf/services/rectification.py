"""Rectification reports (整改报告, rules 三(四)): each problem kept as a row for SQL, so overdue problems
are counted and listed (scoped) without reading any report's data; the problem ledger (L-5); and the
truthfulness declaration recorded with who and when at each submission."""

from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from zyperf import clock
from zyperf.domain.problems import DONE
from zyperf.extensions import db
from zyperf.models import (
    DocumentEvent,
    DocumentKind,
    FiscalYear,
    Project,
    RectificationProblem,
    StageDocument,
    Unit,
    User,
)
from zyperf.permissions import scoped, scoped_or_bureau
from zyperf.services import audit

PROBLEM_KINDS = frozenset({DocumentKind.RECTIFICATION.value, DocumentKind.DEPARTMENT_RECTIFICATION.value})
PROBLEMS_KEY = "problems"  # the problem table every rectification form keeps (stages.KIND_FIELDS)
DEPARTMENT_SUBJECT = "部门整体支出"
DECLARATION = "本单位对整改报告内容的真实性负责"


def sync_problems(document: StageDocument) -> None:
    """Make the report's problem rows match its stored problem table (by 序号). Flushes nothing."""
    if document.kind not in PROBLEM_KINDS:
        return
    rows = [
        r for r in (document.data or {}).get(PROBLEMS_KEY) or [] if isinstance(r, dict) and r.get("number")
    ]
    existing = {
        p.number: p
        for p in db.session.scalars(
            select(RectificationProblem).where(RectificationProblem.document_id == document.id)
        )
    }
    for row in rows:
        problem = existing.pop(row["number"], None)
        if problem is None:
            problem = RectificationProblem(document_id=document.id, number=row["number"])
            db.session.add(problem)
        problem.unit_id, problem.fiscal_year_id = document.unit_id, document.fiscal_year_id
        problem.project_id = document.project_id
        problem.source, problem.problem_type = row.get("source") or "", row.get("type") or ""
        problem.description, problem.measures = row.get("description") or "", row.get("measures") or ""
        problem.responsible_unit = row.get("responsible_unit") or ""
        problem.responsible_person = row.get("responsible_person") or ""
        problem.deadline = date.fromisoformat(row["deadline"]) if row.get("deadline") else None
        problem.status, problem.explanation = row.get("status") or "", row.get("result") or ""
        problem.evidence = [e.get("name", "") for e in row.get("evidence") or [] if isinstance(e, dict)]
    for gone in existing.values():
        db.session.delete(gone)


def overdue_query(user: User, *, today: date | None = None) -> Select:
    """Problems in the user's scope whose 整改时限 has passed and that are not 已完成, earliest deadline
    first: for worklists and 催办. A select, so callers page, count or group it in SQL."""
    today = today or clock.today()
    return (
        scoped(select(RectificationProblem), user)
        .where(RectificationProblem.deadline < today, RectificationProblem.status != DONE)
        .order_by(RectificationProblem.deadline, RectificationProblem.id)
    )


def overdue_problems(user: User, *, today: date | None = None) -> list[RectificationProblem]:
    """The overdue problems themselves, with their report, unit and project loaded (a fixed number of queries)."""
    stmt = overdue_query(user, today=today).options(
        selectinload(RectificationProblem.document),
        selectinload(RectificationProblem.unit),
        selectinload(RectificationProblem.project),
    )
    return list(db.session.scalars(stmt))


def overdue_count(user: User, *, today: date | None = None) -> int:
    """How many problems in the user's scope are overdue: one COUNT query."""
    stmt = overdue_query(user, today=today).order_by(None)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def overdue_by_unit(user: User, *, today: date | None = None) -> dict[int, int]:
    """{unit id: overdue problems} in the user's scope: one GROUP BY query (催办)."""
    inner = overdue_query(user, today=today).order_by(None).subquery()
    return dict(db.session.execute(select(inner.c.unit_id, func.count()).group_by(inner.c.unit_id)).all())


def problem_ledger(user: User | None, fiscal_year: FiscalYear) -> list[RectificationProblem]:
    """The year's problems in the user's scope (None: the whole bureau, for the command line), one
    row each (L-5 整改台账): the department's first, then by unit order and project, then by 序号."""
    stmt = (
        scoped_or_bureau(select(RectificationProblem), user)
        .join(RectificationProblem.unit)
        .outerjoin(RectificationProblem.project)
        .where(RectificationProblem.fiscal_year_id == fiscal_year.id)
        .options(selectinload(RectificationProblem.project), selectinload(RectificationProblem.unit))
        .order_by(
            RectificationProblem.project_id.is_not(None),
            Unit.sort_order,
            Project.name,
            RectificationProblem.document_id,
            RectificationProblem.number,
        )
    )
    return list(db.session.scalars(stmt))


def subject_of(problem: RectificationProblem) -> str:
    """项目名称 of a ledger row: the project's name, or 部门整体支出 for the department."""
    return problem.project.name if problem.project else DEPARTMENT_SUBJECT


def declare(document: StageDocument, *, actor: User, at: datetime) -> None:
    """Record that `actor` declared the report true at `at` (its submission): on the document and in
    its history and audit. Flushes nothing."""
    document.declared_by_id, document.declared_at = actor.id, at
    comment = f"{actor.display_name}声明：{DECLARATION}"
    db.session.add(
        DocumentEvent(document_id=document.id, actor_id=actor.id, action="declare", comment=comment, at=at)
    )
    audit.record(actor, "document.declare", document, summary=comment)
