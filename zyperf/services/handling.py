"""The handling finance decides for a monitored project (rules 三(三)): 提示警示纠偏 for a direction
deviation, 督促加快 for a lag, 调整预算 (up to recall) for a severe lag, and 绩效评估后调整 for a major
change of targets. An instruction is acknowledged by the unit; the other two open the unit's draft."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from zyperf.domain.figures import HANDLING
from zyperf.domain.text import FieldError, check_text
from zyperf.errors import GuardFailed, InvalidTransition, ValidationFailed
from zyperf.extensions import db
from zyperf.models import DocumentEvent, DocumentKind, HandlingDecision, Measure, StageDocument, User
from zyperf.models.base import utcnow
from zyperf.permissions import Action, require
from zyperf.services import audit, document_data, documents
from zyperf.services.reviews import FLAG_LABELS
from zyperf.transitions import State, state_label

# Finance decides once the monitoring has reached it (after the division leader) or is final.
DECIDABLE_STATES = frozenset({State.LEADER_APPROVED.value, State.FINAL.value})
OPENS = {
    Measure.ADJUST_BUDGET: DocumentKind.BUDGET_ADJUSTMENT,
    Measure.ASSESS_THEN_ADJUST: DocumentKind.TARGET_ADJUSTMENT,
}


# The measures in the order of figures.HANDLING: 提示警示纠偏, 督促加快, 调整预算直至财政收回, 绩效评估后调整.
HANDLING_TEXTS = tuple(text for _, text in HANDLING)


def flags_set(document: StageDocument) -> set[str]:
    return {k for k, v in ((document.review or {}).get("flags") or {}).items() if (v or {}).get("set")}


def monitoring_class(document: StageDocument) -> str | None:
    return document_data.figures_of(document).get("monitoring_class")


def fitting(document: StageDocument) -> list[Measure]:
    """The measures the document's 处置措施 names (excel-formats §4.4: its class and the reviewers'
    flags), in the rules' order."""
    named = set((document_data.figures_of(document).get("handling") or "").split("；"))
    return [measure for measure, text in zip(Measure, HANDLING_TEXTS, strict=True) if text in named]


def _why_not(document: StageDocument, measure: Measure) -> str:
    shown = "、".join(FLAG_LABELS[f] for f in sorted(flags_set(document))) or "无"
    allowed = "、".join(m.label for m in fitting(document)) or "无（无需处置）"
    return (
        f"「{measure.label}」不适用于该项目：监控分类为「{monitoring_class(document) or '—'}」，审核标记：{shown}；"
        f"适用的处置措施：{allowed}"
    )


def _history(document: StageDocument, actor: User, action: str, comment: str) -> None:
    db.session.add(DocumentEvent(document_id=document.id, actor_id=actor.id, action=action, comment=comment))


