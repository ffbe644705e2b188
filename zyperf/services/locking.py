"""Optimistic and pessimistic locking of a stage document, shared by every service that changes one."""

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from zyperf.errors import StaleVersion
from zyperf.extensions import db
from zyperf.models import StageDocument


def lock_for_update(document: StageDocument) -> None:
    """Take the row lock (PostgreSQL) so concurrent actions on one document queue up; whoever comes
    second finds a newer version than the one loaded and gets StaleVersion. SQLite serialises writers
    itself, and the version column's compare-and-set on UPDATE catches the rest on both databases."""
    current = db.session.scalar(
        select(StageDocument.version).where(StageDocument.id == document.id).with_for_update()
    )
    if current != document.version:
        raise StaleVersion(f"该文档已被他人处理（当前版本 {current}），请刷新后重试")


def check_version(document: StageDocument, expected_version) -> None:
    """Lock the row, then refuse a caller who saw another version (StaleVersion, 409)."""
    lock_for_update(document)
    if expected_version is None or int(expected_version) != document.version:
        raise StaleVersion(f"该文档已被他人处理或修改（当前版本 {document.version}），请刷新后重试")


def flush_or_stale(document: StageDocument) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion() from None
