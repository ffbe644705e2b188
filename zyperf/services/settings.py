"""System settings and fiscal-year settings: read, validated, changed by admins, audited key by key."""

from dataclasses import asdict

from zyperf.domain.settings import (
    SystemSettings,
    YearSettings,
    validate_settings,
    validate_system_settings,
)
from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.models import FiscalYear, SystemConfig, User
from zyperf.permissions import Action, require
from zyperf.services import audit

SYSTEM_ROW_ID = 1
INVALID_MESSAGE = "设置有误，请按提示修改"


def system_settings() -> SystemSettings:
    """The bureau's name, code and 财务负责人; the defaults while no admin has saved them."""
    row = db.session.get(SystemConfig, SYSTEM_ROW_ID)
    if row is None:
        return SystemSettings()
    return SystemSettings(
        bureau_name=row.bureau_name, bureau_code=row.bureau_code or "", finance_head=row.finance_head or ""
    )


def update_system_settings(values: dict, *, actor: User) -> SystemSettings:
    """Change any of bureau_name, bureau_code, finance_head. Raises PermissionDenied or
    ValidationFailed (fields keyed by those names). Audited; flushes, the caller commits."""
    require(actor, Action.MANAGE_SETTINGS)
    clean, errors = validate_system_settings(values)
    if errors:
        raise ValidationFailed(INVALID_MESSAGE, fields=errors)
    before = asdict(system_settings())
    row = db.session.get(SystemConfig, SYSTEM_ROW_ID)
    if row is None:
        row = SystemConfig(id=SYSTEM_ROW_ID, **before)
        db.session.add(row)
    for key, value in clean.items():
        setattr(row, key, value)
    db.session.flush()
    after = asdict(system_settings())
    if changes := audit.diff(before, after):
        audit.record(actor, "system_settings.update", row, summary="系统设置", changes=changes)
        db.session.flush()
    return SystemSettings(**after)


def update_year_settings(fiscal_year: FiscalYear, values: dict, *, actor: User) -> YearSettings:
    """Lay `values` (dotted keys of excel-formats §2, raw or typed) over the year's settings.
    Raises PermissionDenied or ValidationFailed (fields keyed by dotted key). Every changed key is
    audited with its old and new value; flushes, the caller commits."""
    require(actor, Action.MANAGE_SETTINGS)
    before = YearSettings.from_json(fiscal_year.settings).to_json()
    clean, errors = validate_settings(values, before)
    if errors:
        raise ValidationFailed(INVALID_MESSAGE, fields=errors)
    if changes := audit.diff(before, clean):
        fiscal_year.settings = clean  # a new dict: the JSON column sees the change
        db.session.flush()
        audit.record(
            actor, "fiscalyear.settings", fiscal_year, summary=f"{fiscal_year}预算年度设置", changes=changes
        )
        db.session.flush()
    return YearSettings.from_json(fiscal_year.settings)
