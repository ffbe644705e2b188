"""Users, passwords, login throttling and API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.models import ApiToken, LoginThrottle, Role, RoleGrant, Unit, User
from zyperf.models.base import utcnow
from zyperf.services import audit

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    # Tests choose a cheap method through config; production keeps werkzeug's default (scrypt).
    method = current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt"
    return generate_password_hash(password, method=method)


@cache
def _dummy_hash(method: str) -> str:
    """A hash to check against when the user does not exist, so both paths cost the same."""
    return generate_password_hash("not-a-real-password", method=method)


@dataclass(frozen=True)
class ThrottlePolicy:
    slowdown_after: int = 3
    lock_after: int = 6
    lock_minutes: int = 15

    def wait_after(self, failures: int) -> timedelta:
        """From the slowdown threshold on, each further failure doubles the wait: 2 s, 4 s, 8 s …"""
        if failures < self.slowdown_after:
            return timedelta(0)
        return timedelta(seconds=2 ** (failures - self.slowdown_after + 1))


class LoginRefused(Exception):
    """Why a login did not succeed, as a sentence for the login page."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status  # 400 wrong credentials, 429 wait a little, 403 locked


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()[:64]


UPSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _throttle_row(username: str) -> LoginThrottle:
    """The username's counter row, locked for this transaction. Created by an upsert, so two first
    logins at the same instant never both insert it (PostgreSQL makes the second wait for the first)."""
    insert = UPSERTS[db.session.get_bind().dialect.name](LoginThrottle)
    db.session.execute(
        insert.values(username=username, failures=0).on_conflict_do_update(
            index_elements=[LoginThrottle.username], set_={"failures": LoginThrottle.failures}
        )
    )
    stmt = select(LoginThrottle).where(LoginThrottle.username == username).with_for_update()
    return db.session.scalars(stmt.execution_options(populate_existing=True)).one()


