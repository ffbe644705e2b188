"""Named guards on transitions. Each returns None when it holds, or a Chinese sentence saying what is missing."""

from collections.abc import Callable
from dataclasses import dataclass

from zyperf.domain import adjustments as adjustment_rules
from zyperf.domain import tables
from zyperf.domain.figures import fmt_number
from zyperf.domain.text import is_empty
from zyperf.models import DocumentKind, StageDocument
from zyperf.services import adjustments, library
from zyperf.services.document_data import completeness_errors, document_settings, field_label


@dataclass(frozen=True)
class Refusal:
    """Why a guard does not hold, with the fields it concerns (key → messages) for pages and the API."""

    message: str
    fields: dict[str, list[str]]


# The city bureau's answer, worded for what it reviews (rules 三(一), 三(四)).
REVIEW_CONCLUSIONS = {
    DocumentKind.EX_ANTE_ASSESSMENT: ("予以支持", "调整完善后予以支持", "不予支持"),
    DocumentKind.SELF_EVALUATION: ("审核通过", "需整改"),
    DocumentKind.DEPARTMENT_EVALUATION: ("审核通过", "需整改"),
    DocumentKind.RECTIFICATION: ("审核通过", "需继续整改"),
    DocumentKind.DEPARTMENT_RECTIFICATION: ("审核通过", "需继续整改"),
}
CONCLUSIONS = tuple(dict.fromkeys(c for choices in REVIEW_CONCLUSIONS.values() for c in choices))

FORM_CHECK = "form_check"  # document.review key: finance's 规范性审核 (services.records.check_form)


def current_form_check(document: StageDocument) -> dict | None:
    """Finance's check of the standard form, if it was made for the document's latest submission
    (a report sent back and resubmitted needs checking again)."""
    check = (document.review or {}).get(FORM_CHECK)
    if not isinstance(check, dict) or document.submitted_at is None:
        return None
    return check if check.get("submission") == document.submitted_at.isoformat() else None


def data_complete(document: StageDocument, params: dict | None) -> Refusal | None:
    """The form is complete and right (§5): the refusal names each field, with its messages by key."""
    errors = completeness_errors(document)
    if not errors:
        return None
    named = "；".join(f"{field_label(document, key)}：{'，'.join(msgs)}" for key, msgs in errors.items())
    return Refusal(f"表单尚未填写完整（{named}）", errors)


def ex_ante_supportive(document: StageDocument, params: dict | None) -> str | None:
    """Targets of a project that needs an ex-ante assessment wait for a final, supportive one (目标前置)."""
    project = document.project
    if project is None or not project.needs_ex_ante:
        return None
    found = library.assessments(project)
    if not any(a.state == "final" for a in found):
        return "该项目为新增重大政策（项目）或大额项目，须先完成事前绩效评估（已定稿）才能报送绩效目标"
    if not any(library.is_supportive(a) for a in found):
        return "该项目的事前绩效评估结论不是「予以支持」或「调整完善后予以支持」，不能报送绩效目标"
    return None


def mid_year_targets_final(document: StageDocument, params: dict | None) -> str | None:
    """A budget adjustment is submitted for a library project only: a mid-year addition (年中追加) drafts
    its 追加 with its targets, and submits it once they are final (rules 三(二))."""
    project = document.project
    if project is None or project.in_library:
        return None
    if project.added_mid_year:
        return "该项目为年中追加项目：须先完成绩效目标批复（入库），才能报送追加预算调整"
    return "该项目尚未入库（绩效目标尚未批复），不能报送预算调整"


def within_budget(document: StageDocument, params: dict | None) -> Refusal | None:
    """调减 and 收回 take no fund source below zero: at most its current adjusted budget."""
    data = document.data or {}
    if document.project is None or adjustment_rules.adjustment_type(data) not in ("decrease", "recall"):
        return None
    budget = adjustments.current_budget(document.project)
    over = [
        f"{tables.FUND_SOURCES[s]}调减 {fmt_number(a)} 万元，超过当前预算 {fmt_number(budget.get(s, 0))} 万元"
        for s, a in adjustment_rules.amounts(data).items()
        if a > budget.get(s, 0)
    ]
    if not over:
        return None
    return Refusal("调减或收回的金额不得超过项目当前预算（" + "；".join(over) + "）", {"funds": over})


