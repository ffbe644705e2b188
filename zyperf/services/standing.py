"""Where a project stands and what it waits for, as the project page says it: the ex-ante conclusion,
the targets and 入库, monitoring and its handling, adjustments in progress."""

from zyperf.domain.figures import fmt_number
from zyperf.formatting import local_time
from zyperf.models import DocumentKind, HandlingDecision, Project, StageDocument
from zyperf.services import library
from zyperf.services.document_data import figures_of
from zyperf.services.guards import major_change
from zyperf.transitions import State, state_label

EDITING = (State.DRAFT.value, State.RETURNED.value)


def _waiting(label: str, document: StageDocument) -> str:
    if document.state == State.RETURNED:
        return f"{label}已退回待修改"
    if document.state == State.DRAFT:
        return f"{label}待填报送审"
    return f"{label}审核中（{state_label(document.state)}）"


def _ex_ante(project: Project, assessments: list[StageDocument]) -> list[str]:
    if project.ex_ante_conclusion:
        amount = (
            f"，建议预算控制数 {fmt_number(project.suggested_amount)} 万元"
            if project.suggested_amount is not None
            else ""
        )
        return [f"事前评估结论：{project.ex_ante_conclusion}{amount}（“一上”预算编制依据）"]
    if not project.needs_ex_ante or project.in_library:
        return []
    first = assessments[0] if assessments else None
    if first is None:
        return ["待事前评估结论：须先编制事前绩效评估报告"]
    if first.state == State.REPORTED:
        return ["待事前评估结论（已报送市财政局）"]
    return [f"待事前评估结论（事前绩效评估：{state_label(first.state)}）"]


def _targets(project: Project, targets: StageDocument | None) -> str:
    if project.in_library:
        return f"已入库（{local_time(project.in_library_at, '%Y-%m-%d')}）"
    if targets is None:
        return "待编制绩效目标（入库前提）"
    return _waiting("绩效目标", targets)


def _monitoring(monitoring: StageDocument, decisions: list[HandlingDecision]) -> list[str]:
    if monitoring.state in EDITING:
        return [_waiting("绩效监控", monitoring)]
    figures = figures_of(monitoring)
    line = f"监控：{figures.get('monitoring_class') or '—'}，处置：{figures.get('handling') or '无需处置'}"
    if monitoring.state != State.FINAL:
        line += f"（{state_label(monitoring.state)}）"
    lines = [line]
    for decision in decisions:
        if decision.awaits_acknowledgement:
            status = "待科室（单位）确认"
        elif decision.acknowledged_at:
            status = f"已确认 {local_time(decision.acknowledged_at, '%Y-%m-%d')}"
        else:
            status = "已生成待办文档"
        lines.append(f"处置决定：{decision.measure_label}（{status}）")
    return lines


def standing(
    project: Project, documents: dict[str, list[StageDocument]], decisions: list[HandlingDecision]
) -> list[str]:
    """Lines, in the order of the year: each says where the project stands or what it waits for."""
    get = lambda kind: documents.get(kind.value, [])
    lines = _ex_ante(project, get(DocumentKind.EX_ANTE_ASSESSMENT))
    targets = next(iter(get(DocumentKind.PERFORMANCE_TARGETS)), None)
    lines.append(_targets(project, targets))
    if project.added_mid_year and not project.in_library:
        lines.append("年中追加：绩效目标批复（入库）后方可报送追加预算调整")
    for adjustment in get(DocumentKind.TARGET_ADJUSTMENT):
        if adjustment.state == State.FINAL:
            continue
        lines.append(_waiting("绩效目标调整", adjustment))
        if (why := major_change(adjustment)) and not library.supportive_since_library(project):
            lines.append(f"目标重大变化（{why}）：待绩效评估（予以支持）后方可调整")
    for monitoring in get(DocumentKind.MONITORING):
        lines += _monitoring(monitoring, [d for d in decisions if d.monitoring_id == monitoring.id])
    pending = [d for d in get(DocumentKind.BUDGET_ADJUSTMENT) if d.state != State.FINAL]
    if pending:
        lines.append(f"预算调整办理中 {len(pending)} 项")
    for evaluation in get(DocumentKind.SELF_EVALUATION):
        if evaluation.state != State.FINAL:
            lines.append(_waiting("绩效自评", evaluation))
    return lines
