"""Records (信息管理, rules 三(六)): finance checks a report's standard form before sending it on; every
uploaded file is kept with its SHA-256, uploader and time; one archive per project whose manifest
matches its files."""

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from tests import steps
from tests.filling import complete_data
from tests.test_attachments import upload
from tests.test_workflow_api import bearer
from zyperf.extensions import db
from zyperf.models import Attachment, AuditEntry, DocumentEvent, Project, StageDocument
from zyperf.services import archive, documents

ASSESSED = "村级国土空间规划编制"


def current(doc_id) -> StageDocument:
    db.session.rollback()
    return db.session.get(StageDocument, doc_id)


def waiting_for_report(bureau, kind="self_evaluation", name=ASSESSED) -> StageDocument:
    project = db.session.scalar(select(Project).where(Project.name == name))
    doc = documents.create_document(kind, actor=bureau["guihua"], project=project, data=complete_data(kind))
    steps.run(doc, bureau, steps.to_city()[:3])
    db.session.commit()
    assert doc.state == "leader_approved"
    return doc


def transition(client, doc_id, headers, action, **extra):
    version = current(doc_id).version
    return client.post(
        f"/api/v1/documents/{doc_id}/transitions",
        json={"action": action, "version": version} | extra,
        headers=headers,
    )


@pytest.mark.parametrize("kind", ["self_evaluation", "ex_ante_assessment", "rectification"])
def test_a_report_is_checked_for_standard_form_before_it_is_sent_on(client, client_for, bureau, kind):
    doc = waiting_for_report(bureau, kind)
    finance = bearer(bureau["finance"])
    refused = transition(client, doc.id, finance, "report")
    assert refused.status_code == 422 and "须先完成规范性审核" in refused.json["error"]["message"]
    url = f"/api/v1/documents/{doc.id}/form-check"
    assert (
        client.post(
            url, json={"comment": "符合规范", "version": doc.version}, headers=bearer(bureau["guihua"])
        ).status_code
        == 403
    )
    empty = client.post(url, json={"comment": " ", "version": doc.version}, headers=finance)
    assert empty.status_code == 422 and empty.json["error"]["fields"] == {"comment": ["请填写规范性审核意见"]}
    checked = client.post(
        url, json={"comment": "表式规范，要素齐全", "version": doc.version}, headers=finance
    )
    assert checked.status_code == 200, checked.json
    assert (
        checked.json["form_check"]["by"] == "财务科 李会计"
        and checked.json["form_check"]["comment"] == "表式规范，要素齐全"
    )
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.form_check")).summary
        == "表式规范，要素齐全"
    )
    page = client_for(bureau["guihua"]).get(f"/documents/{doc.id}").get_data(as_text=True)
    assert 'id="form-check">财务科 李会计 于 ' in page and "审核：表式规范，要素齐全" in page
    reported = transition(client, doc.id, finance, "report")
    assert reported.status_code == 200 and reported.json["state"] == "reported"
    # Sent back by the city bureau and resubmitted: the old check no longer counts.
    assert transition(client, doc.id, finance, "return", comment="按市财政局意见修改").status_code == 200
    steps.run(current(doc.id), bureau, steps.to_city()[:3])
    db.session.commit()
    again = transition(client, doc.id, finance, "report")
    assert again.status_code == 422 and "须先完成规范性审核" in again.json["error"]["message"]


def test_the_form_check_on_the_page(client_for, bureau):
    doc = waiting_for_report(bureau)
    finance = client_for(bureau["finance"])
    page = finance.get(f"/documents/{doc.id}").get_data(as_text=True)
    assert 'id="form-check-tools"' in page
    assert 'id="form-check-tools"' not in client_for(bureau["guihua"]).get(f"/documents/{doc.id}").get_data(
        as_text=True
    )
    refused = finance.post(
        f"/documents/{doc.id}/transition", data={"action": "report", "version": doc.version}
    )
    assert refused.status_code == 422 and "须先完成规范性审核" in refused.get_data(as_text=True)
    done = finance.post(
        f"/documents/{doc.id}/form-check", data={"comment": "符合规范", "version": doc.version}
    )
    assert done.status_code == 303
    event = db.session.scalar(select(DocumentEvent).where(DocumentEvent.action == "form_check"))
    assert event.actor_id == bureau["finance"].id and event.comment == "符合规范"
    history = finance.get(f"/documents/{doc.id}").get_data(as_text=True).split('id="history"')[1]
    assert "规范性审核" in history
    assert (
        finance.post(
            f"/documents/{doc.id}/transition", data={"action": "report", "version": current(doc.id).version}
        ).status_code
        == 303
    )
    # Nothing to check once it has been sent.
    late = finance.post(
        f"/documents/{doc.id}/form-check", data={"comment": "再看", "version": current(doc.id).version}
    )
    assert late.status_code == 409


