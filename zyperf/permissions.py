"""Who may do what, in one module: one predicate per action, and the one scoped-query helper.

Services call require(); views and templates call can(). Any Action missing from RULES is denied.
"""

from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import Select, exists, false, or_, select, true

from zyperf.boundary import record_id
from zyperf.errors import NotFound, PermissionDenied
from zyperf.extensions import db
from zyperf.models import (
    AuditEntry,
    Project,
    RectificationProblem,
    ResultDecision,
    Role,
    StageDocument,
    Unit,
    User,
)
from zyperf.transitions import Scope, workflow_for

ALL = None  # visible_unit_ids() answer for "every unit"


class Action(StrEnum):
    VIEW_PROJECT = "view_project"
    CREATE_PROJECT = "create_project"
    EDIT_PROJECT = "edit_project"
    VIEW_DOCUMENT = "view_document"
    CREATE_DOCUMENT = "create_document"
    EDIT_DOCUMENT = "edit_document"
    EXPORT = "export"
    VIEW_OUTSTANDING = "view_outstanding"
    DESIGNATE_KEY_MONITORING = "designate_key_monitoring"
    VIEW_ROUNDS = "view_rounds"
    OPEN_ROUND = "open_round"
    DECIDE_HANDLING = "decide_handling"
    ACKNOWLEDGE_HANDLING = "acknowledge_handling"
    USE_ADMIN = "use_admin"
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_AUDIT = "view_audit"
    VIEW_RESULTS = "view_results"
    DECIDE_RESULTS = "decide_results"
    SEND_REMINDER = "send_reminder"


BUSINESS_ROLES = frozenset(Role) - {Role.ADMIN}


def visible_unit_ids(user: User) -> set[int] | None:
    """Units whose rows the user may read: ALL for finance and the principal; admins see none."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.has_role(Role.FINANCE, Role.PRINCIPAL):
        return ALL
    units: set[int] = set()
    if user.has_role(Role.DIVISION_LEADER):
        units |= {u.id for u in user.oversees}
    if user.has_role(Role.STAFF, Role.SECTION_HEAD) and user.unit_id:
        units.add(user.unit_id)
    return units


def in_scope(user: User, unit_id: int) -> bool:
    units = visible_unit_ids(user)
    return units is ALL or unit_id in units


def is_own_unit(user: User, unit_id: int) -> bool:
    return user.unit_id is not None and user.unit_id == unit_id


# Which column says "whose row is this" for each scoped entity.
_SCOPE_COLUMNS = {
    Project: Project.unit_id,
    StageDocument: StageDocument.unit_id,
    Unit: Unit.id,
    RectificationProblem: RectificationProblem.unit_id,
    ResultDecision: ResultDecision.unit_id,
}

# The audit log shows admins configuration and account events only: an allow-list, so a new kind of
# business event stays hidden. Business history is read through its document, by those in scope.
CONFIGURATION_AUDIT_PREFIXES = (
    "unit.",
    "user.",  # accounts: create, update, roles, passwords, login, logout
    "token.",
    "form_definition.",
    "listview.",
    "fiscalyear.",
    "indicatorcategory.",
    "indicator_category.",
)


def audit_filter(user: User):
    """The WHERE clause on AuditEntry: configuration and account events, for those who view audit."""
    if not can(user, Action.VIEW_AUDIT):
        return false()
    return or_(*(AuditEntry.action.startswith(p, autoescape=True) for p in CONFIGURATION_AUDIT_PREFIXES))


def scope_filter(entity, user: User):
    """The WHERE clause that keeps only the user's rows of a scoped entity (_SCOPE_COLUMNS, AuditEntry)."""
    if entity is AuditEntry:
        return audit_filter(user)
    column = _SCOPE_COLUMNS[entity]
    units = visible_unit_ids(user)
    if units is ALL:
        return true()
    if not units:
        return false()
    return column.in_(sorted(units))


def scoped(stmt: Select, user: User) -> Select:
    """Restrict a select of a scoped entity (Project, StageDocument, Unit, …) to the rows the user may see.

    Every list, detail, export, admin view and API read starts here.
    """
    return stmt.where(scope_filter(stmt.column_descriptions[0]["entity"], user))


def scoped_or_bureau(stmt: Select, user: User | None) -> Select:
    """scoped() for a user; for None, the whole bureau: work the system does on its own from the
    command line (`flask export` without --actor), never a request's."""
    return stmt if user is None else scoped(stmt, user)


