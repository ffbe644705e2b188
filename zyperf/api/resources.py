"""Accounts, units and projects."""

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from zyperf import boundary
from zyperf.api import BadRequest, bp, int_arg, json_body, str_arg
from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.models import FiscalYear, Project, StageDocument, Unit
from zyperf.permissions import Action, get_visible_or_404, require, scoped
from zyperf.services import projects as project_service
from zyperf.services.paging import DEFAULT_PER_PAGE, MAX_API_PER_PAGE, Page, paginate

# 总额 and the fund sources (excel-formats §4.3); 上年结转资金 (carryover) is part of 财政资金 (fiscal).
AMOUNT_KEYS = ("total", "fiscal", "special", "unit", "other", "carryover")


def actor():
    return current_user._get_current_object()


def unit_json(unit: Unit | None):
    return {"code": unit.code, "name": unit.name} if unit else None


def project_json(p: Project) -> dict:
    return {
        "id": p.id,
        "code": p.code,
        "name": p.name,
        "year": p.fiscal_year.year,
        "unit": unit_json(p.unit),
        "is_new": p.is_new,
        "is_major": p.is_major,
        "is_key_monitoring": p.is_key_monitoring,
        "added_mid_year": p.added_mid_year,
        "amounts": {key: str(getattr(p, f"{key}_amount")) for key in AMOUNT_KEYS},
        "needs_ex_ante": p.needs_ex_ante,
        "in_library": p.in_library,
    }


def page_args() -> tuple[int, int]:
    """`page` (from 1, default 1) and `per_page` (default 50; more than 200 is taken as 200)."""
    page = int_arg("page", minimum=1, maximum=boundary.MAX_PAGE) or 1
    per_page = int_arg("per_page", minimum=1) or DEFAULT_PER_PAGE
    return page, min(per_page, MAX_API_PER_PAGE)


def page_json(page: Page, item_json) -> dict:
    """The shape every list route answers with (api.md): {items, page, per_page, total}."""
    return {
        "items": [item_json(row) for row in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


def paged(stmt, item_json) -> dict:
    page, per_page = page_args()
    return page_json(paginate(stmt, page=page, per_page=per_page), item_json)


@bp.get("/me")
def me():
    user = actor()
    return jsonify(
        {
            "username": user.username,
            "display_name": user.display_name,
            "roles": sorted(user.roles),
            "unit": unit_json(user.unit),
            "oversees": sorted(u.code for u in user.oversees),
        }
    )


@bp.get("/units")
def units():
    rows = db.session.scalars(scoped(select(Unit), actor()).order_by(Unit.sort_order, Unit.id))
    return jsonify([{"id": u.id, **unit_json(u), "is_finance": u.is_finance} for u in rows])


def project_query(user):
    """Scoped projects, filtered by year and unit, newest year first, then by unit and id: the order of
    the (fiscal_year_id DESC, unit_id, id) index, as the project list page sorts them."""
    stmt = scoped(select(Project), user)
    if (year := int_arg("year")) is not None:
        stmt = stmt.where(
            Project.fiscal_year_id == select(FiscalYear.id).where(FiscalYear.year == year).scalar_subquery()
        )
    if unit_code := str_arg("unit", max_length=32):
        stmt = stmt.where(Project.unit_id == select(Unit.id).where(Unit.code == unit_code).scalar_subquery())
    return stmt.order_by(Project.fiscal_year_id.desc(), Project.unit_id, Project.id)


@bp.get("/projects")
def projects():
    return jsonify(paged(project_query(actor()), project_json))


@bp.post("/projects")
def create_project():
    user = actor()
    body = json_body()
    require(user, Action.CREATE_PROJECT)
    year = boundary.optional_integer(body.get("year"), "year", from_text=False)
    fy = project_service.fiscal_year(year) if year is not None else project_service.current_fiscal_year()
    if fy is None:
        raise ValidationFailed("预算年度不存在", fields={"year": ["预算年度不存在"]})
    amounts = body.get("amounts") or {}
    if not isinstance(amounts, dict):
        raise BadRequest("参数 amounts 应为对象", fields={"amounts": ["应为对象"]})
    values = {
        "code": boundary.optional_text(body.get("code"), "code", max_length=200),
        "name": boundary.text(body.get("name", ""), "name", max_length=1000),
        **{f"{key}_amount": amount(amounts.get(key), f"amounts.{key}") for key in AMOUNT_KEYS},
        **{k: boundary.optional_boolean(body.get(k), k) for k in PROJECT_FLAGS},
    }
    project = project_service.create_project(actor=user, unit=user.unit, fiscal_year=fy, values=values)
    db.session.commit()
    return jsonify(project_json(project)), 201


PROJECT_FLAGS = ("is_new", "is_major", "added_mid_year", "is_key_monitoring")


def amount(value, name: str):
    """An amount as a JSON number or a numeric string; the project service checks its value."""
    if value is None or isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return boundary.text(value, name, max_length=40)


@bp.get("/projects/<int:project_id>")
def project_detail(project_id: int):
    project = get_visible_or_404(actor(), Project, project_id)
    return jsonify(project_json(project) | {"documents": project_documents(project)})


def project_documents(project: Project) -> list[dict]:
    rows = db.session.scalars(
        scoped(select(StageDocument), actor())
        .where(StageDocument.project_id == project.id)
        .order_by(StageDocument.id)
    )
    return [{"id": d.id, "kind": d.kind, "state": d.state, "version": d.version} for d in rows]
