"""The lived-in demo (`flask --app app seed demo`): the demo bureau (zyperf.seeding) and the story of
its 2025, complete, and its 2026, in progress on the demo's today (seed/demo.toml: 2026-09-20, in
the September monitoring round). Every document is made by the services as a user's would be, by the
people whose work it is, on the day they would do it (zyperf.clock), with comments in their words:
its history reads like the real thing. Deterministic (one seeded random generator)."""

import random
from datetime import datetime

from sqlalchemy import func, select

from zyperf import clock
from zyperf.demo import year2025, year2026
from zyperf.demo.story import Story, cast_of_bureau, load_plan
from zyperf.extensions import db
from zyperf.models import FiscalYear, StageDocument
from zyperf.seeding import DEMO_PASSWORD, seed_demo

SETUP = datetime(2024, 10, 8, 9, 0)  # the day the bureau was set up in the system
# The seasons of the story, in the order they happened.
CHAPTERS = (
    year2025.prepare,  # 2024-10: 2025 projects; an ex-ante assessment
    year2025.targets,  # 2024-12 – 2025-01: targets approved (入库); the department's targets
    year2025.increase_and_adjust,  # 2025-06 – 07: a 追加; a target adjustment
    year2025.monitoring,  # 2025-09: the monitoring round, handling
    year2025.adjustments,  # 2025-09 – 10: 调减 and 收回 decided by the handling
    year2026.prepare,  # 2025-10 – 11: 2026 projects and their ex-ante assessments
    year2026.targets,  # 2026-01: 2026 targets (入库); the department's targets
    year2025.evaluation,  # 2026-02 – 05: the evaluation round; the department's evaluation
    year2025.decisions,  # 2026-05 – 06: use of results
    year2025.rectification,  # 2026-06 – 07: rectification reports, the department's too
    year2026.mid_year,  # 2026-06 – 09: a 追加; mid-year additions; an assessment sent again
    year2026.monitoring,  # 2026-09: the monitoring round, open on the demo's today
    year2026.department,  # 2026-09: the department's rectification, waiting for the principal
)


def tell(go) -> Story:
    """The whole story, chapter by chapter, the clock moved by `go`. Flushes."""
    cast, principal = cast_of_bureau()
    years = {fy.year: fy for fy in db.session.scalars(select(FiscalYear))}
    story = Story(go, load_plan(), cast, principal, years, random.Random("zyperf-demo"))  # noqa: S311
    for chapter in CHAPTERS:
        chapter(story)
    return story


def today():
    """The demo's today (seed/demo.toml): the date the demo is served on (ZYPERF_TODAY)."""
    return load_plan()["today"]


def seed(password: str = DEMO_PASSWORD) -> dict:
    """The demo bureau, and its story unless the database already holds documents. Flushes; the
    caller commits."""
    with clock.travelling() as go:
        go(SETUP)
        result = seed_demo(password)
        told = db.session.scalar(select(StageDocument.id).limit(1)) is not None
        if not told:
            tell(go)
    documents = db.session.scalar(select(func.count(StageDocument.id)))
    return result | {"story_told": not told, "documents": documents, "today": load_plan()["today"]}
