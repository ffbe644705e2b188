"""Safe bases for every Flask-Admin view: permission by named Action, CSRF, no deletes, scoped rows."""

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.contrib.sqla import ModelView
from flask_login import current_user
from flask_wtf.form import _Auto

from forms.base import AppForm
from zyperf.errors import NotFound, PermissionDenied
from zyperf.extensions import db
from zyperf.permissions import Action, can, scope_filter


def actor():
    return current_user._get_current_object()


class GuardedView:
    """Mixin: a view is reachable (and shown in the menu) exactly when can(user, required_action)."""

    required_action: Action = Action.USE_ADMIN

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and can(current_user, self.required_action)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path), code=303)
        raise PermissionDenied()


class SecureBaseView(GuardedView, BaseView):
    pass


class SecureIndexView(GuardedView, AdminIndexView):
    required_action = None  # every logged-in user has a home page

    def is_accessible(self) -> bool:
        return current_user.is_authenticated


class AdminForm(AppForm):
    """AppForm (one CSRF mechanism) plus the `_obj` that Flask-Admin's Unique validator looks for."""

    def __init__(self, formdata=_Auto, obj=None, prefix="", **kwargs):
        self._obj = obj
        super().__init__(formdata=formdata, obj=obj, prefix=prefix, **kwargs)


class SecureModelView(GuardedView, ModelView):
    """Configuration CRUD for admins. Never deletes; audit is written by the services it calls."""

    form_base_class = AdminForm
    can_delete = False
    can_set_page_size = True
    page_size = 50

    def __init__(self, model, *, name: str, endpoint: str, url: str | None = None, category=None):
        super().__init__(model, db, name=name, endpoint=endpoint, url=url, category=category)

    def render(self, template, **kwargs):
        page = super().render(template, **kwargs)
        if request.method == "POST" and template in (self.create_template, self.edit_template):
            return page, 422  # a posted form shown again was refused: its errors are on the page
        return page


class ScopedModelView(SecureModelView):
    """A model view over rows that belong to units: every query goes through scope_filter()."""

    def get_query(self):
        return super().get_query().filter(scope_filter(self.model, actor()))

    def get_count_query(self):
        return super().get_count_query().filter(scope_filter(self.model, actor()))

    def get_one(self, id):
        # The default get_one ignores get_query (flask-admin#1739); out of scope is a plain 404.
        try:
            row_id = int(id)
        except (TypeError, ValueError):
            raise NotFound() from None
        row = self.get_query().filter(self.model.id == row_id).one_or_none()
        if row is None:
            raise NotFound()
        return row
