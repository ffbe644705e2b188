"""Versioned stage-form definitions (low-code forms) and the indicator catalog (一级 / 二级)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zyperf.extensions import db
from zyperf.models.accounts import User
from zyperf.models.base import utcnow
from zyperf.models.projects import FiscalYear


class DefinitionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"draft": "草稿", "published": "已发布"}[self.value]


class FormDefinition(db.Model):
    """One version of the form of a document kind in a fiscal year. Published versions never change:
    documents keep the version they were filled with (domain.md)."""

    __tablename__ = "form_definitions"
    __table_args__ = (UniqueConstraint("kind", "fiscal_year_id", "version", name="kind_year_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=DefinitionStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(200), default="")
    fields: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    fiscal_year: Mapped[FiscalYear] = relationship(lazy="joined", innerjoin=True)
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    @property
    def is_published(self) -> bool:
        return self.status == DefinitionStatus.PUBLISHED

    def __str__(self) -> str:
        return f"{self.kind} {self.fiscal_year_id} v{self.version}"


class PublishedDefinitionImmutable(RuntimeError):
    pass


@event.listens_for(FormDefinition, "before_update")
def _refuse_published_change(mapper, connection, target: FormDefinition):
    # The service refuses first; this catches any other write path (admin, shell, a future bug).
    state = inspect(target)
    status_hist = state.attrs.status.history
    was_published = (status_hist.deleted or [target.status])[0] == DefinitionStatus.PUBLISHED
    if was_published and state.attrs.fields.history.has_changes():
        raise PublishedDefinitionImmutable("已发布的表单版本不可修改，请新建版本")


@event.listens_for(FormDefinition, "before_delete")
def _refuse_published_delete(mapper, connection, target: FormDefinition):
    if inspect(target).committed_state.get("status", target.status) == DefinitionStatus.PUBLISHED:
        raise PublishedDefinitionImmutable("已发布的表单版本不可删除")


class IndicatorCategory(db.Model):
    """One (一级, 二级) pair of an indicator framework ('2021' or '2015'), in catalog order."""

    __tablename__ = "indicator_categories"
    __table_args__ = (UniqueConstraint("framework", "level1", "level2", name="framework_levels"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework: Mapped[str] = mapped_column(String(16), index=True)
    level1: Mapped[str] = mapped_column(String(50))
    level2: Mapped[str] = mapped_column(String(50))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def __str__(self) -> str:
        return f"{self.level1} / {self.level2}"
