"""年度工作 for finance: open the monitoring and evaluation rounds (下发) after a confirmation, follow
each round's progress by unit, see every monitored project's class and decide its handling; and the
budget-adjustment ledger per unit and project."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select

from admin.base import SecureBaseView, actor
from forms.rounds import HandlingForm, OpenRoundForm
from zyperf import clock
from zyperf.errors import DomainError, NotFound
from zyperf.extensions import db
from zyperf.models import MEASURE_LABELS, ROUND_STAGES, FiscalYear, StageDocument, Unit
from zyperf.permissions import Action, can, get_visible_or_404, scoped
from zyperf.services import adjustments, handling, rounds
from zyperf.services import projects as project_service
from zyperf.transitions import STATE_LABELS, state_label


def _year(value) -> FiscalYear:
    found = project_service.fiscal_year(value) if value else project_service.current_fiscal_year()
    if found is None:
        raise NotFound("该预算年度不存在")
    return found


def _years() -> list[int]:
    return db.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())).all()


class RoundsView(SecureBaseView):
    required_action = Action.VIEW_ROUNDS

    @expose("/")
    def index(self):
        return self._page(_year(request.args.get("year", type=int)))

    def _page(self, fiscal_year: FiscalYear, *, refusal: DomainError | None = None):
        """The year's rounds, their progress by unit, and the monitored projects (those calling for
        handling, or all); a refused action comes back here with its reason and status."""
        user = actor()
        found = {r.stage: r for r in rounds.rounds_of(fiscal_year)}
        unit_id = request.args.get("unit", type=int)
        show_all = request.args.get("all") == "1"
        monitoring = found.get("monitoring")
        page = self.render(
            "admin/rounds/index.html",
            fiscal_year=fiscal_year,
            years=_years(),
            stages=ROUND_STAGES,
            rounds=found,
            progress=rounds.progress(list(found.values()), user),
            monitored=rounds.monitored(monitoring, user, unit_id=unit_id, flagged_only=not show_all)
            if monitoring
            else [],
            units=db.session.scalars(scoped(select(Unit), user).order_by(Unit.sort_order)).all(),
            unit_id=unit_id,
            show_all=show_all,
            can_open=can(user, Action.OPEN_ROUND),
            can_decide=can(user, Action.DECIDE_HANDLING),
            measures=MEASURE_LABELS,
            state_labels=STATE_LABELS,
            state_label=state_label,
            handling_form=HandlingForm(formdata=None),
            year_over=clock.today().year > fiscal_year.year,
            refusal=refusal,
        )
        return page, refusal.status if refusal else 200

    def _act(self, fiscal_year: FiscalYear, call, done) -> object:
        """Call a service, commit and go back to the page; a refusal is shown there, nothing saved."""
        try:
            message = done(call())
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            return self._page(_year(fiscal_year.year), refusal=err)
        flash(message, "success")
        return redirect(url_for(".index", year=fiscal_year.year), code=303)

    @expose("/open", methods=["GET", "POST"])
    def open_round(self):
        """GET: what opening would do (a confirmation page). POST: open it."""
        user = actor()
        form = OpenRoundForm(formdata=request.form if request.method == "POST" else request.args)
        fiscal_year = _year(form.year.data)
        if request.method == "GET":
            try:
                preview = rounds.preview(fiscal_year, form.stage.data)
            except DomainError as err:
                return self._page(fiscal_year, refusal=err)
            return self.render(
                "admin/rounds/confirm.html",
                fiscal_year=fiscal_year,
                stage=form.stage.data,
                stage_label=ROUND_STAGES[form.stage.data],
                preview=preview,
                form=OpenRoundForm(formdata=None, year=fiscal_year.year, stage=form.stage.data),
                can_open=can(user, Action.OPEN_ROUND),
            )
        if not form.validate():
            flash("；".join(m for msgs in form.errors.values() for m in msgs), "error")
            return redirect(url_for(".index", year=fiscal_year.year), code=303)
        return self._act(
            fiscal_year,
            lambda: rounds.open_round(fiscal_year, form.stage.data, actor=user),
            lambda opened: f"已下发{opened.round}：新建 {opened.created} 份，已有 {opened.existing} 份",
        )

    @expose("/handling", methods=["POST"])
    def decide(self):
        """Finance records the handling of one monitored project."""
        user = actor()
        form = HandlingForm()
        document = get_visible_or_404(user, StageDocument, form.monitoring_id.data)
        if not form.validate():
            flash("；".join(m for msgs in form.errors.values() for m in msgs), "error")
            return redirect(url_for(".index", year=document.fiscal_year.year), code=303)
        return self._act(
            document.fiscal_year,
            lambda: handling.decide(
                document, form.measure.data, actor=user, instruction=form.instruction.data
            ),
            lambda decision: f"已决定处置措施：{document.project.name} · {decision.measure_label}",
        )


class AdjustmentLedgerView(SecureBaseView):
    """预算调整台账: per unit and per project, count and amounts of the year's final adjustments."""

    required_action = Action.VIEW_ROUNDS

    @expose("/")
    def index(self):
        user = actor()
        fiscal_year = _year(request.args.get("year", type=int))
        rows = adjustments.ledger(user, fiscal_year)
        return self.render(
            "admin/rounds/ledger.html",
            fiscal_year=fiscal_year,
            years=_years(),
            rows=rows,
            units=adjustments.by_unit(rows),
        )
