"""A synthetic year at volume, for measuring: `flask --app app seed volume --projects N`.

Every row is made the way people make it, through the services (accounts, projects, documents,
workflow), so the data carries the same history, audit rows and states as real data. A project goes
through STAGES, one small function each: its 绩效目标 (12 indicators) is filled and taken to final
(staff submit, head, division leader, finance approve); its monitoring is filled in and approved to
final; its self-evaluation is filled in and, for nine projects in ten, reported and recorded by the
city bureau (the rest wait for the section head). What the unit enters at each stage, with its
spread of classes and grades, is zyperf.volume_results. Functions flush; the caller commits (the CLI
every BATCH projects). 2,000 projects took 5 minutes on SQLite (2¼ minutes of CPU) on a busy
2-core machine."""

import random
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import count

from sqlalchemy import func, select

from zyperf.domain import indicators
from zyperf.extensions import db
from zyperf.models import DocumentKind, FiscalYear, FormDefinition, Project, Role, StageDocument, Unit, User
from zyperf.seeding import DEMO_PASSWORD, seed_demo, seed_year
from zyperf.services import accounts, definitions, document_data, documents, projects, records, workflow
from zyperf.volume_results import evaluation_values, monitoring_values

FIRST_YEAR = 2099
BATCH = 50  # projects per commit
INDICATORS = 12
# How a bureau's projects spread over its units: the big spenders carry most; finance itself none.
UNIT_SHARES = {
    "guihua": 16,
    "gengdi": 16,
    "shengtai": 14,
    "chubei": 14,
    "quequan": 10,
    "cehui": 10,
    "zhifa": 8,
    "xinxi": 8,
    "bangongshi": 4,
}
TOPICS = (
    "国土空间规划编制",
    "耕地质量监测",
    "生态修复工程",
    "不动产登记服务",
    "测绘成果更新",
    "自然资源执法巡查",
    "土地收储整理",
    "信息系统运维",
    "地质灾害防治",
    "矿产资源调查",
)


@dataclass
class Cast:
    """Who acts on each unit's documents: its staff, its head, the division leader overseeing it; finance."""

    staff: dict[int, User] = field(default_factory=dict)
    heads: dict[int, User] = field(default_factory=dict)
    leaders: dict[int, User] = field(default_factory=dict)
    finance: User | None = None


@dataclass
class Volume:
    fiscal_year: FiscalYear
    cast: Cast
    units: list[Unit]  # one entry per project to make, spread by UNIT_SHARES
    start: int  # projects the year already had


def spread(n: int, shares: dict[str, int]) -> list[str]:
    """n unit codes in the proportions of `shares` (largest remainders), interleaved."""
    total = sum(shares.values())
    exact = {code: n * share / total for code, share in shares.items()}
    counts = {code: int(x) for code, x in exact.items()}
    for code in sorted(exact, key=lambda c: counts[c] - exact[c])[: n - sum(counts.values())]:
        counts[code] += 1
    order = sorted(
        ((i + 0.5) / counts[code], code) for code in counts for i in range(counts[code])
    )  # each unit's projects evenly through the run, so a partial run is still spread
    return [code for _, code in order]


def volume_year(year: int | None) -> FiscalYear:
    """The year `year` (made if missing), or a new one: the first free year from FIRST_YEAR, with the
    current year's settings and its own deadlines."""
    if year is None:
        taken = set(db.session.scalars(select(FiscalYear.year)))
        year = next(y for y in count(FIRST_YEAR) if y not in taken)
    fy = projects.fiscal_year(year)
    if fy is None:
        model = projects.current_fiscal_year()
        fy = seed_year(
            year,
            dict(model.settings) if model else {},
            major_project_threshold=model.major_project_threshold if model else Decimal("500.00"),
            ex_ante_due=date(year - 1, 10, 31),
            targets_due=date(year, 1, 31),
            monitoring_due=date(year, 9, 30),
            evaluation_due=date(year + 1, 4, 30),
            rectification_due=date(year + 1, 6, 30),
        )
    publish_forms(fy)
    return fy