def get_visible_or_404(user: User, model, row_id):
    """Load one scoped row by id; another unit's id answers exactly like a missing one, and so does
    an id the database could not hold (beyond 2^31 − 1, or not ASCII digits)."""
    row_id = record_id(row_id)
    if row_id is None:
        raise NotFound()
    row = db.session.scalar(scoped(select(model), user).where(model.id == row_id))
    if row is None:
        raise NotFound()
    return row


def project_has_submissions(project: Project) -> bool:
    """True once any stage document of the project has been submitted (it then describes history)."""
    if project.id is None:
        return False
    stmt = select(
        exists().where(StageDocument.project_id == project.id, StageDocument.submitted_at.is_not(None))
    )
    return bool(db.session.scalar(stmt))


def can_view_project(user: User, project: Project | None = None) -> bool:
    if project is None:
        return user.has_role(*BUSINESS_ROLES)
    return in_scope(user, project.unit_id)


def can_create_project(user: User, unit: Unit | None = None) -> bool:
    """Staff create projects of their own unit only."""
    if not user.has_role(Role.STAFF) or user.unit_id is None:
        return False
    return unit is None or unit.id == user.unit_id


def can_edit_project(user: User, project: Project | None = None) -> bool:
    """Staff of the project's unit, while none of its stage documents has been submitted."""
    if project is None:
        return can_create_project(user)
    if not user.has_role(Role.STAFF) or not is_own_unit(user, project.unit_id):
        return False
    return not project_has_submissions(project)


def editable_project_ids(user: User, projects) -> set[int]:
    """can_edit_project for a page of projects at once (one query): the edit icons a list shows."""
    mine = [p.id for p in projects if user.has_role(Role.STAFF) and is_own_unit(user, p.unit_id)]
    if not mine:
        return set()
    submitted = db.session.scalars(
        select(StageDocument.project_id)
        .where(StageDocument.project_id.in_(mine), StageDocument.submitted_at.is_not(None))
        .distinct()
    )
    return set(mine) - set(submitted)


def can_view_document(user: User, document: StageDocument | None = None) -> bool:
    if document is None:
        return user.has_role(*BUSINESS_ROLES)
    return in_scope(user, document.unit_id)


def _editors(kind: str, state: str):
    return workflow_for(kind).editors.get(state)


def _in_edit_scope(user: User, unit_id: int, scope) -> bool:
    if scope is Scope.OWN:
        return is_own_unit(user, unit_id)
    if scope is Scope.OVERSEEN:
        return any(u.id == unit_id for u in user.oversees)
    return in_scope(user, unit_id)


def can_create_document(user: User, target=None) -> bool:
    """Whoever edits a kind's drafts creates it: unit staff for project stages, finance for the department.

    `target` is (kind, unit_id), or None for "may this user create any document at all".
    """
    if target is None:
        return user.has_role(Role.STAFF, Role.FINANCE)
    kind, unit_id = target
    editors = _editors(kind, "draft")
    return editors is not None and user.has_role(*editors[0]) and _in_edit_scope(user, unit_id, editors[1])


def can_edit_document(user: User, document: StageDocument | None = None) -> bool:
    """Only in a state the workflow marks editable, by the roles and scope it names there."""
    if document is None:
        return can_create_document(user)
    editors = _editors(document.kind, document.state)
    if editors is None:
        return False
    return user.has_role(*editors[0]) and _in_edit_scope(user, document.unit_id, editors[1])


def can_export(user: User, obj=None) -> bool:
    """Anyone with a business role exports what they can see; the query is scoped anyway."""
    return user.has_role(*BUSINESS_ROLES)


def can_view_outstanding(user: User, obj=None) -> bool:
    """The per-unit overview of outstanding work (催办) is finance's and the principal's."""
    return user.has_role(Role.FINANCE, Role.PRINCIPAL)


def can_designate_key_monitoring(user: User, project: Project | None = None) -> bool:
    """重点监控 is the city finance bureau's designation; finance records it, for any unit."""
    return user.has_role(Role.FINANCE) and (project is None or in_scope(user, project.unit_id))


def can_send_reminder(user: User, unit: Unit | None = None) -> bool:
    """Finance reminds a unit of its outstanding work (催办), from the overview it alone acts on."""
    return user.has_role(Role.FINANCE)


def can_view_results(user: User, obj=None) -> bool:
    """The results ledger (评价结果应用): every business role, each its own rows (the query is scoped)."""
    return user.has_role(*BUSINESS_ROLES)


