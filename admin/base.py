"""Safe bases for every Flask-Admin view: permission by named Action, CSRF, no deletes, scoped rows."""

from dataclasses import dataclass
from datetime import datetime

from flask import flash, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.babel import gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_admin.model.filters import BaseIntFilter, BaseIntListFilter
from flask_login import current_user
from flask_wtf.form import _Auto
from jinja2 import pass_context
from wtforms import PasswordField, TextAreaField

from forms.base import AppForm
from zyperf.boundary import MAX_PAGE, integer, record_id, text_problem
from zyperf.errors import BadRequest, NotFound, PermissionDenied
from zyperf.extensions import db
from zyperf.formatting import local_time
from zyperf.permissions import Action, can, scope_filter


def filter_value_fits(flt, value: str) -> bool:
    """Integer filters: 32-bit values only (PostgreSQL casts the parameter to the column's type)."""
    if not isinstance(flt, BaseIntFilter | BaseIntListFilter):
        return True
    try:
        for part in value.split(",") if isinstance(flt, BaseIntListFilter) else [value]:
            if part.strip():
                integer(part, str(flt.name))
    except BadRequest:
        return False
    return True


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

    def validate(self, extra_validators=None) -> bool:
        """The boundary's text rule on every text field: no control characters (newline and tab only
        in multi-line fields), no lone surrogates. Passwords are hashed, never shown: left alone."""
        valid = super().validate(extra_validators)
        for field in self:
            if not isinstance(field.data, str) or isinstance(field, PasswordField):
                continue
            if problem := text_problem(field.data, multiline=isinstance(field, TextAreaField)):
                field.errors = [*field.errors, problem]
                valid = False
        return valid


# Every timestamp a list or detail page shows, in Beijing time to the minute (stored as naive UTC).
TYPE_FORMATTERS = typefmt.BASE_FORMATTERS | {datetime: lambda view, value, name: local_time(value)}
DETAIL_TYPE_FORMATTERS = typefmt.DETAIL_FORMATTERS | {datetime: lambda view, value, name: local_time(value)}


@dataclass(frozen=True)
class RowLink:
    """A list row's icon link: `url` ends where the row's key goes; `rows`, if given, the only keys it is on."""

    url: str
    title: str
    icon: str
    rows: frozenset | None = None


class SecureModelView(GuardedView, ModelView):
    """Configuration CRUD for admins. Never deletes; audit is written by the services it calls."""

    form_base_class = AdminForm
    list_template = "admin/model/rows.html"
    column_details_link: str | None = None  # the list column whose text links to the row's page
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = DETAIL_TYPE_FORMATTERS
    can_delete = False
    can_set_page_size = True
    page_size = 50

    def __init__(self, model, *, name: str, endpoint: str, url: str | None = None, category=None):
        super().__init__(model, db, name=name, endpoint=endpoint, url=url, category=category)

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["row_links"] = self.row_links(kwargs.get("return_url"), kwargs.get("data") or [])
            if self.column_details_link:
                kwargs["details_url"] = self._row_url(".details_view", None)
        page = super().render(template, **kwargs)
        if request.method == "POST" and template in (self.create_template, self.edit_template):
            return page, 422  # a posted form shown again was refused: its errors are on the page
        return page

    def editable_rows(self, rows) -> list | None:
        """Which of the page's rows show the edit icon; None: every row (when can_edit)."""
        return None

    def row_links(self, return_url: str | None, rows) -> list[RowLink]:
        """Flask-Admin's view and edit icons (this shell has no modals and never deletes), each URL built
        once a page rather than once a row."""
        links = []
        if self.can_view_details:
            links.append(
                RowLink(self._row_url(".details_view", return_url), gettext("View Record"), "fa fa-eye")
            )
        if self.can_edit:
            editable = self.editable_rows(rows)
            only = None if editable is None else frozenset(self.get_pk_value(row) for row in editable)
            links.append(
                RowLink(self._row_url(".edit_view", return_url), gettext("Edit Record"), "fa fa-pencil", only)
            )
        return links

    def _row_url(self, endpoint: str, return_url: str | None) -> str:
        url = self.get_url(endpoint, url=return_url)
        return url + ("&" if "?" in url else "?") + "id="

    @pass_context
    def list_row(self, context, row, columns) -> list[tuple[str, object]]:
        """A row's cells, as Flask-Admin's list shows them (formatters, type formatters), in one call."""
        return [(name, self.get_list_value(context, row, name)) for name, _ in columns]

    def _get_list_extra_args(self):
        # A ?page= far beyond the rows would overflow the OFFSET: past MAX_PAGE it is an empty page.
        args = super()._get_list_extra_args()
        return args.clone(page=min(max(args.page or 0, 0), MAX_PAGE))

    def _get_list_filter_args(self):
        """Flask-Admin's filters check a number parses, not that the column can hold it."""
        kept = []
        for idx, name, value in super()._get_list_filter_args() or []:
            if filter_value_fits(self._filters[idx], value):
                kept.append((idx, name, value))
            else:
                flash(f"筛选条件「{name}」的值超出范围，已忽略", "error")
        return kept if self._filters else None

    def get_one(self, id):
        # ?id= comes from the URL: one the database could not hold is simply not there.
        row_id = record_id(id)
        return db.session.get(self.model, row_id) if row_id is not None else None


class ScopedModelView(SecureModelView):
    """A model view over rows that belong to units: every query goes through scope_filter()."""

    def get_query(self):
        return super().get_query().filter(scope_filter(self.model, actor()))

    def get_count_query(self):
        return super().get_count_query().filter(scope_filter(self.model, actor()))

    def get_one(self, id):
        # The default get_one ignores get_query (flask-admin#1739); out of scope is a plain 404.
        row_id = record_id(id)
        if row_id is None:
            raise NotFound()
        row = self.get_query().filter(self.model.id == row_id).one_or_none()
        if row is None:
            raise NotFound()
        return row