def publish_forms(fy: FiscalYear) -> None:
    """Each kind the year has no published form for gets the current year's, published."""
    source = projects.current_fiscal_year()
    for kind in DocumentKind:
        if definitions.published_definition(kind, fy) is not None:
            continue
        model = definitions.published_definition(kind, source)
        if model is not None:
            draft = definitions.create_draft(kind, fy, model.fields, actor=None, title=model.title)
            definitions.publish(draft, actor=None)


def _person(unit: Unit, role: Role, suffix: str, **extra) -> User:
    """The unit's first active user with `role`, else a new volume user (password as the demo's)."""
    for user in db.session.scalars(
        select(User).where(User.unit_id == unit.id, User.active.is_(True)).order_by(User.id)
    ):
        if user.has_role(role):
            return user
    return accounts.create_user(
        f"vol_{unit.code}{suffix}",
        DEMO_PASSWORD,
        display_name=f"{unit.name}{role.label}（批量）",
        roles=[role],
        unit=unit,
        actor=None,
        **extra,
    )


def volume_cast(units: list[Unit]) -> Cast:
    """Staff and a head for every unit, a division leader overseeing each (one volume leader for
    those nobody oversees), and finance: the demo's people where they exist, else volume users."""
    cast = Cast()
    for unit in units:
        cast.staff[unit.id] = _person(unit, Role.STAFF, "")
        cast.heads[unit.id] = _person(unit, Role.SECTION_HEAD, "_head")
    leaders = [
        u for u in db.session.scalars(select(User).order_by(User.id)) if u.has_role(Role.DIVISION_LEADER)
    ]
    for leader in leaders:
        for unit in leader.oversees:
            cast.leaders.setdefault(unit.id, leader)
    if unled := [u for u in units if u.id not in cast.leaders]:
        office = db.session.scalar(select(Unit).where(Unit.code == "bangongshi")) or unled[0]
        leader = db.session.scalar(select(User).where(User.username == "vol_deputy"))
        if leader is None:
            leader = accounts.create_user(
                "vol_deputy",
                DEMO_PASSWORD,
                display_name="分管领导（批量）",
                roles=[Role.DIVISION_LEADER],
                unit=office,
                oversees=unled,
                actor=None,
            )
        else:
            accounts.update_user(
                leader,
                actor=None,
                display_name=leader.display_name,
                unit=leader.unit,
                roles=leader.roles,
                oversees=[*leader.oversees, *unled],
                active=True,
            )
        cast.leaders.update({u.id: leader for u in unled})
    cast.finance = next(
        u for u in db.session.scalars(select(User).order_by(User.id)) if u.has_role(Role.FINANCE)
    )
    return cast


def prepare(n: int, *, year: int | None = None) -> Volume:
    """The demo bureau (if missing), the year with its forms, and the people. Flushes."""
    seed_demo()
    fy = volume_year(year)
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(UNIT_SHARES)))}
    cast = volume_cast(list(units.values()))
    start = db.session.scalar(select(func.count(Project.id)).where(Project.fiscal_year_id == fy.id))
    return Volume(fy, cast, [units[code] for code in spread(n, UNIT_SHARES)], start)


# --- One project and its stages ------------------------------------------------------------------


