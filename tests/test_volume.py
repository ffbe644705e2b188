"""`flask seed volume`: a synthetic year made through the services, as people would make it."""

from sqlalchemy import func, select

from tests.conftest import make_app
from zyperf import volume
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
        assert 0 < len(monitoring) < 15 and {d.state for d in monitoring} == {"draft"}
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
