"""What reviewers record on a document without editing it: the monitoring flags of excel-formats §4.4
(方向偏差, 目标重大变化), never computed, and a score they judge otherwise than the formula (§2: a
judgment on the record, with its reason). Each is a history entry with who, why, and the computed
value beside the entered one."""

from decimal import Decimal

from zyperf.domain import figures
from zyperf.domain.text import FieldError, check_text, decimal_places, format_number, parse_number
from zyperf.errors import PermissionDenied, ValidationFailed
from zyperf.extensions import db
from zyperf.models import DocumentEvent, StageDocument, User
from zyperf.models.base import utcnow
from zyperf.services import audit, document_data
from zyperf.services.locking import check_version, flush_or_stale
from zyperf.services.workflow import allowed_actions
from zyperf.transitions import DocumentAction

FLAG_LABELS = {"direction_deviation": "方向偏差", "major_change": "目标重大变化"}
FLAGGED_KINDS = frozenset({"monitoring"})
SCORED_KINDS = frozenset({"self_evaluation", "department_evaluation"})
REVIEW_ACTIONS = frozenset({DocumentAction.APPROVE, DocumentAction.RETURN, DocumentAction.REPORT})


def may_review(user: User, document: StageDocument) -> bool:
    """The document waits for this user's review now (head, division leader or finance)."""
    return any(a.action in REVIEW_ACTIONS for a in allowed_actions(user, document))


def _require_reviewer(user: User, document: StageDocument) -> None:
    if not may_review(user, document):
        raise PermissionDenied("只有正在审核该文档的科室负责人、分管领导或财务科可以进行此项标记或评分调整")


def _record(document, actor, action: str, comment: str, changes: dict) -> None:
    db.session.add(
        DocumentEvent(
            document_id=document.id, actor_id=actor.id, action=action, comment=comment, changes=changes
        )
    )
    audit.record(actor, f"document.{action}", document, summary=comment[:200], changes=changes)


def _comment(text) -> str:
    try:
        comment = check_text(text or "", "说明", 500)
    except FieldError as exc:
        raise ValidationFailed(fields={"comment": exc.messages}) from None
    if not comment:
        raise ValidationFailed("请填写说明", fields={"comment": ["请填写说明"]})
    return comment


def set_flags(
    document: StageDocument, flags: dict[str, bool], *, actor: User, comment: str, expected_version
) -> StageDocument:
    """Set or clear 方向偏差 and 目标重大变化 on a monitoring document under review; its 处置措施
    follows. Raises PermissionDenied, ValidationFailed, StaleVersion. Flushes."""
    if document.kind not in FLAGGED_KINDS:
        raise ValidationFailed("只有绩效监控文档可以标记方向偏差或目标重大变化")
    _require_reviewer(actor, document)
    comment = _comment(comment)
    check_version(document, expected_version)
    review = dict(document.review or {})
    before = {k: bool((review.get("flags") or {}).get(k, {}).get("set")) for k in FLAG_LABELS}
    after = {k: bool(flags.get(k)) for k in FLAG_LABELS}
    if before == after:
        raise ValidationFailed("标记没有变化")
    stamp = {"by": actor.display_name, "at": utcnow().isoformat(timespec="seconds"), "comment": comment}
    review["flags"] = {k: {"set": after[k], **stamp} for k in FLAG_LABELS}
    document.review = review
    data = document_data.refresh(document)
    changes = {f"flag.{k}": [before[k], after[k]] for k in FLAG_LABELS if before[k] != after[k]}
    changes |= audit.diff(document.data or {}, data)
    document.data = data
    _record(document, actor, "flag", comment, changes)
    flush_or_stale(document)
    return document


def _score(raw, weight: Decimal) -> Decimal:
    try:
        score = parse_number(raw, "得分")
    except FieldError as exc:
        raise ValidationFailed(fields={"score": exc.messages}) from None
    if not 0 <= score <= weight or decimal_places(score) > 2:
        message = f"得分应在0至{figures.fmt_number(weight)}分之间，最多两位小数"
        raise ValidationFailed(message, fields={"score": [message]})
    return score


def adjust_score(
    document: StageDocument, target: str, score, *, actor: User, comment: str, expected_version
) -> StageDocument:
    """A reviewer scores the budget (`target` "budget") or an indicator (`target` its 1-based row
    number) otherwise than the formula, with a reason. Totals and grade follow. Raises
    PermissionDenied, ValidationFailed, StaleVersion. Flushes."""
    if document.kind not in SCORED_KINDS:
        raise ValidationFailed("只有绩效自评和部门整体评价可以调整得分")
    _require_reviewer(actor, document)
    comment = _comment(comment)
    check_version(document, expected_version)
    data = dict(document.data or {})
    if target == "budget":
        data["budget_score_entered"] = format_number(_score(score, Decimal(10)))
        data["budget_score_note"] = f"{actor.display_name}：{comment}"[:200]
    else:
        rows = [dict(r) for r in data.get("indicators") or []]
        if not str(target).isdigit() or not 1 <= int(target) <= len(rows):
            raise ValidationFailed("请选择要调整得分的指标", fields={"target": ["请选择要调整得分的指标"]})
        row = rows[int(target) - 1]
        value = _score(score, Decimal(row.get("weight") or 0))
        row.update(score_entered=format_number(value), score_note=comment[:200], score_by=actor.display_name)
        data["indicators"] = rows
    cleaned = document_data.clean(document, data, complete=False)
    changes = audit.diff(document.data or {}, cleaned)
    document.data = cleaned
    _record(document, actor, "adjust_score", comment, changes)
    flush_or_stale(document)
    return document


def score_targets(document: StageDocument) -> list[tuple[str, str]]:
    """What a reviewer may rescore: (value, label) for the budget and each indicator."""
    rows = (document.data or {}).get("indicators") or []
    found = [("budget", "预算执行（10分）")]
    for i, row in enumerate(rows, start=1):
        if isinstance(row, dict):
            found.append((str(i), f"{i}. {row.get('level3', '')}（权重 {row.get('weight', '')}）"))
    return found
