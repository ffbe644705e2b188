"""Document pages beside the form itself: the one act-or-explain helper, reviewers' flags and score
judgments, and the live preview of figures while a form is being filled (the server computes them)."""

from flask import flash, jsonify, redirect, request, url_for
from flask_admin import expose

from admin.base import actor
from forms.builder import build_stage_form
from zyperf.domain import stages, tables
from zyperf.domain.figures import fmt_number
from zyperf.domain.text import period_label
from zyperf.errors import DomainError
from zyperf.extensions import db
from zyperf.models import FormDefinition, StageDocument
from zyperf.permissions import Action, get_visible_or_404, require
from zyperf.services import document_data, records, reviews
from zyperf.transitions import ACTION_LABELS

EVENT_LABELS = {
    "create": "创建",
    "edit": "修改",
    "adjusted": "目标调整生效",
    "move_form": "改用新版表单",
    "flag": "审核标记",
    "adjust_score": "复核调整得分",
    "declare": "真实性声明",
    "form_check": "规范性审核",
}


ROW_FIGURES = {"indicator_table": ("score_formula", "score"), "task_table": ("total",)}


def _row_figures(rows: list, columns: tuple[str, ...], positions: list[int] | None) -> list[dict]:
    """Each row's figures at the row the page posted it from (blank rows in between get none)."""
    figures = [{c: r.get(c, "") for c in columns} for r in rows if isinstance(r, dict)]
    if positions is None or len(positions) != len(figures):
        return figures
    placed: list[dict] = [{} for _ in range(max(positions, default=-1) + 1)]
    for position, row in zip(positions, figures, strict=True):
        placed[position] = row
    return placed


def event_label(action: str) -> str:
    return ACTION_LABELS.get(action) or EVENT_LABELS.get(action, action)


def stage_form(document: StageDocument, definition: FormDefinition, *, formdata: bool):
    """The document's form, told what its checkers and widgets need: settings, family, whether the
    promise is carried, the period label and the current figures."""
    form_class = build_stage_form(definition)
    # The stored data is the starting point either way: a carried promise is not posted back.
    form = (
        form_class(data=document.data)
        if formdata
        else form_class(data=document.data, version=document.version)
    )
    settings = document_data.document_settings(document)
    form.complete = False
    form.settings, form.family = settings, document.template_family
    form.carried = document_data.carries(document)
    form.period = period_label(settings.monitoring_month)
    form.figures = document_data.figures_of(document)
    return form


class ReviewPages:
    """Mixed into the documents view (same endpoint, same scope checks)."""

    def act(self, document: StageDocument, call, done: str):
        """Call a service, commit and go back to the document; a refusal is shown on the same page with
        its reason, nothing saved."""
        try:
            call()
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            document = get_visible_or_404(actor(), StageDocument, document.id)
            return self.render_detail(document, refusal=err)
        flash(done, "success")
        return redirect(url_for(".detail", doc_id=document.id), code=303)

    @expose("/<int:doc_id>/flags", methods=["POST"])
    def flags(self, doc_id: int):
        user = actor()
        document = get_visible_or_404(user, StageDocument, doc_id)
        flags = {name: request.form.get(name) == "1" for name in reviews.FLAG_LABELS}
        return self.act(
            document,
            lambda: reviews.set_flags(
                document,
                flags,
                actor=user,
                comment=request.form.get("comment", ""),
                expected_version=request.form.get("version", type=int),
            ),
            "已保存审核标记",
        )

    @expose("/<int:doc_id>/form-check", methods=["POST"])
    def form_check(self, doc_id: int):
        """Finance's 规范性审核 of a report waiting to be sent to the city bureau."""
        user = actor()
        document = get_visible_or_404(user, StageDocument, doc_id)
        return self.act(
            document,
            lambda: records.check_form(
                document,
                actor=user,
                comment=request.form.get("comment", ""),
                expected_version=request.form.get("version", type=int),
            ),
            "已完成规范性审核，可以报送市财政局",
        )

    @expose("/<int:doc_id>/score", methods=["POST"])
    def adjust_score(self, doc_id: int):
        user = actor()
        document = get_visible_or_404(user, StageDocument, doc_id)
        return self.act(
            document,
            lambda: reviews.adjust_score(
                document,
                request.form.get("target", ""),
                request.form.get("score", ""),
                actor=user,
                comment=request.form.get("comment", ""),
                expected_version=request.form.get("version", type=int),
            ),
            "已调整得分，总分和等级已重新计算",
        )

    @expose("/<int:doc_id>/preview", methods=["POST"])
    def preview(self, doc_id: int):
        """The figures the filled-in form would give, computed by the server; nothing is stored."""
        user = actor()
        document = get_visible_or_404(user, StageDocument, doc_id)
        require(user, Action.EDIT_DOCUMENT, document)
        definition = document_data.definition_of(document)
        if definition is None:
            return jsonify({"figures": {}, "rows": {}, "errors": {}})
        form = stage_form(document, definition, formdata=True)
        form.validate()
        data = {
            **(document.data or {}),
            **{k: v for k, v in form.entry_data().items() if k not in form.errors},
        }
        cleaned, errors = document_data.preview(document, data)
        db.session.rollback()
        errors = {k: list(v) for k, v in form.errors.items()} | errors
        figures = {
            f["key"]: stages.display(document.kind, f["formula"], cleaned.get(f["key"]))
            for f in definition.fields
            if f["type"] == "computed"
        }
        rows = {
            f["key"]: _row_figures(
                cleaned.get(f["key"]) or [], ROW_FIGURES[f["type"]], form[f["key"]].positions
            )
            for f in definition.fields
            if f["type"] in ROW_FIGURES
        }
        funds = {
            f["key"]: {c: str(tables.fund_total(cleaned.get(f["key"]), c)) for c in tables.fund_columns(f)}
            for f in definition.fields
            if f["type"] == "fund_table"
        }
        aspects = [
            None if a is None else f"{fmt_number(a)} 分"
            for a in stages.compute(document.kind, cleaned, document_data.document_settings(document)).get(
                "aspect_scores"
            )
            or []
        ]
        return jsonify(
            {"figures": figures, "rows": rows, "funds": funds, "aspects": aspects, "errors": errors}
        )
