"""The command line: seed demo (idempotent, creates the schema), create-user, create-token."""

from sqlalchemy import func, select

from tests.conftest import make_app
from zyperf.extensions import db
from zyperf.models import Project, Unit, User


def test_seed_demo_creates_schema_and_is_idempotent(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'cli.sqlite'}")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "新建用户 24 个" in first.output and "演示业务已办理" in first.output
    assert "ZYPERF_TODAY=2026-09-20" in first.output
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0
    assert "新建用户 0 个，新建项目 0 个" in second.output and "演示业务" not in second.output
    with app.app_context():
        names = set(db.session.scalars(select(Unit.name)))
        assert {
            "财务科",
            "办公室",
            "规划科",
            "耕地保护科",
            "国土空间生态修复科",
            "自然资源确权登记科",
            "测绘地理信息科",
            "执法支队",
        } <= names
        assert db.session.scalar(select(func.count(Project.id))) >= 12
        flags = db.session.execute(select(Project)).scalars().all()
        assert any(p.is_new and p.is_major for p in flags)
        assert any(p.is_new and p.is_large and not p.is_major for p in flags)
        assert any(not p.is_new for p in flags)
        assert any(p.is_key_monitoring for p in flags)
        assert any(p.added_mid_year for p in flags)
        assert {fy for fy in db.session.scalars(select(Project.fiscal_year_id))}
        deputy = db.session.scalar(select(User).where(User.username == "deputy"))
        assert {u.name for u in deputy.oversees} == {"规划科", "耕地保护科"}
        db.session.remove()
        db.engine.dispose()
    third = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert "跳过" in third.output


def test_create_user_and_token(app, bureau):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "cehui01",
            "--name",
            "测绘科 周",
            "--role",
            "staff",
            "--unit",
            "cehui",
            "--password",
            "secret-123",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "cehui01"))
    assert user.unit.code == "cehui" and user.has_role("staff")
    token = runner.invoke(args=["create-token", "cehui01"]).output.strip()
    assert token.startswith("zyp_")
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["unit"] == {"code": "cehui", "name": "测绘地理信息科"}


def test_create_user_refuses_bad_input(app, bureau):
    runner = app.test_cli_runner()
    dup = runner.invoke(args=["create-user", "guihua", "--role", "staff", "--password", "secret-123"])
    assert dup.exit_code != 0 and "已存在" in dup.output
    role = runner.invoke(args=["create-user", "x1", "--role", "boss", "--password", "secret-123"])
    assert role.exit_code != 0 and "未知角色" in role.output
    short = runner.invoke(args=["create-user", "x2", "--role", "staff", "--password", "short"])
    assert short.exit_code != 0 and "密码至少" in short.output
    unit = runner.invoke(
        args=["create-user", "x3", "--role", "staff", "--unit", "nope", "--password", "secret-123"]
    )
    assert unit.exit_code != 0 and "没有编码为 nope" in unit.output
    assert runner.invoke(args=["create-token", "nobody"]).exit_code != 0


def test_apply_goes_through_the_workflow(app, bureau):
    from tests.filling import complete_data, into_library
    from zyperf.models import StageDocument
    from zyperf.services import documents

    project = db.session.scalar(
        select(Project).where(Project.name == "耕地保护补偿资金", Project.fiscal_year.has(year=2026))
    )
    into_library(project, bureau)
    doc = documents.create_document(
        "monitoring", actor=bureau["gengdi"], project=project, data=complete_data("monitoring")
    )
    db.session.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["apply", str(doc.id), "submit", "--actor", "gengdi"])
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(args=["apply", str(doc.id), "approve", "--actor", "finance"])
    assert refused.exit_code != 0 and "科室（单位）负责人" in refused.output
    hidden = runner.invoke(args=["apply", str(doc.id), "approve", "--actor", "guihua"])
    assert hidden.exit_code != 0 and "未找到" in hidden.output
    no_comment = runner.invoke(args=["apply", str(doc.id), "return", "--actor", "gengdi_head"])
    assert no_comment.exit_code != 0 and "意见" in no_comment.output
    db.session.expire_all()
    assert db.session.get(StageDocument, doc.id).state == "submitted"
