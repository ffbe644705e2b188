"""Templates downloaded and uploaded back as a unit would, for the import tests: through the API and
through the document page, with files filled in (or spoiled) by openpyxl."""

import io

import openpyxl
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.test_workflow_api import bearer
from zyperf.extensions import db
from zyperf.models import DocumentEvent, StageDocument


def template(client, user, document):
    """The document's template through the API, opened as a unit's Excel would."""
    response = client.get(f"/api/v1/documents/{document.id}/template", headers=bearer(user))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return openpyxl.load_workbook(io.BytesIO(response.data))


def saved(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, user, document, content, *, version=None, name="填报.xlsx"):
    """POST /api/v1/documents/<id>/import with the file (a workbook or bytes) and the version. The body
    is encoded here, in memory (the test client would spool a large one to a file it never closes)."""
    if not isinstance(content, bytes):
        content = saved(content)
    version = str(document.version if version is None else version)
    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(content), filename=name), "version": version}
    )
    return client.post(
        f"/api/v1/documents/{document.id}/import",
        data=body,
        headers=bearer(user),
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def state(document_id: int) -> tuple[dict, int]:
    """What the database holds: the document's data and version."""
    db.session.rollback()
    document = db.session.get(StageDocument, document_id)
    db.session.refresh(document)
    return document.data, document.version


def edits(document_id: int) -> list[DocumentEvent]:
    return db.session.scalars(
        select(DocumentEvent)
        .where(DocumentEvent.document_id == document_id, DocumentEvent.action == "edit")
        .order_by(DocumentEvent.id)
    ).all()


def row_of(ws, text: str, column: str = "D") -> int:
    """The row whose `column` holds `text` (a 三级指标, without its ★)."""
    return next(
        r for r in range(1, ws.max_row + 1) if str(ws[f"{column}{r}"].value or "").lstrip("★") == text
    )
