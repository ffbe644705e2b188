"""Units (科室/单位), users, role grants, oversight, API tokens and login throttling."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zyperf.extensions import db
from zyperf.models.base import utcnow


class Role(StrEnum):
    STAFF = "staff"
    SECTION_HEAD = "section_head"
    DIVISION_LEADER = "division_leader"
    PRINCIPAL = "principal"
    FINANCE = "finance"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.STAFF: "科室（单位）经办人",
    Role.SECTION_HEAD: "科室（单位）负责人",
    Role.DIVISION_LEADER: "分管领导",
    Role.PRINCIPAL: "局主要领导",
    Role.FINANCE: "财务科",
    Role.ADMIN: "系统管理员",
}


class UnitKind(StrEnum):
    SECTION = "section"  # 机关科室
    SUBORDINATE = "subordinate"  # 下属单位

    @property
    def label(self) -> str:
        return {"section": "机关科室", "subordinate": "下属单位"}[self.value]


user_oversees = Table(
    "user_oversees",
    db.metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=UnitKind.SECTION)
    is_finance: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime | None]
    # The session generation: sessions carry it (get_id) and end when it is raised (services.accounts).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    oversees: Mapped[list[Unit]] = relationship(secondary=user_oversees, lazy="selectin")

    def get_id(self) -> str:
        """What the session cookie holds: the id and the session generation (zyperf.auth)."""
        return f"{self.id}:{self.session_epoch or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(g.role) for g in self.grants)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def role_labels(self) -> str:
        return "、".join(Role(r).label for r in sorted(self.roles, key=list(Role).index))

    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）"


class RoleGrant(db.Model):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="grants")

    def __str__(self) -> str:
        return Role(self.role).label


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Failed logins per username (known or not), in the database so every process sees them."""

    __tablename__ = "login_throttles"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