def _minutes(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() // 60) + (1 if delta.total_seconds() % 60 else 0))


def authenticate(
    username: str, password: str, *, policy: ThrottlePolicy, now: datetime | None = None
) -> User:
    """Return the user if the password is right; raise LoginRefused saying why not.

    Failures are counted per username in the database (unknown names too, so the answer never tells
    which names exist), so every worker process and machine enforces the same slowdown and lock.
    Flushes; the caller commits even on failure, so the count is kept.
    """
    now = now or utcnow()
    name = normalize_username(username)
    if not name or not password:
        raise LoginRefused("请输入用户名和密码")
    throttle = _throttle_row(name)
    if throttle.locked_until and throttle.locked_until > now:
        raise LoginRefused(
            f"登录失败次数过多，该账户已被锁定，请 {_minutes(throttle.locked_until - now)} 分钟后再试",
            status=403,
        )
    wait = policy.wait_after(throttle.failures or 0)
    if throttle.last_failure_at and wait and throttle.last_failure_at + wait > now:
        seconds = int((throttle.last_failure_at + wait - now).total_seconds()) + 1
        raise LoginRefused(f"登录失败次数较多，请等待 {seconds} 秒后再试", status=429)

    user = db.session.scalar(select(User).where(User.username == name))
    ok = check_password_hash(
        user.password_hash
        if user
        else _dummy_hash(current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt"),
        password,
    )
    if ok and user is not None and user.active:
        throttle.failures = 0
        throttle.locked_until = None
        throttle.last_failure_at = None
        audit.record(user, "user.login", user)
        db.session.flush()
        return user

    throttle.failures = (throttle.failures or 0) + 1
    throttle.last_failure_at = now
    if throttle.failures >= policy.lock_after:
        throttle.locked_until = now + timedelta(minutes=policy.lock_minutes)
        throttle.failures = 0
        db.session.flush()
        raise LoginRefused(
            f"登录失败次数过多，该账户已被锁定 {policy.lock_minutes} 分钟，请稍后再试", status=403
        )
    db.session.flush()
    if user is not None and not user.active and ok:
        raise LoginRefused("该账户已停用，请联系系统管理员", status=403)
    left = policy.lock_after - throttle.failures
    hint = f"再失败 {left} 次账户将被锁定 {policy.lock_minutes} 分钟" if left <= 3 else ""
    raise LoginRefused("用户名或密码错误" + (f"，{hint}" if hint else ""))


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"密码至少 {MIN_PASSWORD_LENGTH} 位", fields={"password": [f"密码至少 {MIN_PASSWORD_LENGTH} 位"]}
        )


def end_sessions(user: User) -> None:
    """End every session of the user issued so far, on every process (zyperf.auth checks the
    generation on each request). Whoever keeps working logs in again (login_user). Caller flushes."""
    user.session_epoch = (user.session_epoch or 0) + 1


def log_out(user: User) -> None:
    """Logout ends the session everywhere: a copy of the cookie stops working too. Flushes."""
    end_sessions(user)
    audit.record(user, "user.logout", user, summary=user.username)
    db.session.flush()


def set_password(user: User, password: str, *, actor: User | None) -> None:
    """Hash and store a new password; the user's sessions end. Flushes; caller commits."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_sessions(user)
    audit.record(actor, "user.set_password", user, summary=user.username)
    db.session.flush()


def change_own_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationFailed("当前密码不正确", fields={"current_password": ["当前密码不正确"]})
    set_password(user, new, actor=user)


def create_user(
    username: str,
    password: str,
    *,
    display_name: str,
    roles: list[Role] | tuple[Role, ...],
    unit: Unit | None,
    oversees: list[Unit] = (),
    active: bool = True,
    actor: User | None,
) -> User:
    """Create a user with hashed password, roles and oversight. Flushes; caller commits."""
    name = normalize_username(username)
    if not name:
        raise ValidationFailed("用户名不能为空", fields={"username": ["用户名不能为空"]})
    if db.session.scalar(select(User.id).where(User.username == name)):
        raise ValidationFailed(f"用户名 {name} 已存在", fields={"username": ["用户名已存在"]})
    check_password_strength(password)
    user = User(
        username=name,
        display_name=display_name or name,
        password_hash=hash_password(password),
        unit=unit,
        active=active,
    )
    user.grants = [RoleGrant(role=Role(r).value) for r in roles]
    user.oversees = list(oversees)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # created a moment ago by someone else
        db.session.rollback()
        raise ValidationFailed(f"用户名 {name} 已存在", fields={"username": ["用户名已存在"]}) from None
    audit.record(
        actor, "user.create", user, summary=name, changes={"roles": sorted(Role(r).value for r in roles)}
    )
    return user


def set_roles(user: User, roles, *, actor: User | None) -> None:
    """Replace the user's role grants (audited); a change ends the user's sessions. Flushes."""
    wanted = {Role(r).value for r in roles}
    before = sorted(g.role for g in user.grants)
    user.grants = [g for g in user.grants if g.role in wanted] + [
        RoleGrant(role=r) for r in sorted(wanted - {g.role for g in user.grants})
    ]
    if before != sorted(wanted):
        end_sessions(user)  # sessions carry no roles, but a changed person signs in again
        audit.record(actor, "user.set_roles", user, changes={"roles": [before, sorted(wanted)]})
    db.session.flush()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, *, name: str = "", actor: User | None) -> str:
    """Make a new bearer token; only its hash is stored, so the plain text is returned once."""
    token = "zyp_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name[:100], token_hash=_hash_token(token))
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "token.create", row, summary=f"{user.username} {name}"[:500])
    return token


def revoke_token(row: ApiToken, *, actor: User) -> None:
    row.revoked_at = utcnow()
    audit.record(actor, "token.revoke", row)
    db.session.flush()


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _hash_token(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    return row.user


def update_user(
    user: User,
    *,
    actor: User | None,
    display_name: str,
    unit: Unit | None,
    roles,
    oversees: list[Unit],
    active: bool,
    new_password: str | None = None,
) -> User:
    """An admin's edit of a person: name, unit, roles, oversight, active, optionally a new password.
    Audited field by field (never the hash). Raises ValidationFailed. Flushes; caller commits."""
    roles = [Role(r) for r in roles]
    if oversees and Role.DIVISION_LEADER not in roles:
        raise ValidationFailed(
            "只有分管领导可以设置分管科室", fields={"oversees": ["只有分管领导可以设置分管科室"]}
        )
    before = {
        "display_name": user.display_name,
        "unit": user.unit.code if user.unit else None,
        "oversees": sorted(u.code for u in user.oversees),
        "active": user.active,
    }
    user.display_name = (display_name or "").strip() or user.username
    user.unit = unit
    user.oversees = list(oversees)
    user.active = bool(active)
    after = {
        "display_name": user.display_name,
        "unit": unit.code if unit else None,
        "oversees": sorted(u.code for u in oversees),
        "active": user.active,
    }
    if before["active"] and not user.active:
        end_sessions(user)
    if changes := audit.diff(before, after):
        audit.record(actor, "user.update", user, summary=user.username, changes=changes)
    set_roles(user, roles, actor=actor)
    if new_password:
        set_password(user, new_password, actor=actor)
    db.session.flush()
    return user
