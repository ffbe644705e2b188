"""项目库 (rules 三(二)): a project enters the library when its targets become final; monitoring,
self-evaluation and budget adjustments are for library projects. The final ex-ante conclusion and
建议预算控制数 are recorded on the project as the basis of its 一上 budget (rules 三(一))."""

from sqlalchemy import select

from zyperf.domain.text import to_decimal
from zyperf.errors import GuardFailed
from zyperf.extensions import db
from zyperf.models import DocumentEvent, DocumentKind, Project, StageDocument, User
from zyperf.models.base import utcnow
from zyperf.services import audit
from zyperf.transitions import State

SUPPORTIVE = ("予以支持", "调整完善后予以支持")
# Kinds that exist only for library projects (a mid-year addition may draft its 追加 before: see guards).
LIBRARY_KINDS = frozenset(
    {DocumentKind.MONITORING, DocumentKind.SELF_EVALUATION, DocumentKind.BUDGET_ADJUSTMENT}
)


def require_library(project: Project, kind: DocumentKind) -> None:
    """Refuse (422) a document of a library kind for a project outside the library."""
    if kind not in LIBRARY_KINDS or project.in_library:
        return
    if kind is DocumentKind.BUDGET_ADJUSTMENT and project.added_mid_year:
        return  # 年中追加: the 追加 is drafted with its targets; it is submitted once they are final
    raise GuardFailed(
        f"该项目尚未入库（绩效目标尚未批复），不能新建「{kind.label}」："
        "项目须先完成绩效目标批复、纳入项目库，才能开展绩效监控、绩效自评和预算调整"
    )


def _history(document: StageDocument, actor: User, action: str, comment: str) -> None:
    db.session.add(
        DocumentEvent(
            document_id=document.id,
            actor_id=actor.id,
            action=action,
            from_state=document.state,
            to_state=document.state,
            comment=comment,
        )
    )


def enter_library(targets: StageDocument, *, actor: User) -> None:
    """The targets' project enters the library (once): the time on the project, a line in the targets'
    history and an audit row. Flushes nothing; the transition's flush carries it."""
    project = targets.project
    if project is None or project.in_library:
        return
    project.in_library_at = utcnow()
    _history(targets, actor, "in_library", "绩效目标已批复，项目纳入项目库（入库）")
    audit.record(
        actor,
        "project.in_library",
        project,
        summary=f"{project.name} 入库",
        changes={"in_library_at": [None, project.in_library_at]},
    )


def record_assessment(assessment: StageDocument, *, actor: User) -> None:
    """A final ex-ante assessment of a project not yet in the library is the basis of its 一上 budget:
    its conclusion and 建议预算控制数 go on the project, with history and audit. One after 入库
    assesses a change of the project and leaves them as they are."""
    project = assessment.project
    if project is None or project.in_library:
        return
    data = assessment.data or {}
    conclusion, amount = data.get("review_conclusion") or None, to_decimal(data.get("suggested_amount"))
    changes = audit.diff(
        {"ex_ante_conclusion": project.ex_ante_conclusion, "suggested_amount": project.suggested_amount},
        {"ex_ante_conclusion": conclusion, "suggested_amount": amount},
    )
    project.ex_ante_conclusion, project.suggested_amount = conclusion, amount
    shown = f"，建议预算控制数 {amount} 万元" if amount is not None else ""
    _history(
        assessment, actor, "recorded", f"评估结论「{conclusion}」{shown}已记入项目，作为“一上”预算编制依据"
    )
    audit.record(actor, "project.ex_ante", project, summary=project.name, changes=changes)


def final_targets(project: Project) -> StageDocument | None:
    """The project's targets when final (the basis of monitoring, evaluation and the budget)."""
    targets = db.session.scalar(
        select(StageDocument).where(
            StageDocument.project_id == project.id,
            StageDocument.fiscal_year_id == project.fiscal_year_id,
            StageDocument.kind == DocumentKind.PERFORMANCE_TARGETS.value,
        )
    )
    return targets if targets is not None and targets.state == State.FINAL else None


def assessments(project: Project) -> list[StageDocument]:
    return db.session.scalars(
        select(StageDocument)
        .where(
            StageDocument.project_id == project.id,
            StageDocument.kind == DocumentKind.EX_ANTE_ASSESSMENT.value,
        )
        .order_by(StageDocument.sequence)
    ).all()


def is_supportive(assessment: StageDocument) -> bool:
    return assessment.state == State.FINAL and (assessment.data or {}).get("review_conclusion") in SUPPORTIVE


def supportive_since_library(project: Project) -> StageDocument | None:
    """A final, supportive assessment made after the project entered the library: the performance
    assessment a major change needs (rules 三(三): 须经绩效评估后方可作预算调整)."""
    if not project.in_library:
        return None
    return next(
        (a for a in assessments(project) if is_supportive(a) and a.state_changed_at >= project.in_library_at),
        None,
    )
