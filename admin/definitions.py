"""The form designer (admins define each year's stage forms without a programmer) and the indicator
catalog. Every write goes through zyperf.services.definitions; each request commits once."""

import json
from itertools import groupby

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select
from wtforms.validators import DataRequired, Length

from admin.base import SecureBaseView, actor
from admin.views import AuditedModelView
from forms.base import AppForm
from forms.builder import build_stage_form
from forms.designer import CopyYearForm, FieldForm, ImportForm, JsonForm
from zyperf.boundary import optional_integer
from zyperf.domain.fields import FIELD_TYPES, TYPE_OPTIONS
from zyperf.domain.text import period_label
from zyperf.errors import DomainError, NotFound, ValidationFailed
from zyperf.extensions import db
from zyperf.models import (
    INDICATOR_FRAMEWORKS,
    KIND_LABELS,
    DocumentKind,
    FiscalYear,
    FormDefinition,
    IndicatorCategory,
)
from zyperf.permissions import Action
from zyperf.services import definitions as defs

STATUS_LABELS = {"draft": "草稿", "published": "已发布"}
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _years() -> list[FiscalYear]:
    return list(db.session.scalars(select(FiscalYear).order_by(FiscalYear.year.desc())))


def _year_choices() -> list[tuple[int, str]]:
    return [(y.id, f"{y.year} 年") for y in _years()]


