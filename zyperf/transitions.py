"""The workflows as data: one table of transitions per document kind. No I/O.

Each row says which action moves a document from which states to which state, who may take it (roles
and scope), which named guards must hold, whether a comment is required and whether separation of
duties applies. Pages, admin actions, the CLI and the API all go through services.workflow.apply,
which reads these rows; the diagram for admins is drawn from them too.
"""

from dataclasses import dataclass, field, replace
from enum import StrEnum

from zyperf.models import DocumentKind, Role


class State(StrEnum):
    DRAFT = "draft"
    RETURNED = "returned"
    SUBMITTED = "submitted"
    HEAD_APPROVED = "head_approved"
    LEADER_APPROVED = "leader_approved"
    PRINCIPAL_APPROVED = "principal_approved"
    REPORTED = "reported"
    FINAL = "final"


STATE_LABELS = {
    State.DRAFT: "草稿",
    State.RETURNED: "已退回待修改",
    State.SUBMITTED: "待科室负责人审核",
    State.HEAD_APPROVED: "待分管领导审核",
    State.LEADER_APPROVED: "待财务科审核",
    State.PRINCIPAL_APPROVED: "局主要领导已审定",
    State.REPORTED: "已报送市财政局",
    State.FINAL: "已定稿",
}


class DocumentAction(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    RETURN = "return"
    REPORT = "report"
    RECORD_REVIEW = "record_review"


ACTION_LABELS = {
    DocumentAction.SUBMIT: "送审",
    DocumentAction.WITHDRAW: "撤回",
    DocumentAction.APPROVE: "审核通过",
    DocumentAction.RETURN: "退回",
    DocumentAction.REPORT: "报送市财政局",
    DocumentAction.RECORD_REVIEW: "录入市财政局评审意见",
}


GUARD_LABELS = {
    "data_complete": "表单填写完整",
    "ex_ante_supportive": "事前评估已定稿且予以支持",
    "truthfulness_declared": "已作真实性声明",
    "review_conclusion_given": "已选择评审结论",
    "form_checked": "财务科已完成规范性审核",
}


class Scope(StrEnum):
    OWN = "own"  # the document's unit is the actor's unit
    OVERSEEN = "overseen"  # the document's unit is one the actor oversees
    ALL = "all"  # any unit


SCOPE_LABELS = {Scope.OWN: "本科室（单位）", Scope.OVERSEEN: "分管科室（单位）", Scope.ALL: "全局"}


@dataclass(frozen=True)
class Transition:
    action: DocumentAction
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]
    scope: Scope
    guards: tuple[str, ...] = ()
    needs_comment: bool = False
    separation_of_duties: bool = False  # whoever drafted or last edited may not take it


def t(action, sources, target, roles, scope, *, guards=(), comment=False, sod=False) -> Transition:
    sources = {sources} if isinstance(sources, State) else set(sources)
    roles = {roles} if isinstance(roles, Role) else set(roles)
    return Transition(
        action, frozenset(sources), target, frozenset(roles), scope, tuple(guards), comment, sod
    )


@dataclass(frozen=True)
class Workflow:
    kind: DocumentKind
    transitions: tuple[Transition, ...]
    editors: dict[State, tuple[frozenset[Role], Scope]] = field(default_factory=dict)
    initial: State = State.DRAFT

    @property
    def states(self) -> set[State]:
        found = {self.initial}
        for row in self.transitions:
            found |= row.sources | {row.target}
        return found

    @property
    def final_states(self) -> set[State]:
        return {s for s in self.states if not any(s in row.sources for row in self.transitions)}


S, H, L, F, P = Role.STAFF, Role.SECTION_HEAD, Role.DIVISION_LEADER, Role.FINANCE, Role.PRINCIPAL
EDITING = {State.DRAFT, State.RETURNED}

# Unit staff draft → unit head → division leader (rules 三(二): 科室负责人、业务分管领导审核把关).
UNIT_REVIEW = (
    t(DocumentAction.SUBMIT, EDITING, State.SUBMITTED, S, Scope.OWN, guards=("data_complete",)),
    t(DocumentAction.WITHDRAW, State.SUBMITTED, State.DRAFT, S, Scope.OWN),
    t(DocumentAction.APPROVE, State.SUBMITTED, State.HEAD_APPROVED, H, Scope.OWN, sod=True),
    t(DocumentAction.RETURN, State.SUBMITTED, State.RETURNED, H, Scope.OWN, comment=True),
    t(DocumentAction.APPROVE, State.HEAD_APPROVED, State.LEADER_APPROVED, L, Scope.OVERSEEN, sod=True),
    t(DocumentAction.RETURN, State.HEAD_APPROVED, State.RETURNED, L, Scope.OVERSEEN, comment=True),
)
# … then finance reviews and finalises.
FINANCE_FINAL = (
    t(DocumentAction.APPROVE, State.LEADER_APPROVED, State.FINAL, F, Scope.ALL, sod=True),
    t(DocumentAction.RETURN, State.LEADER_APPROVED, State.RETURNED, F, Scope.ALL, comment=True),
)
# … or finance reports to the city finance bureau and records its answer (rules 三(一), 三(四), 三(六)),
# once it has checked that the report is in the standard form (规范性审核, rules 三(六)).
FINANCE_REPORTS = (
    t(
        DocumentAction.REPORT,
        State.LEADER_APPROVED,
        State.REPORTED,
        F,
        Scope.ALL,
        guards=("form_checked",),
        sod=True,
    ),
    t(DocumentAction.RETURN, State.LEADER_APPROVED, State.RETURNED, F, Scope.ALL, comment=True),
    t(
        DocumentAction.RECORD_REVIEW,
        State.REPORTED,
        State.FINAL,
        F,
        Scope.ALL,
        guards=("review_conclusion_given",),
        comment=True,
    ),
    # The city bureau asks for rectification: back to the unit, which revises and resubmits.
    t(DocumentAction.RETURN, State.REPORTED, State.RETURNED, F, Scope.ALL, comment=True),
)
UNIT_EDITS = {s: (frozenset({S}), Scope.OWN) for s in EDITING}


