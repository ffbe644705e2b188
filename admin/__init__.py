"""The menu shell: a new Flask-Admin instance per app, with the views each role may use."""

from pathlib import Path

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme


def init_admin(app):
    from admin.definitions import FormDesignerView, IndicatorCategoryAdmin
    from admin.documents import DocumentsView, WorkflowDiagramView
    from admin.exports import ExportsView
    from admin.listviews import ListViewAdmin
    from admin.pages import AccountView
    from admin.projects import ProjectAdmin
    from admin.results import ResultsView
    from admin.rounds import AdjustmentLedgerView, RoundsView
    from admin.settings import FiscalYearAdmin, SystemSettingsView
    from admin.views import AuditAdmin, UnitAdmin, UserAdmin
    from admin.workbench import HomeView
    from admin.worklists import OutstandingView, WorklistView, worklist_badge
    from zyperf.models import AuditEntry, FiscalYear, IndicatorCategory, ListView, Project, Unit, User

    admin_site = Admin(
        app,
        name="预算绩效管理",
        index_view=HomeView(url="/admin"),
        theme=Bootstrap4Theme(base_template="layout.html", fluid=True),
        translations_path=str(Path(__file__).parent / "translations"),
    )
    admin_site.add_view(WorklistView(name="我的待办", endpoint="worklist", url="/worklist"))
    admin_site.add_view(ProjectAdmin(Project, name="项目", endpoint="projects", url="/projects"))
    admin_site.add_view(DocumentsView(name="阶段文档", endpoint="documents", url="/documents"))
    admin_site.add_view(OutstandingView(name="催办", endpoint="outstanding", url="/outstanding"))
    admin_site.add_view(ResultsView(name="结果应用", endpoint="results", url="/results"))
    year_work = "年度工作"
    admin_site.add_view(
        RoundsView(name="监控与自评任务", endpoint="rounds", url="/rounds", category=year_work)
    )
    admin_site.add_view(
        AdjustmentLedgerView(
            name="预算调整台账", endpoint="adjustment_ledger", url="/ledger", category=year_work
        )
    )
    admin_site.add_view(ExportsView(name="导出报表", endpoint="exports", url="/exports", category=year_work))
    settings = "系统配置"
    admin_site.add_view(UnitAdmin(Unit, name="科室（单位）", endpoint="admin_units", category=settings))
    admin_site.add_view(UserAdmin(User, name="用户", endpoint="admin_users", category=settings))
    admin_site.add_view(
        FiscalYearAdmin(FiscalYear, name="预算年度设置", endpoint="admin_years", category=settings)
    )
    admin_site.add_view(SystemSettingsView(name="系统设置", endpoint="admin_system", category=settings))
    admin_site.add_view(FormDesignerView(name="表单设计", endpoint="admin_forms", category=settings))
    admin_site.add_view(
        IndicatorCategoryAdmin(
            IndicatorCategory, name="指标库", endpoint="admin_indicators", category=settings
        )
    )
    admin_site.add_view(AuditAdmin(AuditEntry, name="审计日志", endpoint="admin_audit", category=settings))
    admin_site.add_view(
        ListViewAdmin(ListView, name="列表设置", endpoint="admin_list_views", category=settings)
    )
    admin_site.add_view(WorkflowDiagramView(name="审批流程图", endpoint="admin_workflows", category=settings))
    admin_site.add_view(AccountView(name="我的账户", endpoint="account", url="/account"))
    app.context_processor(lambda: {"worklist_badge": worklist_badge})
    return admin_site
