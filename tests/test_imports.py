"""Excel back in (issue 10): each table's template downloaded, filled with openpyxl as a unit would,
uploaded through the API and through the document page; the document holds the values, its history
one edit by the uploader, its figures recomputed."""

import datetime as dt
from decimal import Decimal

from tests import export_cases as cases
from tests.uploads import edits, state, template, upload
from zyperf.extensions import db
from zyperf.services import document_data, documents


def draft_targets(bureau):
    data = {"manager": "张三 13800000000", "funds": {"fiscal": {"amount": "120"}}, "annual_goal": cases.GOAL,
            "indicators": cases.E2_ROWS}  # fmt: skip
    document = documents.create_document(
        "performance_targets", actor=bureau["guihua"], project=cases.project(cases.E1_PROJECT), data=data
    )
    db.session.commit()
    return document


def test_targets_round_trip_through_the_api(client, bureau):
    document = draft_targets(bureau)
    before = len(edits(document.id))
    wb = template(client, bureau["guihua"], document)
    ws = wb.active
    ws["B4"] = "李四 13900000000"
    ws["E7"] = 150
    ws["E8"] = 30.5
    ws["B9"] = "完成30个村的规划编制"
    ws["F12"] = 25
    response = upload(client, bureau["guihua"], document, wb)
    assert response.status_code == 200, response.json
    data, version = state(document.id)
    assert version == response.json["version"]
    assert data["manager"] == "李四 13900000000" and data["annual_goal"] == "完成30个村的规划编制"
    assert data["funds"]["fiscal"]["amount"] == "150.00" and data["funds"]["other"]["amount"] == "30.50"
    assert data["funds_total"] == "180.50"
    assert [e.actor.username for e in edits(document.id)][before:] == ["guihua"]
