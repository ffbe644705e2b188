"""Accounts, units and projects."""

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select

from zyperf.api import BadRequest, bp, json_body
from zyperf.extensions import db
from zyperf.models import FiscalYear, Project, StageDocument, Unit
from zyperf.permissions import Action, get_visible_or_404, require, scoped
from zyperf.services import projects as project_service
from zyperf.services.paging import DEFAULT_PER_PAGE, MAX_PER_PAGE, Page, paginate

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
    }


def int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为整数") from None


def page_args() -> tuple[int, int]:
    """`page` (from 1, default 1) and `per_page` (default 50, at most 200: more is taken as 200)."""
    page, per_page = int_arg("page"), int_arg("per_page")
    if page is not None and page < 1:
        raise BadRequest("参数 page 应为正整数")
    if per_page is not None and per_page < 1:
        raise BadRequest("参数 per_page 应为正整数")
    return page or 1, min(per_page or DEFAULT_PER_PAGE, MAX_PER_PAGE)


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
    if unit_code := request.args.get("unit"):
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
    year = body.get("year")
    fy = project_service.fiscal_year(year) if isinstance(year, int) else project_service.current_fiscal_year()
    if fy is None:
        raise BadRequest("预算年度不存在")
    amounts = body.get("amounts") or {}
    if not isinstance(amounts, dict):
        raise BadRequest("amounts 应为对象")
    values = {
        "code": body.get("code"),
        "name": body.get("name"),
        **{f"{key}_amount": amounts.get(key) for key in AMOUNT_KEYS},
        **{k: body.get(k) for k in ("is_new", "is_major", "added_mid_year", "is_key_monitoring")},
    }
    for key, value in values.items():
        if value is not None and not isinstance(value, str | int | float | bool):
            raise BadRequest(f"字段 {key} 的类型不正确")
    project = project_service.create_project(actor=user, unit=user.unit, fiscal_year=fy, values=values)
    db.session.commit()
    return jsonify(project_json(project)), 201


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