def test_uploads_are_kept_with_sha256_uploader_and_time(client_for, bureau):
    project = db.session.scalar(select(Project).where(Project.name == ASSESSED))
    data = {k: v for k, v in complete_data("ex_ante_assessment").items() if k != "report"}
    doc = documents.create_document("ex_ante_assessment", actor=bureau["guihua"], project=project, data=data)
    db.session.commit()
    staff = client_for(bureau["guihua"])
    assert upload(staff, doc, "评估报告.pdf", b"%PDF first").status_code == 303
    assert upload(staff, doc, "评估报告.pdf", b"%PDF second").status_code == 303
    rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [r.content for r in rows] == [b"%PDF first", b"%PDF second"]  # the first is not replaced
    assert [r.sha256 for r in rows] == [hashlib.sha256(r.content).hexdigest() for r in rows]
    assert current(doc.id).data["report"]["attachment_id"] == rows[1].id
    table = (
        staff.get(f"/documents/{doc.id}")
        .get_data(as_text=True)
        .split('id="attachments"')[1]
        .split("</table>")[0]
    )
    for row in rows:
        assert f'data-attachment="{row.id}"' in table and row.sha256 in table
    assert table.count("规划科 陈晓") == 2 and "事前绩效评估报告" in table


def open_zip(content: bytes) -> tuple[zipfile.ZipFile, dict]:
    archive_file = zipfile.ZipFile(io.BytesIO(content))
    return archive_file, json.loads(archive_file.read("manifest.json"))


def test_the_project_archive_holds_files_history_and_a_true_manifest(client, client_for, bureau):
    doc = waiting_for_report(bureau, "ex_ante_assessment")
    project = db.session.get(Project, doc.project_id)
    monitoring = documents.create_document("monitoring", actor=bureau["guihua"], project=project)
    report = documents.create_document(
        "rectification",
        actor=bureau["guihua"],
        project=project,
        data={"problems": complete_data("rectification")["problems"]},
    )
    documents.store_attachment(
        report,
        "problems",
        filename="整改/../佐证.pdf",
        content_type="application/pdf",
        content=b"%PDF evidence",
        actor=bureau["guihua"],
    )
    db.session.commit()

    response = client.get(f"/api/v1/projects/{project.id}/archive", headers=bearer(bureau["guihua"]))
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    zipped, manifest = open_zip(response.data)
    members = set(zipped.namelist()) - {"manifest.json"}
    assert {f["name"] for f in manifest["files"]} == members
    for entry in manifest["files"]:
        content = zipped.read(entry["name"])
        assert entry["size"] == len(content) and entry["sha256"] == hashlib.sha256(content).hexdigest()
    evidence = next(f for f in manifest["files"] if f["name"].startswith("attachments/"))
    assert (
        evidence["name"] == f"attachments/{report.id}-整改报告/{evidence['attachment_id']}-整改_.._佐证.pdf"
    )
    assert evidence["recorded_sha256"] == evidence["sha256"] and evidence["uploaded_by"] == "guihua"
    history = json.loads(zipped.read("history.json"))
    assert [d["id"] for d in history["documents"]] == [doc.id, monitoring.id, report.id]
    assessed = history["documents"][0]
    assert [e["action"] for e in assessed["events"]] == ["create", "submit", "approve", "approve"]
    assert assessed["events"][1]["actor"] == "guihua" and assessed["state"] == "leader_approved"
    assert manifest["project"]["id"] == project.id and manifest["generated_by"] == "guihua"
    # The same from the project page's button; another unit's project answers 404.
    staff = client_for(bureau["guihua"])
    page = staff.get(f"/projects/details/?id={project.id}").get_data(as_text=True)
    assert f'href="/projects/{project.id}/archive"' in page
    via_page = staff.get(f"/projects/{project.id}/archive")
    assert via_page.status_code == 200 and open_zip(via_page.data)[1]["files"] == manifest["files"]
    assert client_for(bureau["gengdi"]).get(f"/projects/{project.id}/archive").status_code == 404
    for name in ("gengdi", "admin"):
        url = f"/api/v1/projects/{project.id}/archive"
        assert client.get(url, headers=bearer(bureau[name])).status_code == 404


def test_the_archive_takes_stage_workbooks_and_refuses_too_much(bureau):
    doc = waiting_for_report(bureau, "ex_ante_assessment")
    project = db.session.get(Project, doc.project_id)

    def workbook(document):
        return f"{document.kind}.xlsx", b"PK workbook of " + document.kind.encode()

    buffer, name = archive.build_archive(project, actor=bureau["guihua"], workbook=workbook)
    assert name == f"2026-{ASSESSED}-绩效档案.zip"
    zipped, manifest = open_zip(buffer.getvalue())
    book = f"workbooks/{doc.id}-事前绩效评估/ex_ante_assessment.xlsx"
    assert zipped.read(book) == b"PK workbook of ex_ante_assessment"
    assert any(f["name"] == book for f in manifest["files"])
    # Test set-up: a file of recorded size, as an upload leaves it (the document is past editing).
    db.session.add(
        Attachment(
            document_id=doc.id,
            field_key="report",
            filename="大文件.pdf",
            size=2048,
            sha256="0" * 64,
            content=b"x" * 2048,
        )
    )
    db.session.commit()
    with pytest.raises(archive.ArchiveTooLarge, match="超过单个归档包上限"):
        archive.build_archive(project, actor=bureau["guihua"], max_bytes=1024)