def decide(monitoring: StageDocument, measure, *, actor: User, instruction) -> HandlingDecision:
    """Record finance's decision on a monitored project. 调整预算 opens a budget adjustment and
    绩效评估后调整 a target adjustment marked as a major change, each a draft of the unit. Raises
    PermissionDenied, ValidationFailed, InvalidTransition, GuardFailed (a measure that does not fit).
    Flushes."""
    require(actor, Action.DECIDE_HANDLING, monitoring.project)
    if monitoring.kind != DocumentKind.MONITORING.value or monitoring.project is None:
        raise ValidationFailed("处置措施针对项目的绩效监控")
    try:
        measure = Measure(measure)
    except ValueError:
        raise ValidationFailed("请选择处置措施", fields={"measure": ["请选择处置措施"]}) from None
    try:
        instruction = check_text(instruction or "", "处置要求", 500)
    except FieldError as exc:
        raise ValidationFailed(fields={"instruction": exc.messages}) from None
    if not instruction:
        raise ValidationFailed("请填写处置要求", fields={"instruction": ["请填写处置要求"]})
    if monitoring.state not in DECIDABLE_STATES:
        raise InvalidTransition(
            f"绩效监控当前为「{state_label(monitoring.state)}」：经分管领导审核、送财务科后才能决定处置措施"
        )
    if measure not in fitting(monitoring):
        raise GuardFailed(_why_not(monitoring, measure))
    project = monitoring.project
    decision = HandlingDecision(
        monitoring_id=monitoring.id,
        project_id=project.id,
        unit_id=project.unit_id,
        measure=measure.value,
        instruction=instruction,
        decided_by_id=actor.id,
    )
    db.session.add(decision)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidTransition(f"已对该项目决定过「{measure.label}」，请刷新后查看") from None
    note = f"财务科处置决定：{measure.label}（绩效监控文档 {monitoring.id}）。{instruction}"
    if measure is Measure.ADJUST_BUDGET:
        opened = documents.issue_document(
            OPENS[measure].value, actor=actor, project=project, data={"reason": instruction}, note=note
        )
    elif measure is Measure.ASSESS_THEN_ADJUST:
        stamp = {"by": actor.display_name, "at": utcnow().isoformat(timespec="seconds"), "comment": note}
        review = {"flags": {"major_change": {"set": True, **stamp}}}
        opened = documents.issue_document(
            OPENS[measure].value, actor=actor, project=project, review=review, note=note
        )
    else:
        opened = None
    decision.opened_document_id = opened.id if opened else None
    _history(monitoring, actor, "handling", note)
    audit.record(
        actor,
        "handling.decide",
        decision,
        summary=note[:500],
        changes={"measure": [None, measure.value], "opened_document_id": [None, decision.opened_document_id]},
    )
    db.session.flush()
    return decision


def acknowledge(decision: HandlingDecision, *, actor: User, comment) -> HandlingDecision:
    """The unit acknowledges an instruction (督促加快, 提示警示纠偏), with what it will do. Raises
    PermissionDenied, InvalidTransition, ValidationFailed. Flushes."""
    require(actor, Action.ACKNOWLEDGE_HANDLING, decision)
    if not Measure(decision.measure).is_instruction:
        raise InvalidTransition("该处置措施已为科室（单位）生成待办文档，无需确认")
    if decision.acknowledged_at is not None:
        raise InvalidTransition("该处置要求已确认")
    try:
        comment = check_text(comment or "", "落实措施", 500)
    except FieldError as exc:
        raise ValidationFailed(fields={"comment": exc.messages}) from None
    decision.acknowledged_by_id, decision.acknowledged_at, decision.acknowledgement = (
        actor.id,
        utcnow(),
        comment,
    )
    text = f"已确认收到处置要求「{decision.measure_label}」" + (f"：{comment}" if comment else "")
    _history(decision.monitoring, actor, "acknowledged", text)
    audit.record(actor, "handling.acknowledge", decision, summary=text[:500])
    db.session.flush()
    return decision


def decisions_for(monitoring_ids) -> dict[int, list[HandlingDecision]]:
    """Decisions by monitoring document, in the order taken. One query."""
    found: dict[int, list[HandlingDecision]] = {}
    ids = sorted(set(monitoring_ids))
    if not ids:
        return found
    for decision in db.session.scalars(
        select(HandlingDecision).where(HandlingDecision.monitoring_id.in_(ids)).order_by(HandlingDecision.id)
    ):
        found.setdefault(decision.monitoring_id, []).append(decision)
    return found


def awaiting(user: User) -> list[HandlingDecision]:
    """Instructions to the user's unit not yet acknowledged (the home page lists them). One query."""
    if user.unit_id is None:
        return []
    return db.session.scalars(
        select(HandlingDecision)
        .where(
            HandlingDecision.unit_id == user.unit_id,
            HandlingDecision.acknowledged_at.is_(None),
            HandlingDecision.measure.in_([m.value for m in Measure if m.is_instruction]),
        )
        .order_by(HandlingDecision.id)
    ).all()


def decisions_of_project(project_id: int) -> list[HandlingDecision]:
    return db.session.scalars(
        select(HandlingDecision)
        .where(HandlingDecision.project_id == project_id)
        .order_by(HandlingDecision.id)
    ).all()
