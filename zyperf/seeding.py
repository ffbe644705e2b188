"""Load seed/*.toml through the services. Get-or-create by natural key, so loading twice changes nothing."""

import tomllib
from decimal import Decimal

from sqlalchemy import select

from zyperf import PROJECT_ROOT
from zyperf.domain.settings import validate_settings
from zyperf.extensions import db
from zyperf.models import (
    DocumentKind,
    FiscalYear,
    FormDefinition,
    IndicatorCategory,
    Project,
    Role,
    Unit,
    UnitKind,
    User,
)
from zyperf.services import accounts, audit, definitions, projects

SEED_DIR = PROJECT_ROOT / "seed"
DEMO_PASSWORD = "zyperf-demo"  # noqa: S105 - documented demo password, README lists it


def _load(name: str) -> dict:
    with open(SEED_DIR / name, "rb") as fh:
        return tomllib.load(fh)


def seed_units() -> dict[str, Unit]:
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    for order, row in enumerate(_load("units.toml")["unit"], start=1):
        if row["code"] in units:
            continue
        unit = Unit(
            code=row["code"],
            name=row["name"],
            kind=UnitKind(row.get("kind", "section")).value,
            is_finance=row.get("is_finance", False),
            sort_order=order * 10,
        )
        db.session.add(unit)
        db.session.flush()
        audit.record(None, "unit.create", unit, summary=unit.name)
        units[unit.code] = unit
    return units


def seed_users(units: dict[str, Unit], password: str) -> list[User]:
    """The demo bureau's people (users.toml); existing usernames are left as they are."""
    created = []
    existing = set(db.session.scalars(select(User.username)))
    for row in _load("users.toml")["user"]:
        if row["username"] in existing:
            continue
        created.append(
            accounts.create_user(
                row["username"],
                password,
                display_name=row["display_name"],
                roles=[Role(r) for r in row["roles"]],
                unit=units.get(row.get("unit", "")),
                oversees=[units[c] for c in row.get("oversees", [])],
                actor=None,
            )
        )
    return created


def seed_year(year: int, settings: dict, **fields) -> FiscalYear:
    """A fiscal year with its settings (excel-formats §2) and columns (due dates, threshold). The same
    check as an admin's input; seeding has no admin actor, so no service call. Flushes."""
    settings, errors = validate_settings(settings)
    if errors:
        raise ValueError(f"{year} 年度设置有误: {errors}")
    fy = FiscalYear(year=year, settings=settings, **fields)
    db.session.add(fy)
    db.session.flush()
    audit.record(None, "fiscalyear.create", fy, summary=str(fy))
    return fy


def seed_years_and_projects(units: dict[str, Unit]) -> int:
    data = _load("projects.toml")
    years = {fy.year: fy for fy in db.session.scalars(select(FiscalYear))}
    for row in data["year"]:
        if row["year"] in years:
            continue
        fields = {k: v for k, v in row.items() if k not in ("year", "settings")}
        fields["major_project_threshold"] = Decimal(fields.get("major_project_threshold", "500"))
        years[row["year"]] = seed_year(row["year"], row.get("settings", {}), **fields)
    made = 0
    for row in data["project"]:
        fy, unit = years[row["year"]], units[row["unit"]]
        exists = db.session.scalar(
            select(Project.id).where(
                Project.fiscal_year_id == fy.id, Project.unit_id == unit.id, Project.name == row["name"]
            )
        )
        if exists:
            continue
        # The same checks as staff input; seeding has no staff actor, so it does not go through create_project.
        values = projects.clean_project_values({k: v for k, v in row.items() if k not in ("year", "unit")})
        project = Project(
            fiscal_year=fy, unit=unit, is_key_monitoring=row.get("is_key_monitoring", False), **values
        )
        db.session.add(project)
        db.session.flush()
        audit.record(None, "project.create", project, summary=project.name)
        made += 1
    return made


def seed_demo(password: str = DEMO_PASSWORD) -> dict:
    """The whole demo bureau. Flushes; the caller commits."""
    units = seed_units()
    users = seed_users(units, password)
    made = seed_years_and_projects(units)
    forms = seed_forms()
    db.session.flush()
    return {
        "units": len(units),
        "users_created": len(users),
        "projects_created": made,
        "forms_published": forms,
    }


def seed_indicator_catalog() -> int:
    """The 2021 and 2015 indicator frameworks (indicators.toml); existing pairs are left alone."""
    existing = set(
        db.session.execute(
            select(IndicatorCategory.framework, IndicatorCategory.level1, IndicatorCategory.level2)
        )
    )
    made = 0
    for framework in _load("indicators.toml")["framework"]:
        order = 0
        for level1, level2s in framework["categories"]:
            for level2 in level2s:
                order += 10
                if (framework["code"], level1, level2) in existing:
                    continue
                row = IndicatorCategory(
                    framework=framework["code"], level1=level1, level2=level2, sort_order=order
                )
                db.session.add(row)
                db.session.flush()
                audit.record(None, "indicator_category.create", row, summary=f"{framework['code']} {row}")
                made += 1
    return made


def seed_forms() -> int:
    """The indicator catalog, and a published default form for every kind and seeded year
    (seed/forms/<kind>.toml). A (kind, year) that already has any definition is left alone."""
    seed_indicator_catalog()
    years = {fy.year: fy for fy in db.session.scalars(select(FiscalYear))}
    published = 0
    for kind in DocumentKind:
        spec = _load(f"forms/{kind.value}.toml")
        for year in spec["years"]:
            fy = years.get(year)
            if fy is None:
                continue
            exists = db.session.scalar(
                select(FormDefinition.id).where(
                    FormDefinition.kind == kind.value, FormDefinition.fiscal_year_id == fy.id
                )
            )
            if exists:
                continue
            draft = definitions.create_draft(kind, fy, spec["field"], actor=None, title=spec.get("title", ""))
            definitions.publish(draft, actor=None)
            published += 1
    return published