def make_project(volume: Volume, i: int, rng: random.Random) -> Project:
    """Staff create the project: amounts in 万元, some new ones, a few major or added during the year
    (none needing an ex-ante assessment, which would hold its targets back)."""
    unit = volume.units[i]
    number = volume.start + i + 1
    # Halves of 万元 only: SQLite checks total = the sum of the sources in floating point, where sums
    # of arbitrary cents may differ in the last bit and be refused.
    fiscal = Decimal(rng.randrange(10, 1_800)) / 2
    other = Decimal(rng.choice((0, 0, 0, rng.randrange(1, 200))))
    is_new = fiscal + other < 500 and rng.random() < 0.2
    is_major = not is_new and rng.random() < 0.05
    values = {
        "code": f"5120{volume.fiscal_year.year}V{number:08d}",
        "name": f"{rng.choice(TOPICS)}项目（{number:05d}）",
        "fiscal_amount": str(fiscal),
        "other_amount": str(other),
        "is_new": is_new,
        "is_major": is_major,
        # 年中追加 is new spending: one that is major or large would need an assessment first.
        "added_mid_year": not is_major and fiscal + other < 500 and rng.random() < 0.05,
    }
    return projects.create_project(
        actor=volume.cast.staff[unit.id], unit=unit, fiscal_year=volume.fiscal_year, values=values
    )


def approved(volume: Volume, document: StageDocument, unit_id: int, *, last: str = "approve") -> None:
    """Submitted by the unit's staff, approved by its head and division leader; then finance's `last`
    step (approve to final, or none)."""
    cast = volume.cast
    steps = [
        (cast.staff[unit_id], "submit"),
        (cast.heads[unit_id], "approve"),
        (cast.leaders[unit_id], "approve"),
    ]
    if last:
        steps.append((cast.finance, last))
    for actor, action in steps:
        workflow.apply(document, action, actor=actor, expected_version=document.version)


def targets_final(volume: Volume, project: Project, rng: random.Random) -> StageDocument:
    """绩效目标 with 12 indicators: drafted, submitted, approved by head, leader and finance."""
    document = fill(DocumentKind.PERFORMANCE_TARGETS, volume.cast.staff[project.unit_id], project, rng)
    approved(volume, document, project.unit_id)
    return document


def entered(volume: Volume, kind: DocumentKind, project: Project, values) -> StageDocument:
    """The unit starts the document (prefilled by the service) and saves what `values` makes of it."""
    staff = volume.cast.staff[project.unit_id]
    document = documents.create_document(kind, actor=staff, project=project)
    data = values(document.data or {})
    return documents.edit_document(document, actor=staff, data=data, expected_version=document.version)


def monitoring_final(volume: Volume, project: Project, rng: random.Random) -> StageDocument:
    """The monitoring of 1-m月, filled in (正常, 滞后 or 严重滞后) and approved to final."""
    month = volume.fiscal_year.monitoring_month
    document = entered(volume, DocumentKind.MONITORING, project, lambda d: monitoring_values(d, month, rng))
    approved(volume, document, project.unit_id)
    return document


def self_evaluation_final(volume: Volume, project: Project, rng: random.Random) -> StageDocument:
    """The self-evaluation, filled in (graded 优, 良, 中 or 差): nine in ten reported by finance after its
    check of form and recorded as 审核通过 by the city bureau; the rest wait for the section head."""
    document = entered(volume, DocumentKind.SELF_EVALUATION, project, lambda d: evaluation_values(d, rng))
    if rng.random() < 0.1:
        workflow.apply(
            document, "submit", actor=volume.cast.staff[project.unit_id], expected_version=document.version
        )
        return document
    finance = volume.cast.finance
    approved(volume, document, project.unit_id, last="")
    records.check_form(
        document, actor=finance, comment="表式规范，要素齐全", expected_version=document.version
    )
    workflow.apply(document, "report", actor=finance, expected_version=document.version)
    workflow.apply(
        document,
        "record_review",
        actor=finance,
        expected_version=document.version,
        comment="审核通过",
        params={"conclusion": "审核通过"},
    )
    return document


STAGES = (targets_final, monitoring_final, self_evaluation_final)


def add_project(volume: Volume, i: int) -> Project:
    """The i-th project of this run through every stage. Flushes."""
    rng = random.Random(f"{volume.fiscal_year.year}-{volume.start + i}")  # noqa: S311 - made-up data, repeatable
    project = make_project(volume, i, rng)
    for stage in STAGES:
        stage(volume, project, rng)
    return project


