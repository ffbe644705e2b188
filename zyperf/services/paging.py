"""Lists cut in SQL: one page of rows and the total, in the same number of queries whatever the size of
the data; and the one way a typed search term becomes a LIKE pattern."""

from dataclasses import dataclass

from sqlalchemy import Select, func

from zyperf.extensions import db

DEFAULT_PER_PAGE = 50
MAX_API_PER_PAGE = 200  # the API's ceiling (api.md); configured list pages keep their own page size


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def count_statement(stmt: Select) -> Select:
    """COUNT(*) of a select's rows: its FROM, joins and WHERE, without ordering or loading."""
    return stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)


def count(stmt: Select) -> int:
    return db.session.scalar(count_statement(stmt))


def paginate(
    stmt: Select, *, page: int, per_page: int, clamp: bool = False, total: int | None = None
) -> Page:
    """Page `page` (from 1) of an ordered select of one entity. `clamp` moves a page past the end to the
    last page (the pages' pager); the API answers such a page with no items instead. A `total` already
    counted in this request is not counted again."""
    total = count(stmt) if total is None else total
    page = max(1, page)
    if clamp:
        page = min(page, max(1, -(-total // per_page)))
    rows = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(rows), total, page, per_page)


def like_pattern(term: str) -> str:
    """'%term%' with LIKE's wildcards escaped (use with escape='\\\\')."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
