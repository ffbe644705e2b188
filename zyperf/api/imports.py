"""A document's fill-in template, and the filled template uploaded (issue 10)."""

from flask import jsonify, request

from zyperf import boundary
from zyperf.api import BadRequest, bp
from zyperf.api.exports import send
from zyperf.api.resources import actor
from zyperf.extensions import db
from zyperf.imports.reading import MAX_BYTES
from zyperf.models import StageDocument
from zyperf.permissions import get_visible_or_404
from zyperf.services import imports


def uploaded_file() -> bytes:
    """The multipart part `file`, read no further than one byte past the largest accepted size."""
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("请以 multipart/form-data 上传文件 file（.xlsx）", fields={"file": ["必填"]})
    try:
        return upload.stream.read(MAX_BYTES + 1)
    finally:
        upload.close()  # a large part is spooled to a temporary file


@bp.get("/documents/<int:doc_id>/template")
def document_template(doc_id: int):
    return send(imports.template(doc_id, actor=actor()))


@bp.post("/documents/<int:doc_id>/import")
def import_document(doc_id: int):
    user = actor()
    document = get_visible_or_404(user, StageDocument, doc_id)
    if request.form.get("version") is None:
        raise BadRequest("请提供整数 version（您看到的文档版本）", fields={"version": ["必填"]})
    version = boundary.integer(request.form["version"], "version", minimum=0)
    content = uploaded_file()
    imports.import_workbook(document, content, actor=user, expected_version=version)
    db.session.commit()
    return jsonify({"state": document.state, "version": document.version})