# --- Filling a form as staff would ---------------------------------------------------------------


def fill(kind: DocumentKind, staff: User, project: Project, rng: random.Random) -> StageDocument:
    """Create the document (the service prefills what it knows), then save every other field."""
    document = documents.create_document(kind, actor=staff, project=project)
    definition = document_data.definition_of(document)
    data = (document.data or {}) | form_values(definition, document.data or {}, project, rng)
    return documents.edit_document(document, actor=staff, data=data, expected_version=document.version)


def form_values(
    definition: FormDefinition | None, prefilled: dict, project: Project, rng: random.Random
) -> dict:
    """A value for each field the service did not prefill, of a type we know how to fill."""
    if definition is None:
        return {}
    values = {}
    for spec in definition.fields:
        maker = FILLERS.get(spec["type"])
        if maker is not None and prefilled.get(spec["key"]) in (None, "", [], {}):
            values[spec["key"]] = maker(spec, project, rng)
    return values


def _number(spec: dict, rng: random.Random) -> str:
    low = Decimal(str(spec.get("min", 0)))
    high = Decimal(str(spec.get("max", low + 100)))
    return str((low + (high - low) * Decimal(rng.randrange(101)) / 100).quantize(Decimal("0.01")))


def _text(spec: dict, project: Project, rng: random.Random) -> str:
    if pattern := spec.get("pattern"):
        return next((c for c in ("028-26621234", "13800000000", "ABC123") if re.fullmatch(pattern, c)), "")
    return f"{project.name[:8]}负责人 028-2662{rng.randrange(1000, 9999)}"[: spec.get("max_length", 50)]


def _long_text(spec: dict, project: Project, rng: random.Random) -> str:
    text = f"{project.name}：按年度计划推进，资金使用规范，阶段任务完成情况良好。"
    return text[: spec.get("max_length", 500)]


def indicator_rows(spec: dict, project: Project, rng: random.Random) -> list[dict]:
    """INDICATORS promised rows over the year's catalog, every 一级 in turn, weights adding to the
    form's total (a targets table; tables that carry the promise are prefilled by the service)."""
    catalog = definitions.catalog_for(project.fiscal_year.indicator_framework)
    by_level1: dict[str, list[str]] = {}
    for level1, level2 in catalog:
        by_level1.setdefault(level1, []).append(level2)
    pairs = [(a, bs[i % len(bs)]) for i in range(INDICATORS) for a, bs in by_level1.items()][:INDICATORS]
    total = Decimal(str(spec.get("weight_total", indicators.DEFAULT_WEIGHT_TOTAL)))
    weight = (total / INDICATORS).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    rows = []
    for i, (level1, level2) in enumerate(pairs):
        qualitative = level1 == "满意度指标" or i % 5 == 4
        rows.append(
            {
                "level1": level1,
                "level2": level2,
                "level3": f"{level2[:-2]}{i + 1:02d}",
                "nature": "定性" if qualitative else rng.choice(("≥", "≤", "=")),
                "value": "效果明显" if qualitative else str(rng.randrange(1, 500)),
                "unit": "" if qualitative else rng.choice(("个", "%", "万元", "项")),
                "weight": str(total - weight * (INDICATORS - 1) if i == INDICATORS - 1 else weight),
            }
        )
    return rows


FILLERS = {
    "text": _text,
    "long_text": _long_text,
    "integer": lambda spec, project, rng: int(spec.get("min", 1)),
    "decimal": lambda spec, project, rng: _number(spec, rng),
    "percent": lambda spec, project, rng: _number({"min": 0, "max": 100} | spec, rng),
    "date": lambda spec, project, rng: f"{project.fiscal_year.year}-06-30",
    "choice": lambda spec, project, rng: spec["choices"][0][0],
    "multi_choice": lambda spec, project, rng: [spec["choices"][0][0]],
    "yes_no": lambda spec, project, rng: True,
    "indicator_table": indicator_rows,
}