class FormDesignerView(SecureBaseView):
    """表单设计: list, edit drafts field by field (or as JSON), preview, publish, copy, import/export."""

    required_action = Action.MANAGE_SETTINGS

    def _definition(self, def_id: int) -> FormDefinition:
        definition = db.session.get(FormDefinition, def_id)
        if definition is None:
            raise NotFound()
        return definition

    def _refused(self, err: DomainError, target: str):
        db.session.rollback()
        flash(err.message, "error")
        return redirect(target, code=303)

    # --- list -------------------------------------------------------------------------------------

    @expose("/")
    def index(self):
        years = _years()
        selected = optional_integer(request.args.get("year"), "year")
        stmt = select(FormDefinition).join(FormDefinition.fiscal_year)
        if selected:
            stmt = stmt.where(FiscalYear.year == selected)
        kind_order = {k.value: i for i, k in enumerate(DocumentKind)}
        rows = sorted(
            db.session.scalars(stmt),
            key=lambda d: (-d.fiscal_year.year, kind_order.get(d.kind, 99), -d.version),
        )
        groups = [
            (year, [(kind, list(items)) for kind, items in groupby(year_rows, key=lambda d: d.kind)])
            for year, year_rows in groupby(rows, key=lambda d: d.fiscal_year.year)
        ]
        copy_form = CopyYearForm(formdata=None)
        copy_form.from_year.choices = copy_form.to_year.choices = [(y.id, f"{y.year} 年") for y in years]
        if years:
            newest = years[0]
            copy_form.to_year.data = newest.id
            copy_form.from_year.data = years[1].id if len(years) > 1 else newest.id
        return self.render(
            "admin/definitions/list.html",
            groups=groups,
            years=years,
            selected=selected,
            kinds=KIND_LABELS,
            statuses=STATUS_LABELS,
            copy_form=copy_form,
            action_form=AppForm(formdata=None),
        )

    # --- one definition ---------------------------------------------------------------------------

    def _render_edit(self, definition, *, field_form=None, json_form=None, editing=None, status=200):
        if field_form is None:
            field_form = FieldForm(formdata=None)
        if json_form is None:
            json_form = JsonForm(formdata=None)
            json_form.fields_json.data = json.dumps(definition.fields, ensure_ascii=False, indent=2)
        return self.render(
            "admin/definitions/edit.html",
            definition=definition,
            kinds=KIND_LABELS,
            statuses=STATUS_LABELS,
            type_labels=FIELD_TYPES,
            type_options={k: sorted(v) for k, v in TYPE_OPTIONS.items()},
            field_form=field_form,
            json_form=json_form,
            editing=editing,
            action_form=AppForm(formdata=None),
        ), status

    @expose("/<int:def_id>/")
    def edit(self, def_id: int):
        return self._render_edit(self._definition(def_id))

    def _save_fields(self, definition, fields, *, field_form=None, json_form=None, key=None, editing=None):
        """update_draft, then commit and go back to the list of fields; a refusal re-renders the page."""
        try:
            defs.update_draft(definition, fields, actor=actor())
        except defs.DefinitionLocked as err:
            return self._refused(err, url_for(".edit", def_id=definition.id))
        except ValidationFailed as err:
            db.session.rollback()
            definition = self._definition(definition.id)
            if field_form is not None:
                field_form.show(err, key)
            if field_form is None and json_form is None:  # a delete or move
                flash("保存失败：" + "；".join(m for ms in (err.fields or {}).values() for m in ms), "error")
            if json_form is not None:
                messages = [m for ms in (err.fields or {}).values() for m in ms] or [err.message]
                json_form.fields_json.errors = messages
                flash("保存失败：" + "；".join(messages), "error")
            return self._render_edit(
                definition, field_form=field_form, json_form=json_form, editing=editing, status=422
            )
        db.session.commit()
        flash("已保存", "success")
        return redirect(url_for(".edit", def_id=definition.id), code=303)

    @expose("/<int:def_id>/fields/add", methods=["POST"])
    def add_field(self, def_id: int):
        definition = self._definition(def_id)
        form = FieldForm()
        spec = form.to_spec() if form.validate_on_submit() else None
        if spec is None:
            flash("保存失败：请按各项下方的提示修改", "error")
            return self._render_edit(definition, field_form=form, status=422)
        return self._save_fields(definition, [*definition.fields, spec], field_form=form, key=spec["key"])

    def _index_of(self, definition, key: str) -> int:
        for i, spec in enumerate(definition.fields):
            if spec.get("key") == key:
                return i
        raise NotFound("表单中没有此字段")

    @expose("/<int:def_id>/fields/<key>/edit", methods=["GET", "POST"])
    def edit_field(self, def_id: int, key: str):
        definition = self._definition(def_id)
        index = self._index_of(definition, key)
        previous = definition.fields[index]
        if request.method == "GET":
            form = FieldForm(formdata=None)
            form.load(previous)
            return self._render_edit(definition, field_form=form, editing=key)
        form = FieldForm()
        spec = form.to_spec(previous) if form.validate_on_submit() else None
        if spec is None:
            flash("保存失败：请按各项下方的提示修改", "error")
            return self._render_edit(definition, field_form=form, editing=key, status=422)
        fields = list(definition.fields)
        fields[index] = spec
        return self._save_fields(definition, fields, field_form=form, key=spec["key"], editing=key)

    @expose("/<int:def_id>/fields/<key>/delete", methods=["POST"])
    def delete_field(self, def_id: int, key: str):
        definition = self._definition(def_id)
        index = self._index_of(definition, key)
        fields = [f for i, f in enumerate(definition.fields) if i != index]
        return self._save_fields(definition, fields)

    @expose("/<int:def_id>/fields/<key>/move", methods=["POST"])
    def move_field(self, def_id: int, key: str):
        definition = self._definition(def_id)
        index = self._index_of(definition, key)
        other = index - 1 if request.form.get("direction") == "up" else index + 1
        fields = list(definition.fields)
        if not 0 <= other < len(fields):
            flash("已在最前或最后，无法移动", "info")
            return redirect(url_for(".edit", def_id=def_id), code=303)
        fields[index], fields[other] = fields[other], fields[index]
        return self._save_fields(definition, fields)

    @expose("/<int:def_id>/json", methods=["POST"])
    def edit_json(self, def_id: int):
        definition = self._definition(def_id)
        form = JsonForm()
        if not form.validate_on_submit():
            return self._render_edit(definition, json_form=form, status=422)
        try:
            fields = json.loads(form.fields_json.data)
        except (ValueError, RecursionError) as exc:
            where = (
                f"（第 {exc.lineno} 行第 {exc.colno} 列）" if isinstance(exc, json.JSONDecodeError) else ""
            )
            message = f"不是有效的 JSON{where}"
            form.fields_json.errors = [message]
            flash("保存失败：" + message, "error")
            return self._render_edit(definition, json_form=form, status=422)
        return self._save_fields(definition, fields, json_form=form)

    # --- preview ----------------------------------------------------------------------------------

    @expose("/<int:def_id>/preview", methods=["GET", "POST"])
    def preview(self, def_id: int):
        """The form as staff will see it. 校验 validates as a submission would; nothing is stored."""
        definition = self._definition(def_id)
        form_class = build_stage_form(definition)
        status = 200
        if request.method == "POST":
            form = form_class()
            form.complete = True
            form.settings = definition.fiscal_year.year_settings
            if form.validate_on_submit():
                flash("校验通过：按此填写可以送审", "success")
            else:
                flash("校验未通过：请看各项下方的提示", "error")
                status = 422
        else:
            form = form_class(formdata=None)
            form.complete = False
        form.period = period_label(definition.fiscal_year.year_settings.monitoring_month)
        return self.render(
            "admin/definitions/preview.html", definition=definition, form=form, kinds=KIND_LABELS
        ), status

    # --- lifecycle --------------------------------------------------------------------------------

    @expose("/<int:def_id>/publish", methods=["POST"])
    def publish(self, def_id: int):
        definition = self._definition(def_id)
        try:
            defs.publish(definition, actor=actor())
        except DomainError as err:
            return self._refused(err, url_for(".edit", def_id=def_id))
        db.session.commit()
        flash(f"已发布：{KIND_LABELS.get(definition.kind)} 第 {definition.version} 版", "success")
        return redirect(url_for(".index"), code=303)

    @expose("/<int:def_id>/new-draft", methods=["POST"])
    def new_draft(self, def_id: int):
        definition = self._definition(def_id)
        try:
            draft = defs.new_draft_from(definition, actor=actor())
        except DomainError as err:
            return self._refused(err, url_for(".index"))
        db.session.commit()
        flash(f"已新建第 {draft.version} 版草稿", "success")
        return redirect(url_for(".edit", def_id=draft.id), code=303)

    @expose("/<int:def_id>/delete", methods=["POST"])
    def delete(self, def_id: int):
        definition = self._definition(def_id)
        label = f"{KIND_LABELS.get(definition.kind)} 第 {definition.version} 版"
        try:
            defs.delete_draft(definition, actor=actor())
        except DomainError as err:
            return self._refused(err, url_for(".index"))
        db.session.commit()
        flash(f"已删除草稿：{label}", "success")
        return redirect(url_for(".index"), code=303)

    @expose("/<int:def_id>/export")
    def export(self, def_id: int):
        definition = self._definition(def_id)
        body = json.dumps(defs.export_json(definition), ensure_ascii=False, indent=2)
        name = f"form-{definition.kind}-{definition.fiscal_year.year}-v{definition.version}.json"
        return Response(
            body,
            mimetype="application/json",
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )

    @expose("/copy-year", methods=["POST"])
    def copy_year(self):
        form = CopyYearForm()
        form.from_year.choices = form.to_year.choices = _year_choices()
        if not form.validate_on_submit():
            flash("请选择源年度和目标年度", "error")
            return redirect(url_for(".index"), code=303)
        source = db.session.get(FiscalYear, form.from_year.data)
        target = db.session.get(FiscalYear, form.to_year.data)
        if source.id == target.id:
            flash("目标年度应不同于源年度", "error")
            return redirect(url_for(".index"), code=303)
        try:
            made = defs.copy_year(source, target, actor=actor())
        except DomainError as err:
            return self._refused(err, url_for(".index"))
        if not made:
            flash(f"{source.year} 年没有已发布的表单，未复制", "error")
            return redirect(url_for(".index"), code=303)
        db.session.commit()
        flash(f"已将 {source.year} 年的 {len(made)} 张表单复制到 {target.year} 年（草稿）", "success")
        return redirect(url_for(".index", year=target.year), code=303)

    @expose("/import", methods=["GET", "POST"])
    def import_view(self):
        form = ImportForm()
        form.fiscal_year.choices = _year_choices()
        if request.method == "POST" and form.validate_on_submit():
            text = (form.text.data or "").strip()
            upload = request.files.get("file")
            if upload and upload.filename:
                raw = upload.stream.read(MAX_IMPORT_BYTES + 1)
                if len(raw) > MAX_IMPORT_BYTES:
                    form.file.errors = ["文件不得超过 2MB"]
                else:
                    try:
                        text = raw.decode("utf-8-sig")
                    except UnicodeDecodeError:
                        form.file.errors = ["文件应为 UTF-8 编码的 JSON"]
            elif not text:
                form.file.errors = ["请选择文件或粘贴 JSON 文本"]
            if not form.file.errors:
                year = db.session.get(FiscalYear, form.fiscal_year.data)
                try:
                    draft = defs.import_json(text, fiscal_year=year, actor=actor())
                except ValidationFailed as err:
                    db.session.rollback()
                    form.file.errors = [m for ms in (err.fields or {}).values() for m in ms] or [err.message]
                else:
                    db.session.commit()
                    flash(f"已导入为 {year.year} 年第 {draft.version} 版草稿", "success")
                    return redirect(url_for(".edit", def_id=draft.id), code=303)
            flash("导入失败：" + "；".join(form.file.errors), "error")
        status = 422 if request.method == "POST" else 200
        return self.render("admin/definitions/import.html", form=form), status


