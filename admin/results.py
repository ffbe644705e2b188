"""评价结果应用 (rules 三(五)): the year's ledger of results and decisions. Everyone in business sees
their own rows; finance records each row's decision on the same page (a refusal comes back here)."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select

from admin.base import SecureBaseView, actor
from forms.results import DecisionForm
from zyperf.errors import DomainError, NotFound
from zyperf.extensions import db
from zyperf.models import FiscalYear, Project
from zyperf.permissions import Action, can, get_visible_or_404
from zyperf.services import projects as project_service
from zyperf.services import results


class ResultsView(SecureBaseView):
    required_action = Action.VIEW_RESULTS

    def _year(self, year: int | None) -> FiscalYear:
        if year:
            fiscal_year = project_service.fiscal_year(year)
        else:
            fiscal_year = results.latest_evaluated_year() or project_service.current_fiscal_year()
        if fiscal_year is None:
            raise NotFound("该预算年度不存在")
        return fiscal_year

    @expose("/")
    def index(self, refusal: DomainError | None = None, posted: DecisionForm | None = None):
        """The ledger; after a refused decision, with its reason and the row's form as it was sent."""
        user = actor()
        fiscal_year = self._year(request.args.get("year", type=int) or request.form.get("year", type=int))
        refused = posted.subject.data if posted is not None else None
        page = self.render(
            "admin/results.html",
            fiscal_year=fiscal_year,
            years=db.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())).all(),
            rows=results.ledger(user, fiscal_year),
            may_decide=can(user, Action.DECIDE_RESULTS),
            form_for=lambda row: posted if row.key == refused else self._form(row, fiscal_year),
            refusal=refusal,
            refused=refused,
        )
        return page, refusal.status if refusal else 200

    @staticmethod
    def _form(row: results.LedgerRow, fiscal_year: FiscalYear) -> DecisionForm:
        decision = row.decision
        form = DecisionForm(formdata=None, subject=row.key, year=fiscal_year.year)
        form.version.data = decision.version if decision else None
        form.ways.data = list(decision.ways) if decision else list(row.suggested_ways)
        form.next_amount.data = (
            "" if not decision or decision.next_amount is None else str(decision.next_amount)
        )
        form.text.data = decision.text if decision else ""
        return form

    @expose("/decide", methods=["POST"])
    def decide(self):
        """Finance records (or, with a reason, changes) one row's decision."""
        user = actor()
        form = DecisionForm()
        fiscal_year = self._year(form.year.data)
        project = None
        if form.subject.data != results.DEPARTMENT:
            project = get_visible_or_404(user, Project, form.subject.data)
            if project.fiscal_year_id != fiscal_year.id:
                raise NotFound()
        if not form.validate_on_submit():
            flash("；".join(m for msgs in form.errors.values() for m in msgs), "error")
            return redirect(url_for(".index", year=fiscal_year.year), code=303)
        try:
            results.decide(
                fiscal_year,
                project,
                actor=user,
                ways=form.ways.data,
                next_amount=form.next_amount.data,
                text=form.text.data,
                reason=form.reason.data,
                expected_version=form.version.data,
            )
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            return self.index(refusal=err, posted=form)
        flash(f"已记录结果应用决定：{project.name if project else results.DEPARTMENT_SUBJECT}", "success")
        return redirect(url_for(".index", year=fiscal_year.year), code=303)
