"""Projects and fiscal years."""

from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from zyperf.domain.text import FieldError, check_amount
from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.models import DocumentKind, FiscalYear, Project, Unit, User
from zyperf.permissions import Action, can, require, scoped
from zyperf.services import audit
from zyperf.services.paging import like_pattern

AMOUNT_FIELDS = ("fiscal_amount", "special_amount", "unit_amount", "other_amount", "carryover_amount")
PROJECT_FIELDS = ("code", "name", *AMOUNT_FIELDS, "is_new", "is_major", "added_mid_year")
FLAGS = ("is_new", "is_major", "added_mid_year")
AMOUNT_LABELS = {
    "fiscal_amount": "财政资金",
    "special_amount": "财政专户管理资金",
    "unit_amount": "单位资金",
    "other_amount": "其他资金",
    "carryover_amount": "上年结转资金",
}
PICKER_LIMIT = 20  # projects a typed search answers with
KEY_MONITORING_MESSAGE = "重点监控项目由市财政局确定、财务科标记，经办人不能设置"
MAX_AMOUNT = Decimal("999999999999.99")


def current_fiscal_year() -> FiscalYear | None:
    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.is_current.is_(True)))
    return fy or db.session.scalar(select(FiscalYear).order_by(FiscalYear.year.desc()))


def fiscal_year(year: int) -> FiscalYear | None:
    return db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))


def _amount(value, key: str, errors: dict) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    try:
        amount = check_amount(value, AMOUNT_LABELS[key])
    except FieldError as exc:
        errors.setdefault(key, []).extend(exc.messages)
        return Decimal("0.00")
    if amount > MAX_AMOUNT:
        errors.setdefault(key, []).append(f"{AMOUNT_LABELS[key]}金额过大")
    return amount


def clean_project_values(values: dict) -> dict:
    """Check and normalise project fields; raise ValidationFailed naming each bad field.

    The amounts are the four fund sources (and 上年结转资金 within 财政资金); 年度资金总额 is their sum
    and is never entered: a total that is given must equal it.
    """
    errors: dict[str, list[str]] = {}
    clean = {}
    name = values.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = ["请填写项目名称"]
    elif len(name) > 200:
        errors["name"] = ["项目名称不能超过 200 字"]
    clean["name"] = name
    code = values.get("code")
    code = (code.strip() if isinstance(code, str) else "") or None
    if code and (len(code) > 40 or not code.isalnum() or not code.isascii()):
        errors["code"] = ["项目编码只能由字母和数字组成，不超过 40 位"]
    clean["code"] = code
    for key in AMOUNT_FIELDS:
        clean[key] = _amount(values.get(key), key, errors)
    if clean["carryover_amount"] > clean["fiscal_amount"]:
        errors.setdefault("carryover_amount", []).append("上年结转资金是财政资金的一部分，不得超过财政资金")
    total = sum(clean[k] for k in AMOUNT_FIELDS if k != "carryover_amount")
    given = values.get("total_amount")
    if given not in (None, "") and not errors.get("total_amount"):
        try:
            mismatch = check_amount(given, "年度资金总额") != total
        except FieldError as exc:
            errors["total_amount"] = exc.messages
        else:
            if mismatch:
                errors["total_amount"] = [
                    f"年度资金总额由各资金来源合计得出（{total}），不需填写；填写的 {given} 与之不符"
                ]
    if total <= 0 and not errors:
        errors["fiscal_amount"] = ["年度资金总额应大于0：请填写至少一项资金来源"]
    clean["total_amount"] = total
    for flag in FLAGS:
        clean[flag] = bool(values.get(flag))
    if errors:
        raise ValidationFailed(fields=errors)
    return clean


def _check_unique_name(fy: FiscalYear, unit: Unit, name: str, exclude_id: int | None = None) -> None:
    stmt = select(Project.id).where(
        Project.fiscal_year_id == fy.id, Project.unit_id == unit.id, Project.name == name
    )
    if exclude_id:
        stmt = stmt.where(Project.id != exclude_id)
    if db.session.scalar(stmt):
        raise ValidationFailed(fields={"name": [f"{fy.year} 年本单位已有同名项目"]})


