"""System-wide settings: one row, read through services.settings.system_settings()."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from zyperf.domain.settings import DEFAULT_BUREAU_NAME
from zyperf.extensions import db
from zyperf.models.base import utcnow


class SystemConfig(db.Model):
    """The bureau's name, code and 财务负责人. At most one row (id 1); none means the defaults."""

    __tablename__ = "system_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_name: Mapped[str] = mapped_column(String(100), default=DEFAULT_BUREAU_NAME)
    bureau_code: Mapped[str] = mapped_column(String(32), default="")
    finance_head: Mapped[str] = mapped_column(String(32), default="")
    updated_at: Mapped[datetime | None] = mapped_column(onupdate=utcnow)

    def __str__(self) -> str:
        return "系统设置"
