"""Named guards on transitions. Each returns None when it holds, or a Chinese sentence saying what is missing."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from zyperf.extensions import db
from zyperf.models import DocumentKind, StageDocument
from zyperf.services.document_data import completeness_errors, field_label


@dataclass(frozen=True)
class Refusal:
    """Why a guard does not hold, with the fields it concerns (key → messages) for pages and the API."""

    message: str
    fields: dict[str, list[str]]


SUPPORTIVE = ("予以支持", "调整完善后予以支持")
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
    assessment = db.session.scalar(
        select(StageDocument).where(
            StageDocument.project_id == project.id,
            StageDocument.fiscal_year_id == document.fiscal_year_id,
            StageDocument.kind == DocumentKind.EX_ANTE_ASSESSMENT.value,
        )
    )
    if assessment is None or assessment.state != "final":
        return "该项目为新增重大政策（项目）或大额项目，须先完成事前绩效评估（已定稿）才能报送绩效目标"
    if (assessment.data or {}).get("review_conclusion") not in SUPPORTIVE:
        return "该项目的事前绩效评估结论不是「予以支持」或「调整完善后予以支持」，不能报送绩效目标"
    return None


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
    "review_conclusion_given": review_conclusion_given,
    "form_checked": form_checked,
}