def major_change(document: StageDocument) -> str | None:
    """Why a target adjustment is a major change: a reviewer marked it, or its amount moves more than the
    year's ratio from the approved targets' total. None when it is not."""
    flag = ((document.review or {}).get("flags") or {}).get("major_change") or {}
    if flag.get("set"):
        return f"{flag.get('by', '审核人')}标记为目标重大变化"
    targets, funds = document.parent, (document.data or {}).get("funds")
    if (
        targets is None
        or not isinstance(funds, dict)
        or not isinstance((targets.data or {}).get("funds"), dict)
    ):
        return None
    before, after = tables.fund_total(targets.data["funds"], "amount"), tables.fund_total(funds, "amount")
    ratio = document_settings(document).major_change_amount_ratio
    if adjustment_rules.major_amount_change(before, after, ratio):
        return (
            f"调整后年度资金总额 {fmt_number(after)} 万元较批复的 {fmt_number(before)} 万元变动超过"
            f"{fmt_number(ratio * 100)}%"
        )
    return None


def major_change_assessed(document: StageDocument, params: dict | None) -> str | None:
    """A major change of targets needs a final, supportive performance assessment made after the
    project entered the library (rules 三(三): 须经绩效评估后方可作预算调整)."""
    why = major_change(document)
    if why is None or document.project is None or library.supportive_since_library(document.project):
        return None
    return (
        f"该调整属于绩效目标重大变化（{why}）：须先完成入库后的绩效评估（事前绩效评估已定稿，"
        "结论为「予以支持」或「调整完善后予以支持」），才能报送或批准"
    )


def key_monitoring_complete(document: StageDocument, params: dict | None) -> Refusal | None:
    """重点监控: the project's 计划进度 is required (its reference is the plan, not the calendar)."""
    if document.project is None or not document.project.is_key_monitoring:
        return None
    if not is_empty((document.data or {}).get("planned_progress")):
        return None
    message = "重点监控项目须填写计划进度（%）"
    return Refusal(message, {"planned_progress": [message]})


def key_monitoring_reviewed(document: StageDocument, params: dict | None) -> str | None:
    """重点监控: finance's review is on the record: its approval carries a written opinion."""
    if params is None or document.project is None or not document.project.is_key_monitoring:
        return None
    if (params.get("comment") or "").strip():
        return None
    return "重点监控项目须填写财务科审核意见后才能审核通过"


def truthfulness_declared(document: StageDocument, params: dict | None) -> str | None:
    if (document.data or {}).get("truthfulness") is True:
        return None
    return "请先勾选整改报告真实性声明（实施科室（单位）对整改报告的真实性负责）"


def form_checked(document: StageDocument, params: dict | None) -> str | None:
    """Finance checked the report for standard form (规范性审核, rules 三(六)) before sending it on."""
    if current_form_check(document) is not None:
        return None
    return "须先完成规范性审核：财务科核对报告符合规范格式并填写审核意见后，才能报送市财政局"


def review_conclusion_given(document: StageDocument, params: dict | None) -> str | None:
    # Checked on the action's own input; a button list (params None) cannot know it yet.
    choices = REVIEW_CONCLUSIONS.get(DocumentKind(document.kind), ())
    if params is None or params.get("conclusion") in choices:
        return None
    named = "或".join(f"「{c}」" for c in choices)
    return f"请选择市财政局审核结论：{named}（需修改后重新报送的请选择「退回」）"


GUARDS: dict[str, Callable[[StageDocument, dict | None], "str | Refusal | None"]] = {
    "data_complete": data_complete,
    "ex_ante_supportive": ex_ante_supportive,
    "truthfulness_declared": truthfulness_declared,
    "mid_year_targets_final": mid_year_targets_final,
    "within_budget": within_budget,
    "major_change_assessed": major_change_assessed,
    "key_monitoring_complete": key_monitoring_complete,
    "key_monitoring_reviewed": key_monitoring_reviewed,
    "review_conclusion_given": review_conclusion_given,
    "form_checked": form_checked,
}
