"""Use of results (评价结果应用, rules 三(五); excel-formats §4.7, §8.6 L-6): per year, each project's
score, grade and suggested handling as its final self-evaluation computes them, the department's as
its final department evaluation computes them (document_data.figures_of, the one computation), and
finance's recorded decision for next year's budget. Decisions are audited; changing one needs a reason."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from zyperf.domain import stages
from zyperf.domain.text import FieldError, check_amount, check_text, format_number, is_empty
from zyperf.errors import InvalidTransition, StaleVersion, ValidationFailed
from zyperf.extensions import db
from zyperf.models import DocumentKind, FiscalYear, Project, ResultDecision, StageDocument, Unit, User
from zyperf.models.base import utcnow
from zyperf.permissions import Action, in_scope, require, scoped_or_bureau
from zyperf.services import audit, document_data

# 应用方式 (excel-formats §8.6 K).
WAYS = ("优先保障", "合理保障", "核减预算", "调整资金投向", "清理退出", "取消或暂停", "挂钩目标管理绩效考核")
TARGET_ASSESSMENT = "挂钩目标管理绩效考核"
# What a grade's suggestion (§4.7) reads as among the ways: the form starts from it.
SUGGESTED_WAYS = {"优": ("优先保障",), "良": ("合理保障",), "中": ("核减预算",), "差": ("取消或暂停",)}
DEPARTMENT = "department"
DEPARTMENT_SUBJECT = "部门整体支出"


@dataclass(frozen=True)
class LedgerRow:
    project: Project | None  # None: the department as a whole
    unit: Unit
    evaluation: StageDocument | None  # the final self-evaluation (department evaluation)
    score: Decimal | None
    grade: str | None
    suggestion: str | None
    budget: Decimal | None  # 当年预算数: the evaluation's 调整后预算数 (总额)
    decision: ResultDecision | None

    @property
    def key(self) -> str:
        return str(self.project.id) if self.project else DEPARTMENT

    @property
    def subject(self) -> str:
        return "project" if self.project else DEPARTMENT

    @property
    def name(self) -> str:
        return self.project.name if self.project else DEPARTMENT_SUBJECT

    @property
    def method(self) -> str:
        """评价方式 (L-6 D)."""
        return "自评" if self.project else "部门评价"

    @property
    def change(self) -> Decimal | None:
        """增减金额: 下年预算安排数 − 当年预算数, while both are known."""
        if self.decision is None or self.decision.next_amount is None or self.budget is None:
            return None
        return self.decision.next_amount - self.budget

    @property
    def suggested_ways(self) -> tuple[str, ...]:
        ways = SUGGESTED_WAYS.get(self.grade or "", ())
        return (*ways, TARGET_ASSESSMENT) if self.project is None else ways


def finance_unit() -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.is_finance.is_(True)).order_by(Unit.id))


def _row(project, unit, evaluation, decision) -> LedgerRow:
    figures = document_data.figures_of(evaluation) if evaluation is not None else {}
    totals = stages.fund_totals(evaluation.data or {}) if evaluation is not None else None
    return LedgerRow(
        project,
        unit,
        evaluation,
        figures.get("total_score"),
        figures.get("grade"),
        figures.get("suggestion"),
        totals.adjusted if totals else None,
        decision,
    )


def ledger(user: User | None, fiscal_year: FiscalYear, *, project: Project | None = None) -> list[LedgerRow]:
    """The year's rows in the user's scope (None: the whole bureau, for the command line): the
    department first (finance and the principal), then each project in unit order, code (none last)
    and name; with `project`, that project's row only. A fixed number of queries. Raises
    PermissionDenied."""
    if user is not None:
        require(user, Action.VIEW_RESULTS)
    stmt = (
        scoped_or_bureau(select(Project), user)
        .join(Project.unit)
        .where(Project.fiscal_year_id == fiscal_year.id)
        .order_by(
            Unit.sort_order, func.coalesce(Project.code, "") == "", Project.code, Project.name, Project.id
        )
    )
    if project is not None:
        stmt = stmt.where(Project.id == project.id)
    return _rows(user, fiscal_year, db.session.scalars(stmt).unique().all(), department=project is None)


def latest_evaluated_year() -> FiscalYear | None:
    """The newest year with a final evaluation: results are applied in the year after the one evaluated,
    so in mid-2026 the ledger to work on is 2025's."""
    return db.session.scalar(
        select(FiscalYear)
        .join(StageDocument, StageDocument.fiscal_year_id == FiscalYear.id)
        .where(
            StageDocument.kind.in_(
                [DocumentKind.SELF_EVALUATION.value, DocumentKind.DEPARTMENT_EVALUATION.value]
            ),
            StageDocument.state == "final",
        )
        .order_by(FiscalYear.year.desc())
        .limit(1)
    )


def row_for(user: User, fiscal_year: FiscalYear, project: Project | None) -> LedgerRow | None:
    """One project's row (the department's when None), or None when the user may not see it."""
    require(user, Action.VIEW_RESULTS)
    rows = (
        _rows(user, fiscal_year, [], department=True)
        if project is None
        else ledger(user, fiscal_year, project=project)
    )
    return rows[0] if rows else None


