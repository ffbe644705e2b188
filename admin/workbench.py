"""工作台 (the home page): each role's year at a glance. The view only gathers what the services count
(zyperf.services.workbench, .overview, .worklist, .reminders) for the roles the user holds."""

from flask import request, url_for
from flask_admin import expose
from sqlalchemy import select

from admin.base import SecureIndexView, actor
from admin.worklists import request_worklist_count
from zyperf import boundary, charts, clock
from zyperf.extensions import db
from zyperf.models import KIND_LABELS, FiscalYear, Role
from zyperf.permissions import Action, can
from zyperf.services import handling, overview, reminders, workbench
from zyperf.services.worklist import worklist_page
from zyperf.transitions import state_label

HOME_WORK_ITEMS = 8  # the oldest few; 我的待办 has them all


def execution_chart(execution: overview.Execution):
    bars = [
        charts.Bar(
            p.project,
            p.rate,
            p.cls,
            url_for("documents.detail", doc_id=p.document_id),
            f"{p.unit}；参照进度 {charts.percent(p.reference)}",
        )
        for p in execution.points
    ]
    return charts.execution_chart(bars, reference=execution.time_progress)


def grades_chart(grades: overview.Grades):
    link = url_for("documents.index", kind="self_evaluation", year=grades.year, state="final")
    return charts.count_chart(
        grades.counts,
        charts.GRADE_COLOURS,
        chart_id="grades-chart",
        title=f"{grades.year}年度项目支出绩效自评等级分布",
        hrefs=dict.fromkeys(grades.counts, link),
    )


class HomeView(SecureIndexView):
    @expose("/")
    def index(self):
        user = actor()
        today = clock.today()
        fiscal_year = workbench.fiscal_year_of(boundary.optional_integer(request.args.get("year"), "year"))
        business = can(user, Action.VIEW_DOCUMENT)
        overseeing = user.has_role(Role.FINANCE, Role.PRINCIPAL)
        unit_work = user.has_role(Role.STAFF, Role.SECTION_HEAD, Role.DIVISION_LEADER)
        context = {
            "user": user,
            "fiscal_year": fiscal_year,
            "years": db.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())).all()
            if business
            else [],
            "business": business,
            "state_label": state_label,
            "kind_labels": KIND_LABELS,
            "matrix_kinds": workbench.MATRIX_KINDS,
            "status_labels": workbench.STATUS_LABELS,
            "today": today,
        }
        if business:
            context["work"] = worklist_page(
                user, per_page=HOME_WORK_ITEMS, total=request_worklist_count(), today=today
            )
            context["reminders"] = reminders.received(user)
            if can(user, Action.ACKNOWLEDGE_HANDLING):
                context["instructions"] = handling.awaiting(user)
        if business and fiscal_year is not None:
            if unit_work:
                context["projects"], context["projects_total"] = workbench.unit_projects(
                    user, fiscal_year, today=today
                )
            if overseeing or user.has_role(Role.DIVISION_LEADER):
                rows = workbench.matrix(user, fiscal_year, today=today)
                context["matrix"], context["matrix_totals"] = rows, workbench.matrix_totals(rows)
            if overseeing:
                execution = overview.execution(user, fiscal_year)
                context["execution"] = execution
                context["execution_chart"] = execution_chart(execution) if execution.points else None
                grades = overview.grades(user, fiscal_year)
                context["grades"] = grades
                context["grades_chart"] = grades_chart(grades) if grades.total else None
                context["adjustments"] = overview.adjustments_brief(user, fiscal_year)
                context["monitoring_round"] = overview.monitoring_round(user, fiscal_year, today=today)
        if can(user, Action.USE_ADMIN):
            context["configuration"] = workbench.configuration(today)
        return self.render("admin/home.html", **context)
