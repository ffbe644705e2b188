"""Published stage-form definitions."""

from flask import jsonify

from zyperf.api import bp
from zyperf.api.resources import int_arg
from zyperf.errors import NotFound
from zyperf.models import DocumentKind
from zyperf.services import definitions
from zyperf.services import projects as project_service


@bp.get("/forms/<kind>")
def form_definition(kind: str):
    if kind not in {k.value for k in DocumentKind}:
        raise NotFound("没有这种阶段表单")
    year = int_arg("year")
    fiscal_year = (
        project_service.fiscal_year(year) if year is not None else project_service.current_fiscal_year()
    )
    definition = definitions.published_definition(kind, fiscal_year) if fiscal_year else None
    if definition is None:
        raise NotFound("该年度没有已发布的表单")
    return jsonify(
        {
            "kind": definition.kind,
            "year": fiscal_year.year,
            "version": definition.version,
            "title": definition.title,
            "fields": definition.fields,
        }
    )