def create_project(*, actor: User, unit: Unit, fiscal_year: FiscalYear, values: dict) -> Project:
    """Staff create a project of their own unit. Raises PermissionDenied/ValidationFailed. Flushes."""
    require(actor, Action.CREATE_PROJECT, unit)
    if values.get("is_key_monitoring"):
        raise ValidationFailed(fields={"is_key_monitoring": [KEY_MONITORING_MESSAGE]})
    clean = clean_project_values(values)
    _check_unique_name(fiscal_year, unit, clean["name"])
    project = Project(unit=unit, fiscal_year=fiscal_year, created_by_id=actor.id, **clean)
    db.session.add(project)
    try:
        db.session.flush()
    except IntegrityError as err:
        db.session.rollback()
        if "year_unit_name" in str(err.orig) or "UNIQUE" in str(
            err.orig
        ):  # saved a moment ago by someone else
            raise ValidationFailed(fields={"name": [f"{fiscal_year.year} 年本单位已有同名项目"]}) from None
        raise
    audit.record(actor, "project.create", project, summary=project.name, changes=clean)
    return project


def update_project(project: Project, *, actor: User, values: dict) -> Project:
    """Edit a project while it has no submitted stage document. Flushes; caller commits."""
    require(actor, Action.EDIT_PROJECT, project)
    if "is_key_monitoring" in values and bool(values["is_key_monitoring"]) != project.is_key_monitoring:
        raise ValidationFailed(fields={"is_key_monitoring": [KEY_MONITORING_MESSAGE]})
    values = {k: v for k, v in values.items() if k not in ("is_key_monitoring", "total_amount")}
    merged = {k: getattr(project, k) for k in PROJECT_FIELDS} | values
    clean = clean_project_values(merged)
    _check_unique_name(project.fiscal_year, project.unit, clean["name"], exclude_id=project.id)
    before = {k: getattr(project, k) for k in PROJECT_FIELDS}
    for key, value in clean.items():
        setattr(project, key, value)
    changes = audit.diff(before, clean)
    if changes:
        audit.record(actor, "project.update", project, summary=project.name, changes=changes)
    db.session.flush()
    return project


def set_key_monitoring(project: Project, designated: bool, *, actor: User) -> bool:
    """Finance records the city bureau's 重点监控 designation (or its withdrawal). Returns whether it
    changed. Raises PermissionDenied. Flushes; caller commits."""
    require(actor, Action.DESIGNATE_KEY_MONITORING, project)
    if project.is_key_monitoring == designated:
        return False
    audit.record(
        actor,
        "project.key_monitoring",
        project,
        summary=project.name,
        changes={"is_key_monitoring": [project.is_key_monitoring, designated]},
    )
    project.is_key_monitoring = designated
    db.session.flush()
    return True


def starts_documents(user: User) -> bool:
    """Whether the user starts project stage documents: unit staff, on their own unit's projects."""
    return user.unit_id is not None and can(
        user, Action.CREATE_DOCUMENT, (DocumentKind.MONITORING.value, user.unit_id)
    )


def startable_projects(user: User, term: str = "", *, limit: int = PICKER_LIMIT) -> list[Project]:
    """This year's projects the user may start a stage document on whose name or code contains `term`:
    the "new document" picker searches, it never lists them all. At most `limit`, by name."""
    current = current_fiscal_year()
    if current is None or not starts_documents(user):
        return []
    stmt = scoped(select(Project), user).where(
        Project.fiscal_year_id == current.id, Project.unit_id == user.unit_id
    )
    if term := (term or "").strip()[:100]:
        like = like_pattern(term)
        stmt = stmt.where(or_(Project.name.ilike(like, escape="\\"), Project.code.ilike(like, escape="\\")))
    return list(db.session.scalars(stmt.order_by(Project.name, Project.id).limit(limit)))


def startable_project(user: User, text: str) -> Project:
    """The one project a typed name or code means (the picker without JavaScript): an exact name, code
    or "code-name", else the only project containing the text. Raises ValidationFailed saying why not."""
    text = (text or "").strip()
    found = startable_projects(user, text) if text else []
    exact = [p for p in found if text in (p.name, p.code, p.display_name)]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if not text:
        message = "请输入项目名称或编码"
    elif not found:
        message = f"本年度本科室（单位）没有名称或编码含「{text}」的项目"
    else:
        names = "、".join(p.name for p in found[:5]) + ("等" if len(found) > 5 else "")
        message = f"有多个项目的名称或编码含「{text}」（{names}），请输入完整的项目名称或编码"
    raise ValidationFailed(message, fields={"project": [message]})
