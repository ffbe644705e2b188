"""Command-line tools: flask --app app seed demo | seed volume | create-user | create-token | init-db | apply."""

import click
from flask import current_app
from sqlalchemy import select

from zyperf.errors import DomainError
from zyperf.extensions import db


def upgrade_schema() -> None:
    """Bring the database to the newest migration (creates it when empty)."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


def register_commands(app):
    @app.cli.command("init-db")
    def init_db():
        """创建或升级数据库结构（运行全部迁移）。"""
        upgrade_schema()
        click.echo("数据库结构已是最新。")

    @app.cli.group("seed")
    def seed():
        """载入演示数据。"""

    @seed.command("demo")
    @click.option("--password", default=None, help="演示账户的密码（默认 zyperf-demo）")
    @click.option("--if-empty", is_flag=True, help="数据库中已有用户时不做任何事")
    def seed_demo_command(password, if_empty):
        """创建数据库结构（如需要）并载入演示局：科室、用户、年度和项目。可重复执行。"""
        from zyperf.models import User
        from zyperf.seeding import DEMO_PASSWORD, seed_demo

        upgrade_schema()
        if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
            click.echo("数据库已有数据，跳过演示数据。")
            return
        result = seed_demo(password or DEMO_PASSWORD)
        db.session.commit()
        click.echo(
            f"演示数据已就绪：科室（单位）{result['units']} 个，"
            f"新建用户 {result['users_created']} 个，新建项目 {result['projects_created']} 个。"
        )

    @seed.command("volume")
    @click.option("--projects", "count", type=click.IntRange(1, 100_000), required=True, help="项目数")
    @click.option(
        "--year", type=click.IntRange(1900, 9999), default=None, help="年度（默认：2099 起第一个空闲年度）"
    )
    def seed_volume_command(count, year):
        """为压力测试生成一个年度的批量数据：项目、绩效目标（12 项指标，审批至定稿）和约一半项目的绩效监控草稿。
        全部经由业务服务办理（与页面、API 相同的检查、历史和审计）。"""
        from zyperf import volume

        upgrade_schema()
        run = volume.prepare(count, year=year)
        db.session.commit()
        year = run.fiscal_year.year
        with click.progressbar(length=count, label=f"{year} 年度批量数据") as bar:
            for i in range(count):
                volume.add_project(run, i)
                if (i + 1) % volume.BATCH == 0:
                    db.session.commit()
                bar.update(1)
        db.session.commit()
        click.echo(f"已在 {year} 年度新建项目 {count} 个（该年度现有 {run.start + count} 个）。")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--name", "display_name", default="", help="姓名")
    @click.option("--role", "roles", multiple=True, required=True, help="角色，可多次给出")
    @click.option("--unit", "unit_code", default=None, help="科室（单位）编码")
    @click.option("--oversees", multiple=True, help="分管科室编码（分管领导）")
    @click.password_option(help="密码（不给出时交互输入）")
    def create_user(username, display_name, roles, unit_code, oversees, password):
        """新建用户。"""
        from zyperf.models import Role, Unit
        from zyperf.services.accounts import create_user as create

        try:
            role_list = [Role(r) for r in roles]
        except ValueError as err:
            raise click.ClickException(f"未知角色：{err}；可用：{', '.join(r.value for r in Role)}") from None
        units = {u.code: u for u in db.session.scalars(select(Unit))}
        for code in (unit_code, *oversees):
            if code and code not in units:
                raise click.ClickException(f"没有编码为 {code} 的科室（单位）")
        try:
            user = create(
                username,
                password,
                display_name=display_name,
                roles=role_list,
                unit=units.get(unit_code) if unit_code else None,
                oversees=[units[c] for c in oversees],
                actor=None,
            )
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            raise click.ClickException(
                err.message + "".join(f"；{m}" for ms in (err.fields or {}).values() for m in ms)
            ) from None
        click.echo(f"已创建用户 {user.username}")

    @app.cli.command("create-token")
    @click.argument("username")
    @click.option("--name", default="命令行创建", help="令牌用途")
    def create_token(username, name):
        """为用户新建 API 令牌并打印（只显示一次）。"""
        from zyperf.models import User
        from zyperf.services.accounts import create_token as create

        user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise click.ClickException(f"用户 {username} 不存在")
        token = create(user, name=name, actor=None)
        db.session.commit()
        click.echo(token)

    @app.cli.command("apply")
    @click.argument("document_id", type=int)
    @click.argument("action")
    @click.option("--actor", "username", required=True, help="以哪位用户的身份办理")
    @click.option("--comment", default="", help="意见（退回、录入评审意见时必填）")
    @click.option("--conclusion", default=None, help="市财政局评审结论（录入评审意见时）")
    def apply_command(document_id, action, username, comment, conclusion):
        """对阶段文档进行一次办理（与页面、API 走同一服务和同样的检查）。"""
        from zyperf.models import StageDocument, User
        from zyperf.permissions import get_visible_or_404
        from zyperf.services import workflow

        user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise click.ClickException(f"用户 {username} 不存在")
        try:
            document = get_visible_or_404(user, StageDocument, document_id)
            workflow.apply(
                document,
                action,
                actor=user,
                expected_version=document.version,
                comment=comment,
                params={"conclusion": conclusion} if conclusion else {},
            )
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            raise click.ClickException(err.message) from None
        click.echo(f"文档 {document.id} 现为「{document.state}」，版本 {document.version}")
