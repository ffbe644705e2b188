"""The stage on which the demo year is told: its people, its projects (seed/demo.toml), the clock, and
the moves people make. Every move is a service call, as a user's would be: documents created and
edited through services.documents, states changed through services.workflow.apply, finance's check
of form through services.records; the clock stands on the day the move is made."""

import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from zyperf.extensions import db
from zyperf.models import DocumentKind, FiscalYear, Project, Role, StageDocument, Unit, User
from zyperf.seeding import SEED_DIR
from zyperf.services import documents, projects, records, workflow
from zyperf.transitions import DocumentAction, State, find
from zyperf.volume import Cast, volume_cast

# What each reviewer writes when they let a document pass (picked in turn, so the history varies).
OPINIONS = {
    "head": ("情况属实，同意报分管领导审核", "已核实，同意", "同意报送", "经核对，数据无误，同意"),
    "leader": ("同意，报财务科审核", "同意", "同意报送财务科", "已阅，同意"),
    "finance": ("经审核，符合要求", "审核通过", "资料齐全，同意", "符合预算绩效管理要求，同意"),
    "principal": ("同意", "同意，按程序报送", "已审定"),
}
FORM_CHECK = ("表式规范，要素齐全", "报告格式符合要求，佐证材料齐全", "经规范性审核，同意报送")
# Which step of Story.steps a document in each state waits for (reported: the city bureau's answer).
NEXT_STEP = {
    State.DRAFT: 0,
    State.RETURNED: 0,
    State.SUBMITTED: 1,
    State.HEAD_APPROVED: 2,
    State.PRINCIPAL_APPROVED: 2,
    State.LEADER_APPROVED: 3,
}
# At what time of day each role acts (hour, minute): the history reads like an office's day.
HOURS = {"staff": (10, 5), "head": (15, 20), "leader": (9, 40), "finance": (16, 10), "principal": (11, 30)}


def load_plan() -> dict:
    with open(SEED_DIR / "demo.toml", "rb") as fh:
        return tomllib.load(fh)


