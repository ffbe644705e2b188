"""Workbooks in the finance bureau's formats (excel-formats §1.8 kinds), as the pages offer them."""

from flask import send_file

from zyperf.api import bp, int_arg, str_arg
from zyperf.api.resources import actor
from zyperf.services import exports


def send(made: exports.Download):
    """The file as a download; Flask names it with RFC 5987 `filename*` so Chinese names survive."""
    return send_file(made.buffer, mimetype=made.mimetype, as_attachment=True, download_name=made.name)


@bp.get("/exports/<kind>")
def export(kind: str):
    """A bureau-wide per-project kind answers a .zip of each unit's combined workbook (api.md)."""
    made = exports.export(
        kind,
        actor=actor(),
        year=int_arg("year"),
        unit_code=str_arg("unit", max_length=32),
        project_id=int_arg("project"),
        per_unit=True,
    )
    return send(made)
