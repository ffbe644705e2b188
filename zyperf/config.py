"""Configuration. SQLite in the instance folder unless DATABASE_URL names another database."""

import os
import secrets
from pathlib import Path


def database_url(instance_path: str) -> str:
    """DATABASE_URL wins; plain postgresql:// URLs are pointed at psycopg 3."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "zyperf.sqlite")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder.

    Several processes on one machine share the file; several machines must share SECRET_KEY.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, secrets.token_hex(32).encode())
        except FileExistsError:
            pass  # another process wrote it first: use theirs
        finally:
            if fd is not None:
                os.close(fd)
    return path.read_text().strip()


class Config:
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session: a long form must not expire
    SESSION_COOKIE_HTTPONLY = True
    # Behind HTTPS (the production path), set ZYPERF_SECURE_COOKIES=1 so cookies never travel in clear.
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = os.environ.get("ZYPERF_SECURE_COOKIES") == "1"
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    # Login throttling: after LOGIN_SLOWDOWN_AFTER failures each try waits longer; after
    # LOGIN_LOCK_AFTER the account is locked for LOGIN_LOCK_MINUTES.
    LOGIN_SLOWDOWN_AFTER = 3
    LOGIN_LOCK_AFTER = 6
    LOGIN_LOCK_MINUTES = 15
    # The date the system lives on (YYYY-MM-DD), the time of day staying real: for demonstrations and
    # training (`make run` serves the demo bureau on 2026-09-20). Unset: the machine's date.
    ZYPERF_TODAY = os.environ.get("ZYPERF_TODAY") or None


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-secret"  # noqa: S105 - tests only
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a method name; fast for tests only
    ZYPERF_TODAY = None  # the machine's date, whatever the shell says
