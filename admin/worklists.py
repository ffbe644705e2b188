"""我的待办 (with the reminders the unit received), finance's 催办 overview with its reminders, and the
worklist count shown in the menu."""

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin.base import SecureBaseView, actor
from zyperf.extensions import db
from zyperf.models import Unit
from zyperf.permissions import Action, can, get_visible_or_404
from zyperf.services import projects as project_service
from zyperf.services import reminders, workbench
from zyperf.services.worklist import outstanding_by_unit, worklist_count, worklist_page
from zyperf.transitions import state_label


class WorklistView(SecureBaseView):
    required_action = Action.VIEW_DOCUMENT

    @expose("/")
    def index(self):
        user = actor()
        page = worklist_page(
            user, page=request.args.get("page", 1, type=int), clamp=True, total=request_worklist_count()
        )
        return self.render(
            "admin/documents/worklist.html",
            page=page,
            state_label=state_label,
            reminders=reminders.received(user, limit=3),
        )


class OutstandingView(SecureBaseView):
    required_action = Action.VIEW_OUTSTANDING

    @expose("/")
    def index(self):
        user = actor()
        fiscal_year = project_service.current_fiscal_year()
        late = workbench.late_not_started(user, fiscal_year) if fiscal_year else {}
        return self.render(
            "admin/documents/outstanding.html",
            rows=outstanding_by_unit(user, late_not_started=late),
            fiscal_year=fiscal_year,
            state_label=state_label,
            may_remind=can(user, Action.SEND_REMINDER),
            sent=reminders.sent() if can(user, Action.SEND_REMINDER) else [],
            default_message=reminders.DEFAULT_MESSAGE,
        )

    @expose("/remind/<int:unit_id>", methods=["POST"])
    def remind(self, unit_id: int):
        """Finance reminds a unit (催办提醒): its staff and head read it on their 工作台 and 我的待办."""
        user = actor()
        unit = get_visible_or_404(user, Unit, unit_id)
        reminders.send(
            unit,
            actor=user,
            message=request.form.get("message", ""),
            fiscal_year=project_service.current_fiscal_year(),
        )
        db.session.commit()
        flash(f"已向{unit.name}发送催办提醒", "success")
        return redirect(url_for(".index"), code=303)


def request_worklist_count() -> int:
    """How many documents wait for the current user, counted once per request (one COUNT query): the
    menu badge, the home page and 我的待办 all show it, often on the same page."""
    if "worklist_count" not in g:
        g.worklist_count = worklist_count(current_user._get_current_object())
    return g.worklist_count


def worklist_badge() -> int | None:
    """The count shown next to 我的待办 in the menu."""
    if not current_user.is_authenticated or not can(current_user, Action.VIEW_DOCUMENT):
        return None
    return request_worklist_count()
