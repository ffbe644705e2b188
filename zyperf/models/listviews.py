"""How document lists look, per stage kind and role: columns, filters, search fields, default sort."""

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zyperf.extensions import db


class ListView(db.Model):
    """An admin's choice for one (kind, role); NULL kind or role means "any". The most specific wins."""

    __tablename__ = "list_views"
    __table_args__ = (UniqueConstraint("kind", "role", name="kind_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str | None] = mapped_column(String(32))
    columns: Mapped[list] = mapped_column(JSON, default=list)
    filters: Mapped[list] = mapped_column(JSON, default=list)
    search_fields: Mapped[list] = mapped_column(JSON, default=list)
    default_sort: Mapped[str] = mapped_column(String(64), default="-updated_at")
    page_size: Mapped[int] = mapped_column(Integer, default=50)
