"""`flask seed volume`: a synthetic year made through the services, as people would make it."""

import random
from collections import Counter
from decimal import Decimal

from sqlalchemy import func, select

from tests.conftest import make_app
from zyperf import volume, volume_results
from zyperf.domain import indicators, stages
from zyperf.domain.settings import YearSettings
from zyperf.extensions import db
from zyperf.models import AuditEntry, DocumentEvent, FiscalYear, Project, StageDocument, Unit, User


def test_spread_keeps_the_proportions():
    codes = volume.spread(200, volume.UNIT_SHARES)
    assert len(codes) == 200
    total = sum(volume.UNIT_SHARES.values())
    for code, share in volume.UNIT_SHARES.items():
        assert abs(codes.count(code) - 200 * share / total) < 1
    assert len(set(codes[:20])) >= 8  # interleaved: any stretch of the run is spread too


def test_seed_volume_makes_a_year_through_the_services(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'volume.sqlite'}")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "volume", "--projects", "12"])
    assert result.exit_code == 0, result.output
    assert "已在 2099 年度新建项目 12 个" in result.output
    again = runner.invoke(args=["seed", "volume", "--projects", "3", "--year", "2099"])
    assert again.exit_code == 0 and "该年度现有 15 个" in again.output, again.output
    with app.app_context():
        year = db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2099))
        projects = db.session.scalars(select(Project).where(Project.fiscal_year_id == year.id)).all()
        assert len(projects) == 15 and len({p.name for p in projects}) == 15
        assert len({p.unit_id for p in projects}) >= 8 and all(p.created_by_id for p in projects)
        assert not any(p.needs_ex_ante for p in projects)
        docs = db.session.scalars(select(StageDocument).where(StageDocument.fiscal_year_id == year.id)).all()
        targets = [d for d in docs if d.kind == "performance_targets"]
        assert len(targets) == 15 and {d.state for d in targets} == {"final"}
        assert all(len(d.data["indicators"]) == volume.INDICATORS for d in targets)
        monitoring = [d for d in docs if d.kind == "monitoring"]
        assert len(monitoring) == 15 and {d.state for d in monitoring} == {"final"}
        assert {d.data["monitoring_class"] for d in monitoring} <= {"正常", "滞后", "严重滞后"}
        lagging = [d for d in monitoring if d.data["monitoring_class"] != "正常"]
        assert all(d.data["deviation_reason"] and d.data["handling"] for d in lagging)
        evaluations = [d for d in docs if d.kind == "self_evaluation"]
        assert len(evaluations) == 15 and {d.state for d in evaluations} <= {"final", "submitted"}
        assert "final" in {d.state for d in evaluations}
        assert {d.data["grade"] for d in evaluations} <= {"优", "良", "中", "差"}
        assert all(d.data["review_conclusion"] == "审核通过" for d in evaluations if d.state == "final")
        # The history and audit that real work leaves.
        events = db.session.scalars(
            select(DocumentEvent.action).where(DocumentEvent.document_id == targets[0].id)
        ).all()
        assert events == ["create", "edit", "submit", "approve", "approve", "approve", "in_library"]
        audited = select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "project.create", AuditEntry.object_id.in_([p.id for p in projects])
        )
        assert db.session.scalar(audited) == 15
        # Every unit with projects has its own staff and head; someone oversees each.
        staffed = {u.unit_id for u in db.session.scalars(select(User)) if u.unit_id}
        assert {p.unit_id for p in projects} <= staffed
        overseen = {unit.id for user in db.session.scalars(select(User)) for unit in user.oversees}
        assert {p.unit_id for p in projects} <= overseen
        assert db.session.scalar(select(Unit.id).where(Unit.code == "caiwu")) not in {
            p.unit_id for p in projects
        }
        db.session.remove()
        db.engine.dispose()
    other = runner.invoke(args=["seed", "volume", "--projects", "1"])
    assert "2100 年度" in other.output, other.output


PROMISE = [
    {"level1": "成本指标", "level2": "经济成本指标", "level3": "单位成本", "core": False, "nature": "≤",
     "value": "6", "unit": "万元", "weight": "22.5"},
    {"level1": "产出指标", "level2": "数量指标", "level3": "完成数量", "core": False, "nature": "≥",
     "value": "20", "unit": "个", "weight": "22.5"},
    {"level1": "产出指标", "level2": "时效指标", "level3": "按期完成率", "core": False, "nature": "=",
     "value": "100", "unit": "%", "weight": "22.5"},
    {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "满意度", "core": False, "nature": "定性",
     "value": "效果明显", "unit": "", "weight": "22.5"},
]  # fmt: skip
CATALOG = [(r["level1"], r["level2"]) for r in PROMISE]


def test_volume_results_spread_over_every_class_and_grade():
    """What the volume enters lands in the class and grade it drew, by the service's own figures."""
    settings = YearSettings()
    funds = {"fiscal": {"initial": "300", "adjusted": "300"}, "unit": {"initial": "20", "adjusted": "20"}}
    classes, grades = Counter(), Counter()
    for seed in range(300):
        rng = random.Random(seed)  # noqa: S311 - made-up data, repeatable
        monitored = volume_results.monitoring_values({"funds": funds, "indicators": PROMISE}, 8, rng)
        cls = stages.compute("monitoring", monitored, settings)["monitoring_class"]
        classes[cls] += 1
        assert bool(monitored["deviation_reason"]) == (cls != "正常")
        evaluated = volume_results.evaluation_values({"funds": funds, "indicators": PROMISE}, rng)
        rows, errors = indicators.clean_rows_detailed(
            {"mode": "evaluation"}, evaluated["indicators"], CATALOG, settings=settings
        )
        assert not errors, errors
        figures = stages.compute("self_evaluation", evaluated | {"indicators": rows}, settings)
        grades[figures["grade"]] += 1
        assert bool(evaluated["execution_reason"]) == (figures["execution_rate"] < Decimal("0.9"))
    assert (
        set(classes) == {"正常", "滞后", "严重滞后"}
        and classes["正常"] > classes["滞后"] > classes["严重滞后"]
    )
    assert set(grades) == {"优", "良", "中", "差"} and grades["优"] > grades["中"] > grades["差"]