def _rows(
    user: User | None, fiscal_year: FiscalYear, projects: list[Project], *, department: bool
) -> list[LedgerRow]:
    wanted = StageDocument.project_id.in_([p.id for p in projects]) & (
        StageDocument.kind == DocumentKind.SELF_EVALUATION.value
    )
    if department:
        wanted = wanted | (StageDocument.kind == DocumentKind.DEPARTMENT_EVALUATION.value)
    evaluations = {
        d.project_id: d
        for d in db.session.scalars(
            select(StageDocument).where(
                StageDocument.fiscal_year_id == fiscal_year.id, StageDocument.state == "final", wanted
            )
        )
    }
    decisions = {
        d.project_id: d
        for d in db.session.scalars(
            scoped_or_bureau(select(ResultDecision), user)
            .where(ResultDecision.fiscal_year_id == fiscal_year.id)
            .options(selectinload(ResultDecision.decided_by))
        )
    }
    rows = []
    unit = finance_unit() if department else None
    if unit is not None and (user is None or in_scope(user, unit.id)):
        rows.append(_row(None, unit, evaluations.get(None), decisions.get(None)))
    rows += [_row(p, p.unit, evaluations.get(p.id), decisions.get(p.id)) for p in projects]
    return rows


def _clean(row: LedgerRow, ways, next_amount, text, reason) -> tuple[dict, str]:
    errors: dict[str, list[str]] = {}
    if isinstance(ways, str):
        ways = [ways]
    if not isinstance(ways, list | tuple) or not ways or any(w not in WAYS for w in ways):
        errors["ways"] = [f"请选择应用方式：{'、'.join(WAYS)} 中的一项或几项"]
        ways = []
    elif row.project is None and TARGET_ASSESSMENT not in ways:
        errors["ways"] = ["部门整体绩效结果须与年度目标管理绩效考核挂钩（请勾选“挂钩目标管理绩效考核”）"]
    amount = None
    if not is_empty(next_amount):
        try:
            amount = check_amount(next_amount, "下年预算安排数")
        except FieldError as exc:
            errors["next_amount"] = exc.messages
    texts = {}
    for key, value, label, limit in (
        ("text", text, "应用情况说明", 500),
        ("reason", reason, "修改理由", 200),
    ):
        try:
            texts[key] = "" if is_empty(value) else check_text(value, label, limit)
        except FieldError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationFailed(fields=errors)
    return {"ways": [w for w in WAYS if w in ways], "next_amount": amount, "text": texts["text"]}, texts[
        "reason"
    ]


def _values(decision: ResultDecision) -> dict:
    return {"ways": list(decision.ways or []), "next_amount": decision.next_amount, "text": decision.text}


def decide(
    fiscal_year: FiscalYear,
    project: Project | None,
    *,
    actor: User,
    ways,
    next_amount=None,
    text: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> ResultDecision:
    """Record finance's decision on how a project's (or, with project None, the department's) result
    is used for next year's budget. A recorded decision changes only with a reason; both are audited
    with what changed. Raises PermissionDenied, InvalidTransition (no final evaluation yet),
    ValidationFailed, StaleVersion. Flushes."""
    require(actor, Action.DECIDE_RESULTS)
    row = row_for(actor, fiscal_year, project)
    if row is None or row.evaluation is None:
        what = "绩效自评" if project is not None else "部门整体支出绩效评价"
        raise InvalidTransition(f"{row.name if row else '该项目'}尚无已定稿的{what}，不能记录结果应用决定")
    values, reason = _clean(row, ways, next_amount, text, reason)
    decision = row.decision
    if decision is not None:
        if expected_version is not None and int(expected_version) != decision.version:
            raise StaleVersion("该决定已被他人修改，请刷新后重试")
        changes = audit.diff(audit.jsonable(_values(decision)), audit.jsonable(values))
        if not changes:
            raise ValidationFailed("决定内容没有变化")
        if not reason:
            raise ValidationFailed("修改已记录的决定须说明理由", fields={"reason": ["请填写修改理由"]})
        action = "result.change"
    else:
        decision = ResultDecision(
            fiscal_year_id=fiscal_year.id,
            project_id=project.id if project else None,
            unit_id=row.unit.id,
        )
        db.session.add(decision)
        changes = audit.diff({}, audit.jsonable(values))
        action = "result.decide"
    decision.ways, decision.next_amount, decision.text = values["ways"], values["next_amount"], values["text"]
    decision.evaluation_id, decision.reason = row.evaluation.id, reason
    decision.decided_by_id, decision.decided_at = actor.id, utcnow()
    try:
        db.session.flush()
    except IntegrityError:  # someone recorded the same decision a moment ago
        db.session.rollback()
        raise StaleVersion("该决定刚被他人记录，请刷新后重试") from None
    summary = f"{row.name}：{'、'.join(values['ways'])}"
    if values["next_amount"] is not None:
        summary += f"，下年预算安排 {format_number(values['next_amount'])} 万元"
    audit.record(
        actor, action, decision, summary=summary + (f"（理由：{reason}）" if reason else ""), changes=changes
    )
    db.session.flush()
    return decision
