"""Files of a document's file fields: checked, kept in the database, served only through the document."""

import io

from sqlalchemy import select

from tests.filling import complete_data
from zyperf.extensions import db
from zyperf.models import Attachment, Project, StageDocument
from zyperf.services import documents


def assessment(bureau):
    project = db.session.scalar(select(Project).where(Project.name == "村级国土空间规划编制"))
    data = {k: v for k, v in complete_data("ex_ante_assessment").items() if k != "report"}
    doc = documents.create_document("ex_ante_assessment", actor=bureau["guihua"], project=project, data=data)
    db.session.commit()
    return doc


def current(doc_id):
    db.session.rollback()
    return db.session.get(StageDocument, doc_id)


def upload(client, doc, name, content, **fields):
    return client.post(
        f"/documents/{doc.id}/edit",
        data={"version": current(doc.id).version, **fields, "report": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_upload_download_and_scope(client_for, bureau):
    doc = assessment(bureau)
    staff = client_for(bureau["guihua"])
    pdf = b"%PDF-1.4 report body"
    response = upload(staff, doc, "事前评估报告.pdf", pdf)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    meta = current(doc.id).data["report"]
    assert meta["name"] == "事前评估报告.pdf" and meta["size"] == len(pdf) and meta["sha256"]
    row = db.session.get(Attachment, meta["attachment_id"])
    assert row.content == pdf and row.document_id == doc.id
    page = staff.get(f"/documents/{doc.id}").get_data(as_text=True)
    link = f"/documents/{doc.id}/attachments/{row.id}"
    assert link in page
    got = staff.get(link)
    assert got.status_code == 200 and got.data == pdf
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert "attachment" in got.headers["Content-Disposition"]
    # Another unit: 404, also through its own document ids.
    assert client_for(bureau["gengdi"]).get(link).status_code == 404
    # Saving again without a new file keeps the file.
    assert staff.post(
        f"/documents/{doc.id}/edit", data={"version": current(doc.id).version, "method": "x"}
    ).status_code in (303, 422)
    assert current(doc.id).data["report"]["attachment_id"] == row.id


def test_wrong_type_and_too_big_are_refused_and_nothing_kept(client_for, bureau):
    doc = assessment(bureau)
    staff = client_for(bureau["guihua"])
    exe = upload(staff, doc, "tool.exe", b"MZ...")
    assert exe.status_code == 422 and "只接受以下类型" in exe.get_data(as_text=True)
    assert db.session.scalar(select(Attachment)) is None
    assert current(doc.id).data.get("report") is None


def test_attachment_of_another_document_cannot_be_reached(client_for, bureau):
    doc = assessment(bureau)
    staff = client_for(bureau["guihua"])
    upload(staff, doc, "a.pdf", b"%PDF")
    row = db.session.scalar(select(Attachment))
    other = documents.create_document(
        "performance_targets",
        actor=bureau["guihua"],
        project=db.session.get(Project, current(doc.id).project_id),
    )
    db.session.commit()
    assert staff.get(f"/documents/{other.id}/attachments/{row.id}").status_code == 404
