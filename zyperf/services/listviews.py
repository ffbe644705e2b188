"""Configurable document lists: which columns, filters, search fields and default sort each role sees
for each stage kind. Admins choose; the list page and the API-independent query here honour it."""

from dataclasses import dataclass, field

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.formatting import local_time
from zyperf.models import (
    KIND_LABELS,
    DocumentKind,
    FiscalYear,
    ListView,
    Project,
    Role,
    StageDocument,
    Unit,
    User,
)
from zyperf.permissions import Action, require, scoped
from zyperf.services import audit
from zyperf.services.paging import Page, like_pattern, paginate
from zyperf.transitions import state_label

COLUMNS = {
    "id": "编号",
    "year": "年度",
    "unit": "科室（单位）",
    "project": "项目",
    "project_code": "项目编码",
    "kind": "类型",
    "state": "状态",
    "form_version": "表单版本",
    "updated_at": "更新时间",
    "submitted_at": "送审时间",
}
FILTERS = {"kind": "类型", "state": "状态", "year": "年度", "unit": "科室（单位）"}
SEARCH_FIELDS = {"project": "项目名称", "project_code": "项目编码", "unit": "科室（单位）名称"}
SORTS = {
    "id": StageDocument.id,
    "year": FiscalYear.year,
    "unit": Unit.sort_order,
    "project": Project.name,
    "state": StageDocument.state,
    "updated_at": StageDocument.updated_at,
    "submitted_at": StageDocument.submitted_at,
}
SORT_LABELS = {k: COLUMNS[k] for k in SORTS}
# What a list shows and what allowed_actions asks (state, unit, who drafted, edited, submitted): never
# the JSON columns (data, settings_snapshot, review), which only the document page shows.
LIST_COLUMNS = load_only(
    StageDocument.id,
    StageDocument.kind,
    StageDocument.project_id,
    StageDocument.unit_id,
    StageDocument.fiscal_year_id,
    StageDocument.state,
    StageDocument.version,
    StageDocument.form_version,
    StageDocument.created_by_id,
    StageDocument.last_edited_by_id,
    StageDocument.submitted_by_id,
    StageDocument.updated_at,
    StageDocument.submitted_at,
    StageDocument.state_changed_at,
    StageDocument.due_on,  # the due date a round or a late creation gave it
    StageDocument.round_id,
)
# A list row's year, without the year's settings: joined, the settings JSON would be decoded once a row.
LIST_YEAR = joinedload(StageDocument.fiscal_year).defer(FiscalYear.settings)
ROLE_ORDER = [Role.STAFF, Role.SECTION_HEAD, Role.DIVISION_LEADER, Role.FINANCE, Role.PRINCIPAL]


@dataclass
class ListConfig:
    columns: list[str] = field(
        default_factory=lambda: ["id", "year", "unit", "project", "kind", "state", "updated_at"]
    )
    filters: list[str] = field(default_factory=lambda: ["kind", "state", "year", "unit"])
    search_fields: list[str] = field(default_factory=lambda: ["project", "project_code"])
    default_sort: str = "-updated_at"
    page_size: int = 50


def resolve(user: User, kind: str | None) -> ListConfig:
    """The most specific configuration for the user's roles and the kind shown: (kind, role),
    (kind, any role), (any kind, role), (any, any), else the built-in default. One query."""
    roles = [r.value for r in ROLE_ORDER if user.has_role(r)]
    rows = db.session.scalars(select(ListView)).all()

    def rank(row: ListView):
        if row.kind not in (None, kind) or (row.role is not None and row.role not in roles):
            return None
        role_rank = roles.index(row.role) if row.role else len(roles)
        return (0 if row.kind else 1, 0 if row.role else 1, role_rank)

    ranked = sorted((r for r in rows if rank(r) is not None), key=rank)
    if not ranked:
        return ListConfig()
    best = ranked[0]
    return ListConfig(
        list(best.columns), list(best.filters), list(best.search_fields), best.default_sort, best.page_size
    )


def _check(values, allowed: dict, key: str, errors: dict) -> list[str]:
    values = list(values or [])
    unknown = [v for v in values if v not in allowed]
    if unknown:
        errors[key] = [f"未知的选项：{'、'.join(map(str, unknown))}"]
    if len(set(values)) != len(values):
        errors.setdefault(key, []).append("选项重复")
    return values


