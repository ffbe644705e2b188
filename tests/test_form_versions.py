"""A document keeps the form version it was filled with; moving to a newer one is explicit and recorded."""

import pytest
from sqlalchemy import select

from tests.filling import complete_data
from zyperf.errors import InvalidTransition
from zyperf.extensions import db
from zyperf.models import FiscalYear, Project
from zyperf.services import definitions, document_data, documents, workflow


def guihua_project():
    return db.session.scalar(
        select(Project).where(Project.name == "国土空间规划“一张图”实施监督信息系统运维")
    )


def publish_v2_with_required_field(administrator):
    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2026))
    v1 = definitions.published_definition("monitoring", fy)
    draft = definitions.new_draft_from(v1, actor=administrator)
    fields = [f for f in draft.fields if f["key"] != "planned_progress"]
    fields.append({"key": "supervisor", "label": "监督人", "type": "text", "required": True})
    definitions.update_draft(draft, fields, actor=administrator)
    definitions.publish(draft, actor=administrator)
    db.session.commit()
    return v1, draft


def test_old_document_keeps_v1_and_moves_only_explicitly(bureau, client_for):
    staff, admin = bureau["guihua"], bureau["admin"]
    data = complete_data("monitoring") | {"planned_progress": "60"}
    old = documents.create_document("monitoring", actor=staff, project=guihua_project(), data=data)
    db.session.commit()
    assert old.form_version == 1
    _v1, v2 = publish_v2_with_required_field(admin)
    assert v2.version == 2
    # The old document still opens, validates and submits under v1, without the new required field.
    page = client_for(staff).get(f"/documents/{old.id}/edit").get_data(as_text=True)
    assert 'name="planned_progress"' in page and 'name="supervisor"' not in page
    assert document_data.completeness_errors(old) == {}
    detail = client_for(staff).get(f"/documents/{old.id}").get_data(as_text=True)
    assert "改用最新表单（第 2 版）" in detail
    # Moving is explicit and recorded; the dropped value stays in the history.
    documents.move_to_newest_form(old, actor=staff, expected_version=old.version)
    db.session.commit()
    assert old.form_version == 2 and "planned_progress" not in old.data
    event = old.events[-1]
    assert event.action == "move_form" and event.changes["planned_progress"] == ["60.00", None]
    assert "supervisor" in document_data.completeness_errors(old)
    with pytest.raises(InvalidTransition):
        documents.move_to_newest_form(old, actor=staff, expected_version=old.version)


def test_new_documents_take_the_newest_version(bureau):
    staff = bureau["guihua"]
    publish_v2_with_required_field(bureau["admin"])
    doc = documents.create_document("monitoring", actor=staff, project=guihua_project(), data={})
    db.session.commit()
    assert doc.form_version == 2
    with pytest.raises(Exception, match="监督人"):
        workflow.apply(doc, "submit", actor=staff, expected_version=doc.version)
