"""Projects and fiscal years."""

from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.models import FiscalYear, Project, Unit, User
from zyperf.permissions import Action, require
from zyperf.services import audit

PROJECT_FIELDS = (
    "code",
    "name",
    "total_amount",
    "fiscal_amount",
    "other_amount",
    "is_new",
    "is_major",
    "added_mid_year",
)
KEY_MONITORING_MESSAGE = "重点监控项目由市财政局确定、财务科标记，经办人不能设置"
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")


def current_fiscal_year() -> FiscalYear | None:
    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.is_current.is_(True)))
    return fy or db.session.scalar(select(FiscalYear).order_by(FiscalYear.year.desc()))


def fiscal_year(year: int) -> FiscalYear | None:
    return db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))


def _amount(value, label: str, errors: dict) -> Decimal | None:
    if value is None or value == "":
        return Decimal("0.00")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(label, []).append("请输入数字金额（万元）")
        return None
    if not amount.is_finite():
        errors.setdefault(label, []).append("请输入数字金额（万元）")
        return None
    if amount < 0:
        errors.setdefault(label, []).append("金额不能为负数")
        return None
    if amount > MAX_AMOUNT:  # before quantize(): "1e30" has more digits than its context allows
        errors.setdefault(label, []).append(f"金额过大（不超过 {MAX_AMOUNT} 万元）")
        return None
    if amount != amount.quantize(CENT):
        errors.setdefault(label, []).append("金额最多保留两位小数（万元）")
        return None
    return amount.quantize(CENT)


def clean_project_values(values: dict) -> dict:
    """Check and normalise project fields; raise ValidationFailed naming each bad field.

    年度资金总额 must equal 财政拨款 + 其他资金; when the total is left empty it is computed.
    """
    errors: dict[str, list[str]] = {}
    clean = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = ["请填写项目名称"]
    elif len(name) > 200:
        errors["name"] = ["项目名称不能超过 200 字"]
    clean["name"] = name
    code = (values.get("code") or "").strip() or None
    if code and (len(code) > 40 or not code.isalnum() or not code.isascii()):
        errors["code"] = ["项目编码只能由字母和数字组成，不超过 40 位"]
    clean["code"] = code
    for key in ("fiscal_amount", "other_amount"):
        clean[key] = _amount(values.get(key), key, errors)
    total_raw = values.get("total_amount")
    if total_raw in (None, "") and clean["fiscal_amount"] is not None and clean["other_amount"] is not None:
        clean["total_amount"] = clean["fiscal_amount"] + clean["other_amount"]
    else:
        clean["total_amount"] = _amount(total_raw, "total_amount", errors)
    if not errors and clean["total_amount"] != clean["fiscal_amount"] + clean["other_amount"]:
        expected = clean["fiscal_amount"] + clean["other_amount"]
        errors["total_amount"] = [
            f"年度资金总额（{clean['total_amount']}）应等于财政拨款与其他资金之和（{expected}）"
        ]
    for flag in ("is_new", "is_major", "added_mid_year"):
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
    except IntegrityError:  # the same name saved a moment ago by someone else
        db.session.rollback()
        raise ValidationFailed(fields={"name": [f"{fiscal_year.year} 年本单位已有同名项目"]}) from None
    audit.record(actor, "project.create", project, summary=project.name, changes=clean)
    return project


def update_project(project: Project, *, actor: User, values: dict) -> Project:
    """Edit a project while it has no submitted stage document. Flushes; caller commits."""
    require(actor, Action.EDIT_PROJECT, project)
    if "is_key_monitoring" in values and bool(values["is_key_monitoring"]) != project.is_key_monitoring:
        raise ValidationFailed(fields={"is_key_monitoring": [KEY_MONITORING_MESSAGE]})
    values = {k: v for k, v in values.items() if k != "is_key_monitoring"}
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