# The department as a whole: finance drafts, the principal approves (领导小组组长), …
DEPARTMENT_REVIEW = (
    t(DocumentAction.SUBMIT, EDITING, State.SUBMITTED, F, Scope.ALL, guards=("data_complete",)),
    t(DocumentAction.WITHDRAW, State.SUBMITTED, State.DRAFT, F, Scope.ALL),
    t(DocumentAction.APPROVE, State.SUBMITTED, State.PRINCIPAL_APPROVED, P, Scope.ALL, sod=True),
    t(DocumentAction.RETURN, State.SUBMITTED, State.RETURNED, P, Scope.ALL, comment=True),
)
# … and finance reports it to the city finance bureau, after its check of the standard form.
DEPARTMENT_REPORTS = (
    t(
        DocumentAction.REPORT,
        State.PRINCIPAL_APPROVED,
        State.REPORTED,
        F,
        Scope.ALL,
        guards=("form_checked",),
    ),
    t(
        DocumentAction.RECORD_REVIEW,
        State.REPORTED,
        State.FINAL,
        F,
        Scope.ALL,
        guards=("review_conclusion_given",),
        comment=True,
    ),
    t(DocumentAction.RETURN, State.REPORTED, State.RETURNED, F, Scope.ALL, comment=True),
)
FINANCE_EDITS = {s: (frozenset({F}), Scope.ALL) for s in EDITING}


def with_submit_guard(rows: tuple[Transition, ...], guard: str) -> tuple[Transition, ...]:
    """The same rows, with one more guard on submission."""
    return tuple(
        replace(r, guards=(*r.guards, guard)) if r.action is DocumentAction.SUBMIT else r for r in rows
    )


WORKFLOWS: dict[DocumentKind, Workflow] = {
    DocumentKind.EX_ANTE_ASSESSMENT: Workflow(
        DocumentKind.EX_ANTE_ASSESSMENT, UNIT_REVIEW + FINANCE_REPORTS, UNIT_EDITS
    ),
    DocumentKind.PERFORMANCE_TARGETS: Workflow(
        DocumentKind.PERFORMANCE_TARGETS,
        # 目标前置: targets of a project that needs an assessment wait for a supportive one.
        with_submit_guard(UNIT_REVIEW, "ex_ante_supportive") + FINANCE_FINAL,
        UNIT_EDITS,
    ),
    DocumentKind.TARGET_ADJUSTMENT: Workflow(
        DocumentKind.TARGET_ADJUSTMENT, UNIT_REVIEW + FINANCE_FINAL, UNIT_EDITS
    ),
    DocumentKind.MONITORING: Workflow(DocumentKind.MONITORING, UNIT_REVIEW + FINANCE_FINAL, UNIT_EDITS),
    DocumentKind.BUDGET_ADJUSTMENT: Workflow(
        DocumentKind.BUDGET_ADJUSTMENT, UNIT_REVIEW + FINANCE_FINAL, UNIT_EDITS
    ),
    DocumentKind.SELF_EVALUATION: Workflow(
        DocumentKind.SELF_EVALUATION, UNIT_REVIEW + FINANCE_REPORTS, UNIT_EDITS
    ),
    DocumentKind.RECTIFICATION: Workflow(
        DocumentKind.RECTIFICATION,
        # The implementing unit answers for the report's truthfulness (rules 三(四)).
        with_submit_guard(UNIT_REVIEW, "truthfulness_declared") + FINANCE_REPORTS,
        UNIT_EDITS,
    ),
    # The department as a whole is finance's: finance drafts, the principal approves, finance reports.
    DocumentKind.DEPARTMENT_EVALUATION: Workflow(
        DocumentKind.DEPARTMENT_EVALUATION, DEPARTMENT_REVIEW + DEPARTMENT_REPORTS, FINANCE_EDITS
    ),
    # Department targets (D-1) are drafted with the budget; the principal's approval makes them final.
    DocumentKind.DEPARTMENT_TARGETS: Workflow(
        DocumentKind.DEPARTMENT_TARGETS,
        tuple(
            replace(r, target=State.FINAL) if r.action is DocumentAction.APPROVE else r
            for r in DEPARTMENT_REVIEW
        ),
        FINANCE_EDITS,
    ),
    # The department's own rectification: finance answers for its truthfulness.
    DocumentKind.DEPARTMENT_RECTIFICATION: Workflow(
        DocumentKind.DEPARTMENT_RECTIFICATION,
        with_submit_guard(DEPARTMENT_REVIEW, "truthfulness_declared") + DEPARTMENT_REPORTS,
        FINANCE_EDITS,
    ),
}


def workflow_for(kind: str) -> Workflow:
    return WORKFLOWS[DocumentKind(kind)]


def find(kind: str, state: str, action: str) -> Transition | None:
    """The one row for this action from this state, or None."""
    for row in workflow_for(kind).transitions:
        if row.action == action and state in row.sources:
            return row
    return None


def state_label(state: str) -> str:
    return STATE_LABELS.get(State(state), state) if state in State._value2member_map_ else state


def roles_label(roles: frozenset[Role]) -> str:
    return "、".join(r.label for r in sorted(roles, key=list(Role).index))