class IndicatorCategoryAdmin(AuditedModelView):
    """指标库: the (一级, 二级) pairs of each framework. Never deleted: stored tables refer to them."""

    column_list = ("framework", "level1", "level2", "sort_order")
    column_labels = {
        "framework": "指标体系",
        "level1": "一级指标",
        "level2": "二级指标",
        "sort_order": "排序",
    }
    column_default_sort = [("framework", True), ("sort_order", False)]
    column_searchable_list = ("level1", "level2")
    column_filters = ("framework",)
    form_columns = ("framework", "level1", "level2", "sort_order")
    form_choices = {"framework": list(INDICATOR_FRAMEWORKS.items())}
    form_args = {
        "level1": {"validators": [DataRequired("请填写一级指标"), Length(max=50, message="不超过 50 字")]},
        "level2": {"validators": [DataRequired("请填写二级指标"), Length(max=50, message="不超过 50 字")]},
    }

    def on_model_change(self, form, model, is_created):
        model.level1, model.level2 = model.level1.strip(), model.level2.strip()
        with db.session.no_autoflush:
            clash = db.session.scalar(
                select(IndicatorCategory.id).where(
                    IndicatorCategory.framework == model.framework,
                    IndicatorCategory.level1 == model.level1,
                    IndicatorCategory.level2 == model.level2,
                    IndicatorCategory.id != (model.id or 0),
                )
            )
        if clash is not None:
            raise ValidationFailed("该指标体系中已有相同的一级、二级指标")
        super().on_model_change(form, model, is_created)

    def handle_view_exception(self, exc):
        if isinstance(exc, ValidationFailed):
            flash(exc.message, "error")
            return True
        return super().handle_view_exception(exc)
