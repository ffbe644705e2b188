"""Command-line tools: flask --app app seed demo | seed volume | create-user | create-token | init-db |
apply | export | import."""

from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from zyperf.errors import DomainError, ImportRefused
from zyperf.extensions import db
from zyperf.imports.reading import MAX_BYTES
from zyperf.models import Role, StageDocument, Unit, User
from zyperf.permissions import get_visible_or_404
from zyperf.services import accounts, exports, imports, workflow
from zyperf.services.exports import KIND_LABELS

EXPORT_HELP = "\n".join(
    [
        "按市财政局格式导出报表（与页面、API 同一服务、同样的范围检查）。",
        "",
        "带 --project：该项目的表；带 --unit：该科室（单位）的汇总表，逐项目的表随后附上；都不带：全局。",
        "",
        "给出 --actor 时按该用户的范围导出，范围外的项目、科室（单位）或全局报表为“不存在”。",
        "不给出 --actor 时为系统导出，范围为全局。",
        "",
        "KIND：",
        "",
        "\b",
        *(f"  {kind:<28}{label}" for kind, label in KIND_LABELS.items()),
    ]
)


def user_named(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"用户 {username} 不存在")
    return user


class ProgressBar:
    """click.progressbar made on the first report, once the total is known (drawn on a terminal)."""

    def __init__(self, label: str):
        self.label, self.bar, self.done = label, None, 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label)
        self.bar.update(done - self.done)
        self.done = done

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()


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
        """创建数据库结构（如需要）并载入演示局：科室、用户、年度和项目，以及演示年度的业务：2025 年度已全部办结，
        2026 年度进行到 9 月绩效监控（均经由业务服务、由相应人员办理）。可重复执行。"""
        # The demo's story and the volume generator load only for these commands, never in a web worker.
        from zyperf import demo
        from zyperf.seeding import DEMO_PASSWORD

        upgrade_schema()
        if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
            click.echo("数据库已有数据，跳过演示数据。")
            return
        result = demo.seed(password or DEMO_PASSWORD)
        db.session.commit()
        click.echo(
            f"演示数据已就绪：科室（单位）{result['units']} 个，"
            f"新建用户 {result['users_created']} 个，新建项目 {result['projects_created']} 个。"
        )
        if result["story_told"]:
            today = result["today"].isoformat()
            click.echo(
                f"演示业务已办理：文档 {result['documents']} 份。演示日期为 {today}："
                f"以 ZYPERF_TODAY={today} 启动即按该日期查看（make run 已设置）。"
            )

    @seed.command("volume")
    @click.option("--projects", "count", type=click.IntRange(1, 100_000), required=True, help="项目数")
    @click.option(
        "--year", type=click.IntRange(1900, 9999), default=None, help="年度（默认：2099 起第一个空闲年度）"
    )
    def seed_volume_command(count, year):
        """为压力测试生成一个年度的批量数据：项目、绩效目标（12 项指标，审批至定稿）、绩效监控（填报并审批至定稿，
        正常、滞后、严重滞后约 7:2:1）和绩效自评（填报，优、良、中、差约 40:35:18:7；九成报送并录入市财政局审核意见）。
        全部经由业务服务办理（与页面、API 相同的检查、历史和审计）。"""
        from zyperf import volume  # as demo above: not loaded by a web worker

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
        try:
            role_list = [Role(r) for r in roles]
        except ValueError as err:
            raise click.ClickException(f"未知角色：{err}；可用：{', '.join(r.value for r in Role)}") from None
        units = {u.code: u for u in db.session.scalars(select(Unit))}
        for code in (unit_code, *oversees):
            if code and code not in units:
                raise click.ClickException(f"没有编码为 {code} 的科室（单位）")
        try:
            user = accounts.create_user(
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
        user = user_named(username)
        token = accounts.create_token(user, name=name, actor=None)
        db.session.commit()
        click.echo(token)

    @app.cli.command("export", help=EXPORT_HELP)
    @click.argument("kind", type=click.Choice(list(KIND_LABELS)), metavar="KIND")
    @click.option("--year", type=click.IntRange(1900, 9999), required=True, help="预算年度")
    @click.option("--unit", "unit_code", default=None, help="科室（单位）编码：该科室的报表")
    @click.option("--project", "project_id", type=click.IntRange(1, 2**31 - 1), default=None, help="项目编号")
    @click.option(
        "--actor", "username", default=None, help="以哪位用户的身份和范围导出（默认：系统导出全局）"
    )
    @click.option("--per-unit", is_flag=True, help="全局的逐项目表按科室（单位）分册打包为 .zip")
    @click.option(
        "--out", type=click.Path(dir_okay=False), required=True, help="输出文件（.xlsx，分册时 .zip）"
    )
    def export_command(kind, year, unit_code, project_id, username, per_unit, out):
        actor = user_named(username) if username else None
        bar = (
            ProgressBar(f"{year} 年度{KIND_LABELS[kind]}")
            if unit_code is None and project_id is None
            else None
        )
        try:
            made = exports.export(
                kind,
                actor=actor,
                year=year,
                unit_code=unit_code,
                project_id=project_id,
                per_unit=per_unit,
                progress=bar,
            )
        except DomainError as err:
            raise click.ClickException(err.message) from None
        finally:
            if bar is not None:
                bar.finish()
        wanted = Path(made.name).suffix
        if Path(out).suffix.lower() != wanted:
            raise click.ClickException(
                f"导出的是 {wanted} 文件（{made.name}），请用以 {wanted} 结尾的输出文件名"
            )
        Path(out).write_bytes(made.buffer.getvalue())
        click.echo(f"已导出「{made.name}」到 {out}（{len(made.buffer.getvalue()) / 1024:.0f} KB）")

    @app.cli.command("apply")
    @click.argument("document_id", type=int)
    @click.argument("action")
    @click.option("--actor", "username", required=True, help="以哪位用户的身份办理")
    @click.option("--comment", default="", help="意见（退回、录入评审意见时必填）")
    @click.option("--conclusion", default=None, help="市财政局评审结论（录入评审意见时）")
    def apply_command(document_id, action, username, comment, conclusion):
        """对阶段文档进行一次办理（与页面、API 走同一服务和同样的检查）。"""
        user = user_named(username)
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

    @app.cli.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False), metavar="FILE")
    @click.option(
        "--document", "document_id", type=click.IntRange(1, 2**31 - 1), required=True, help="文档编号"
    )
    @click.option("--actor", "username", required=True, help="以哪位用户的身份填报")
    def import_command(path, document_id, username):
        """把填好的 Excel 填报模板导入文档（与页面、API 同一服务、同样的逐格检查；全部无误才保存）。"""
        user = user_named(username)
        with open(path, "rb") as handle:
            content = handle.read(MAX_BYTES + 1)
        try:
            document = get_visible_or_404(user, StageDocument, document_id)
            imports.import_workbook(document, content, actor=user, expected_version=document.version)
            db.session.commit()
        except ImportRefused as err:
            db.session.rollback()
            lines = [f"  {c.sheet}!{c.cell}：{c.message}" for c in err.cells]
            raise click.ClickException("\n".join([err.message, *lines])) from None
        except DomainError as err:
            db.session.rollback()
            raise click.ClickException(err.message) from None
        click.echo(f"已导入「{document.title}」：版本 {document.version}")