def save_list_view(
    view: ListView | None,
    *,
    actor: User,
    kind,
    role,
    columns,
    filters,
    search_fields,
    default_sort,
    page_size,
) -> ListView:
    """Create or change one list configuration after checking every choice. Flushes; caller commits."""
    require(actor, Action.MANAGE_SETTINGS)
    errors: dict[str, list[str]] = {}
    kind = kind or None
    role = role or None
    if kind is not None and kind not in DocumentKind._value2member_map_:
        errors["kind"] = ["未知的文档类型"]
    if role is not None and role not in Role._value2member_map_:
        errors["role"] = ["未知的角色"]
    columns = _check(columns, COLUMNS, "columns", errors)
    if not columns and "columns" not in errors:
        errors["columns"] = ["至少选择一列"]
    filters = _check(filters, FILTERS, "filters", errors)
    search_fields = _check(search_fields, SEARCH_FIELDS, "search_fields", errors)
    if (default_sort or "").lstrip("-") not in SORTS:
        errors["default_sort"] = ["未知的排序方式"]
    try:
        page_size = int(page_size)
    except (TypeError, ValueError):
        page_size = 0
    if not 5 <= page_size <= 500:
        errors["page_size"] = ["每页条数应在 5 到 500 之间"]
    same = select(ListView).where(
        ListView.kind.is_(None) if kind is None else ListView.kind == kind,
        ListView.role.is_(None) if role is None else ListView.role == role,
    )
    other = db.session.scalar(same)
    if other is not None and other is not view:
        errors["role"] = ["该类型与角色的列表设置已存在，请修改原有设置"]
    if errors:
        raise ValidationFailed(fields=errors)
    creating = view is None
    view = view or ListView()
    before = {} if creating else {"kind": view.kind, "role": view.role, "columns": view.columns, "filters": view.filters,
                                  "search_fields": view.search_fields, "default_sort": view.default_sort, "page_size": view.page_size}  # fmt: skip
    after = {"kind": kind, "role": role, "columns": columns, "filters": filters, "search_fields": search_fields,
             "default_sort": default_sort, "page_size": page_size}  # fmt: skip
    for key, value in after.items():
        setattr(view, key, value)
    db.session.add(view)
    db.session.flush()
    audit.record(
        actor, "listview." + ("create" if creating else "update"), view, changes=audit.diff(before, after)
    )
    return view


def document_query(user: User, config: ListConfig, args: dict) -> Select:
    """Scoped documents with the configured filters, search and sort applied; the list's related rows
    joined in the same query and the JSON data (never shown in a list) not loaded. Units, projects and
    years are joined for filtering only when a filter, search or sort needs them, so the default list
    reads one table in the order of an index (updated_at, id)."""
    stmt = scoped(select(StageDocument), user).options(
        LIST_COLUMNS,
        # Joined, the project would bring its own joined unit and year as a nested join, which SQLite
        # materialises whole: a second query for the page's projects stays the same size.
        selectinload(StageDocument.project),
        joinedload(StageDocument.unit),
        LIST_YEAR,
    )
    if "kind" in config.filters and args.get("kind"):
        stmt = stmt.where(StageDocument.kind == args["kind"])
    if "state" in config.filters and args.get("state"):
        stmt = stmt.where(StageDocument.state == args["state"])
    if "year" in config.filters and str(args.get("year", "")).isdigit():
        year = select(FiscalYear.id).where(FiscalYear.year == int(args["year"])).scalar_subquery()
        stmt = stmt.where(StageDocument.fiscal_year_id == year)
    if "unit" in config.filters and args.get("unit"):
        unit = select(Unit.id).where(Unit.code == args["unit"]).scalar_subquery()
        stmt = stmt.where(StageDocument.unit_id == unit)
    sort = args.get("sort") if (args.get("sort") or "").lstrip("-") in SORTS else config.default_sort
    term = (args.get("q") or "").strip()[:100]
    searching = bool(term and config.search_fields)
    needs = {sort.lstrip("-")} | (set(config.search_fields) if searching else set())
    if needs & {"project", "project_code"}:
        stmt = stmt.outerjoin(Project, StageDocument.project_id == Project.id)
    if needs & {"unit"}:
        stmt = stmt.join(Unit, StageDocument.unit_id == Unit.id)
    if needs & {"year"}:
        stmt = stmt.join(FiscalYear, StageDocument.fiscal_year_id == FiscalYear.id)
    if searching:
        like = like_pattern(term)
        columns = {"project": Project.name, "project_code": Project.code, "unit": Unit.name}
        stmt = stmt.where(or_(*(columns[f].ilike(like, escape="\\") for f in config.search_fields)))
    column = SORTS[sort.lstrip("-")]
    if sort.startswith("-"):
        return stmt.order_by(column.desc(), StageDocument.id.desc())
    return stmt.order_by(column.asc(), StageDocument.id.asc())


def list_page(user: User, config: ListConfig, args: dict) -> Page:
    """One page of the list (past the last page: the last), in a COUNT and one row query."""
    page = int(args["page"]) if str(args.get("page", "")).isdigit() else 1
    return paginate(document_query(user, config, args), page=page, per_page=config.page_size, clamp=True)


def cell(document: StageDocument, column: str) -> str:
    """The text of one list cell."""
    if column == "id":
        return str(document.id)
    if column == "year":
        return str(document.fiscal_year.year)
    if column == "unit":
        return document.unit.name
    if column == "project":
        return document.project.name if document.project else "部门整体"
    if column == "project_code":
        return (document.project.code or "") if document.project else ""
    if column == "kind":
        return KIND_LABELS[DocumentKind(document.kind)]
    if column == "state":
        return state_label(document.state)
    if column == "form_version":
        return f"第 {document.form_version} 版" if document.form_version else "—"
    return local_time(getattr(document, column))
