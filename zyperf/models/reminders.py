"""Reminders (催办提醒): finance's message to a unit about its outstanding work, shown to the unit's staff
and head on their 工作台 and 我的待办."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zyperf.extensions import db
from zyperf.models.accounts import Unit, User
from zyperf.models.base import utcnow
from zyperf.models.projects import FiscalYear


class Reminder(db.Model):
    __tablename__ = "reminders"
    # A unit's reminders, newest first.
    __table_args__ = (Index("ix_reminders_unit_sent_at", "unit_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    fiscal_year_id: Mapped[int | None] = mapped_column(ForeignKey("fiscal_years.id"))
    message: Mapped[str] = mapped_column(Text)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    fiscal_year: Mapped[FiscalYear | None] = relationship()
    sent_by: Mapped[User | None] = relationship()
