"""列表设置: admins choose per stage kind and role what the document lists show."""

from wtforms import IntegerField, SelectField

from admin.base import AdminForm, SecureModelView, actor
from admin.views import _show_errors
from forms.fields import CheckboxesField
from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.models import KIND_LABELS, ROLE_LABELS, Role
from zyperf.permissions import Action
from zyperf.services import listviews

ANY = [("", "（全部）")]


class ListViewForm(AdminForm):
    kind = SelectField("文档类型", choices=ANY + [(k.value, v) for k, v in KIND_LABELS.items()])
    role = SelectField(
        "角色", choices=ANY + [(r.value, v) for r, v in ROLE_LABELS.items() if r is not Role.ADMIN]
    )
    columns = CheckboxesField("显示的列", choices=list(listviews.COLUMNS.items()))
    filters = CheckboxesField("筛选条件", choices=list(listviews.FILTERS.items()))
    search_fields = CheckboxesField("搜索字段", choices=list(listviews.SEARCH_FIELDS.items()))
    default_sort = SelectField(
        "默认排序",
        choices=[(k, f"{v}（升序）") for k, v in listviews.SORT_LABELS.items()]
        + [(f"-{k}", f"{v}（降序）") for k, v in listviews.SORT_LABELS.items()],
        default="-updated_at",
    )
    page_size = IntegerField("每页条数", default=50)


class ListViewAdmin(SecureModelView):
    required_action = Action.MANAGE_SETTINGS
    form = ListViewForm
    form_widget_args = {k: {"class": "list-unstyled mb-0"} for k in ("columns", "filters", "search_fields")}
    column_list = ("kind", "role", "columns", "filters", "search_fields", "default_sort", "page_size")
    column_labels = {
        "kind": "文档类型",
        "role": "角色",
        "columns": "列",
        "filters": "筛选",
        "search_fields": "搜索",
        "default_sort": "默认排序",
        "page_size": "每页条数",
    }
    column_formatters = {
        "kind": lambda v, c, m, n: KIND_LABELS.get(m.kind, "（全部）") if m.kind else "（全部）",
        "role": lambda v, c, m, n: ROLE_LABELS.get(Role(m.role), m.role) if m.role else "（全部）",
        "columns": lambda v, c, m, n: "、".join(listviews.COLUMNS.get(x, x) for x in m.columns),
        "filters": lambda v, c, m, n: "、".join(listviews.FILTERS.get(x, x) for x in m.filters),
        "search_fields": lambda v, c, m, n: "、".join(
            listviews.SEARCH_FIELDS.get(x, x) for x in m.search_fields
        ),
    }

    def on_form_prefill(self, form, id):
        view = self.get_one(id)
        form.kind.data, form.role.data = view.kind or "", view.role or ""

    def _save(self, form, view):
        try:
            saved = listviews.save_list_view(
                view,
                actor=actor(),
                kind=form.kind.data,
                role=form.role.data,
                columns=form.columns.data,
                filters=form.filters.data,
                search_fields=form.search_fields.data,
                default_sort=form.default_sort.data,
                page_size=form.page_size.data,
            )
            db.session.commit()
        except ValidationFailed as err:
            db.session.rollback()
            _show_errors(form, err)
            return None
        return saved

    def create_model(self, form):
        return self._save(form, None) or False

    def update_model(self, form, model):
        return self._save(form, model) is not None
