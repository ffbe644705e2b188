"""催办提醒: finance reminds a unit of its outstanding work; the unit's staff and head (and the division
leader overseeing it) read it on their 工作台 and 我的待办. Recorded and audited."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from zyperf.domain.text import FieldError, check_text
from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.models import FiscalYear, Reminder, Role, Unit, User
from zyperf.permissions import Action, require, visible_unit_ids
from zyperf.services import audit

MAX_MESSAGE = 500
DEFAULT_MESSAGE = "请抓紧办理本科室（单位）未完成的绩效管理文档，逾期的请尽快补齐。"


def send(unit: Unit, *, actor: User, message, fiscal_year: FiscalYear | None = None) -> Reminder:
    """Finance's reminder to a unit. Raises PermissionDenied, ValidationFailed. Flushes."""
    require(actor, Action.SEND_REMINDER, unit)
    try:
        text = check_text(message or DEFAULT_MESSAGE, "提醒内容", MAX_MESSAGE).strip()
    except FieldError as err:
        raise ValidationFailed(str(err), fields={"message": [str(err)]}) from None
    if not text:
        raise ValidationFailed("请填写提醒内容", fields={"message": ["请填写提醒内容"]})
    reminder = Reminder(unit_id=unit.id, fiscal_year=fiscal_year, message=text, sent_by_id=actor.id)
    db.session.add(reminder)
    db.session.flush()
    audit.record(actor, "reminder.send", reminder, summary=f"{unit.name}：{text}")
    db.session.flush()
    return reminder


def received(user: User, *, limit: int = 5) -> list[Reminder]:
    """The newest reminders to the units whose work is the user's: their own unit for staff and heads,
    the units they oversee for division leaders. One query (two with the senders)."""
    if not user.has_role(Role.STAFF, Role.SECTION_HEAD, Role.DIVISION_LEADER):
        return []
    units = visible_unit_ids(user) or set()
    if not units:
        return []
    return db.session.scalars(
        select(Reminder)
        .where(Reminder.unit_id.in_(sorted(units)))
        .options(selectinload(Reminder.sent_by), selectinload(Reminder.unit))
        .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
        .limit(limit)
    ).all()


def sent(*, limit: int = 10) -> list[Reminder]:
    """The newest reminders sent, for finance's 催办 page."""
    return db.session.scalars(
        select(Reminder)
        .options(selectinload(Reminder.sent_by), selectinload(Reminder.unit))
        .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
        .limit(limit)
    ).all()