def can_decide_results(user: User, obj=None) -> bool:
    """Finance records how results are used for next year's budget (rules 三(五))."""
    return user.has_role(Role.FINANCE)


def can_view_rounds(user: User, obj=None) -> bool:
    """The rounds, their progress by unit and the monitored projects' classes: finance and the principal."""
    return user.has_role(Role.FINANCE, Role.PRINCIPAL)


def can_open_round(user: User, obj=None) -> bool:
    """Finance pushes a stage down to the units (rules 二: 财务科负责牵头组织…绩效监控和绩效评价)."""
    return user.has_role(Role.FINANCE)


def can_decide_handling(user: User, project: Project | None = None) -> bool:
    """Finance records the handling decided for a monitored project, for any unit."""
    return user.has_role(Role.FINANCE) and (project is None or in_scope(user, project.unit_id))


def can_acknowledge_handling(user: User, decision=None) -> bool:
    """The unit's staff or head acknowledge an instruction to their own unit."""
    if not user.has_role(Role.STAFF, Role.SECTION_HEAD):
        return False
    return decision is None or is_own_unit(user, decision.unit_id)


def can_use_admin(user: User, obj=None) -> bool:
    """Admins configure the system; they hold no business approval rights."""
    return user.has_role(Role.ADMIN)


can_manage_users = can_use_admin
can_manage_settings = can_use_admin
can_view_audit = can_use_admin

RULES: dict[Action, Callable[..., bool]] = {
    Action.VIEW_PROJECT: can_view_project,
    Action.CREATE_PROJECT: can_create_project,
    Action.EDIT_PROJECT: can_edit_project,
    Action.VIEW_DOCUMENT: can_view_document,
    Action.CREATE_DOCUMENT: can_create_document,
    Action.EDIT_DOCUMENT: can_edit_document,
    Action.EXPORT: can_export,
    Action.VIEW_OUTSTANDING: can_view_outstanding,
    Action.DESIGNATE_KEY_MONITORING: can_designate_key_monitoring,
    Action.VIEW_ROUNDS: can_view_rounds,
    Action.OPEN_ROUND: can_open_round,
    Action.DECIDE_HANDLING: can_decide_handling,
    Action.ACKNOWLEDGE_HANDLING: can_acknowledge_handling,
    Action.USE_ADMIN: can_use_admin,
    Action.MANAGE_USERS: can_manage_users,
    Action.MANAGE_SETTINGS: can_manage_settings,
    Action.VIEW_AUDIT: can_view_audit,
    Action.VIEW_RESULTS: can_view_results,
    Action.DECIDE_RESULTS: can_decide_results,
    Action.SEND_REMINDER: can_send_reminder,
}

DENIAL_MESSAGES = {
    Action.CREATE_PROJECT: "只有本科室（单位）经办人可以新建本单位的项目",
    Action.EDIT_PROJECT: "只有本科室（单位）经办人可以修改项目，且项目已有报送的阶段文档后不能再修改",
    Action.USE_ADMIN: "只有系统管理员可以进行系统配置",
    Action.DESIGNATE_KEY_MONITORING: "重点监控项目由市财政局确定、财务科标记",
    Action.CREATE_DOCUMENT: "只有本科室（单位）经办人可以新建本单位项目的阶段文档（部门整体支出的目标、评价和整改报告由财务科新建）",
    Action.VIEW_RESULTS: "评价结果应用台账只对业务人员开放",
    Action.DECIDE_RESULTS: "评价结果应用决定由财务科记录",
    Action.SEND_REMINDER: "催办提醒由财务科发送",
    Action.VIEW_ROUNDS: "监控与自评任务由财务科、局主要领导查看",
    Action.OPEN_ROUND: "只有财务科可以下发绩效监控、绩效自评任务",
    Action.DECIDE_HANDLING: "处置措施由财务科决定",
    Action.ACKNOWLEDGE_HANDLING: "只有项目所在科室（单位）的经办人或负责人可以确认收到处置要求",
    Action.EDIT_DOCUMENT: "该文档当前状态下您不能修改：只有起草单位在草稿或退回状态下可以修改，已批复的绩效目标已锁定，需调整请发起「绩效目标调整」",
}


def can(user: User, action: Action, obj=None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = RULES.get(action)
    if rule is None:
        return False
    return rule(user, obj) if obj is not None else rule(user)


def require(user: User, action: Action, obj=None) -> None:
    """Raise PermissionDenied (403) with a Chinese reason unless can() allows it."""
    if not can(user, action, obj):
        raise PermissionDenied(DENIAL_MESSAGES.get(action))