@dataclass
class Story:
    go: Callable[[datetime], None]  # clock.travelling()'s: put the clock on a moment (Beijing time)
    plan: dict
    cast: Cast
    principal: User
    years: dict[int, FiscalYear]
    rng: random.Random
    projects: dict[tuple[int, str], Project] = field(default_factory=dict)
    docs: dict[tuple, StageDocument] = field(default_factory=dict)
    said: dict[str, int] = field(default_factory=dict)
    moment: datetime | None = None  # where the clock was last put

    # --- The clock -------------------------------------------------------------------------------

    def at(self, day: str, role: str = "staff") -> None:
        """Stand on `day` at the hour `role` usually acts (a few minutes either way)."""
        hour, minute = HOURS[role]
        moment = datetime.fromisoformat(day).replace(hour=hour, minute=minute + self.rng.randrange(15))
        if self.moment and moment.date() == self.moment.date() and moment <= self.moment:
            moment = self.moment + timedelta(minutes=3 + self.rng.randrange(20))  # later the same day
        self.moment = moment
        self.go(moment)

    # --- People ----------------------------------------------------------------------------------

    @property
    def finance(self) -> User:
        return self.cast.finance

    def staff(self, project: Project) -> User:
        return self.cast.staff[project.unit_id]

    def head(self, project: Project) -> User:
        return self.cast.heads[project.unit_id]

    def leader(self, project: Project) -> User:
        return self.cast.leaders[project.unit_id]

    def opinion(self, role: str) -> str:
        texts = OPINIONS[role]
        n = self.said.get(role, 0)
        self.said[role] = n + 1
        return texts[n % len(texts)]

    # --- Projects --------------------------------------------------------------------------------

    def rows(self, year: int) -> list[dict]:
        return [row for row in self.plan["project"] if row["year"] == year]

    def project(self, year: int, name: str) -> Project:
        return self.projects[(year, name)]

    def row(self, project: Project) -> dict:
        return next(
            r
            for r in self.plan["project"]
            if r["year"] == project.fiscal_year.year and r["name"] == project.name
        )

    def make_projects(self, year: int, *, mid_year: bool) -> None:
        """The year's projects of demo.toml (the ones added during the year, or the others): those the
        base bureau has are found; the rest are created by their unit's staff; finance records the city
        bureau's 重点监控 designation."""
        fy = self.years[year]
        for row in self.rows(year):
            if row.get("added_mid_year", False) != mid_year:
                continue
            unit = db.session.scalar(select(Unit).where(Unit.code == row["unit"]))
            project = db.session.scalar(
                select(Project).where(
                    Project.fiscal_year_id == fy.id, Project.unit_id == unit.id, Project.name == row["name"]
                )
            )
            if project is None:
                values = {
                    k: row[k]
                    for k in ("name", "fiscal_amount", "other_amount", "is_new", "is_major", "added_mid_year")
                    if k in row
                }
                project = projects.create_project(
                    actor=self.cast.staff[unit.id], unit=unit, fiscal_year=fy, values=values
                )
            if row.get("is_key_monitoring") and not project.is_key_monitoring:
                projects.set_key_monitoring(project, True, actor=self.finance)
            self.projects[(year, row["name"])] = project

    # --- Documents -------------------------------------------------------------------------------

    def create(self, kind: DocumentKind, project: Project | None, data: dict, *, year: int | None = None):
        """The unit's staff (finance, for the department) start the document with `data`."""
        actor = self.finance if project is None else self.staff(project)
        document = documents.create_document(
            kind.value, actor=actor, project=project, fiscal_year=self.years.get(year), data=data
        )
        self.docs[(kind, project.id if project else year)] = document
        return document

    def edit(self, document: StageDocument, data: dict, actor: User | None = None) -> StageDocument:
        actor = actor or (self.finance if document.project is None else self.staff(document.project))
        merged = (document.data or {}) | data
        return documents.edit_document(document, actor=actor, data=merged, expected_version=document.version)

    def act(self, document: StageDocument, actor: User, action: str, comment: str = "", **params):
        return workflow.apply(
            document, action, actor=actor, expected_version=document.version, comment=comment, params=params
        )

    def steps(self, document: StageDocument) -> list[tuple[str, User, str]]:
        """(role, actor, action) from draft to final, as the kind's workflow runs."""
        reports = find(document.kind, State.LEADER_APPROVED, DocumentAction.REPORT) is not None
        if document.project is None:
            chain = [("finance", self.finance, "submit"), ("principal", self.principal, "approve")]
            reports = find(document.kind, State.PRINCIPAL_APPROVED, DocumentAction.REPORT) is not None
        else:
            p = document.project
            chain = [
                ("staff", self.staff(p), "submit"),
                ("head", self.head(p), "approve"),
                ("leader", self.leader(p), "approve"),
            ]
            if not reports:
                chain.append(("finance", self.finance, "approve"))
        if reports:
            chain += [("finance", self.finance, "report"), ("finance", self.finance, "record_review")]
        return chain

    def forward(self, document: StageDocument, *days: str, conclusion: str = "", answer: str = ""):
        """Take the document's next steps, one per day given: submitted by its staff (finance), approved
        by head, division leader and finance (the principal), or checked for form, reported and
        answered by the city bureau (`conclusion`, with `answer` as its words)."""
        chain = self.steps(document)
        done = len(chain) - 1 if document.state == State.REPORTED else NEXT_STEP[document.state]
        for day, (role, actor, action) in zip(days, chain[done:], strict=False):
            self.at(day, role)
            comment = "" if action == "submit" else self.opinion(role)
            params = {}
            if action == "report":
                records.check_form(
                    document,
                    actor=actor,
                    comment=self.rng.choice(FORM_CHECK),
                    expected_version=document.version,
                )
                comment = "经规范性审核，报送市财政局"
            elif action == "record_review":
                comment, params = answer or f"市财政局审核意见：{conclusion}", {"conclusion": conclusion}
            self.act(document, actor, action, comment, **params)
        return document

    def send_back(self, document: StageDocument, day: str, role: str, actor: User, comment: str):
        self.at(day, role)
        return self.act(document, actor, "return", comment)


def cast_of_bureau() -> tuple[Cast, User]:
    """Staff, head and division leader of every unit with projects, and finance (zyperf.volume's
    cast: the demo's people); and the principal."""
    units = list(db.session.scalars(select(Unit).where(Unit.is_finance.is_(False)).order_by(Unit.sort_order)))
    principal = next(
        u for u in db.session.scalars(select(User).order_by(User.id)) if u.has_role(Role.PRINCIPAL)
    )
    return volume_cast(units), principal
