"""The admin form designer: admins only, every change through the definitions service, refusals in
Chinese with nothing stored; the indicator catalog admin."""

import html
import io
import json
import re

import pytest
from filling import value_for
from sqlalchemy import func, select

from zyperf.extensions import db
from zyperf.models import AuditEntry, FiscalYear, FormDefinition, IndicatorCategory, Project, StageDocument
from zyperf.services import definitions as defs
from zyperf.services import documents as document_service

BASE = "/admin/admin_forms"


def published(kind="monitoring", year=2026) -> FormDefinition:
    return defs.published_definition(kind, year)


def fresh(def_id: int) -> FormDefinition:
    db.session.rollback()
    return db.session.get(FormDefinition, def_id)


def count_definitions() -> int:
    return db.session.scalar(select(func.count(FormDefinition.id)))


@pytest.fixture
def admin_client(client_for, administrator):
    return client_for(administrator)


@pytest.fixture
def draft(admin_client, bureau):
    """A new draft version of the 2026 monitoring form, made through the designer."""
    source = published()
    response = admin_client.post(f"{BASE}/{source.id}/new-draft")
    assert response.status_code == 303
    db.session.rollback()
    made = db.session.scalar(
        select(FormDefinition).where(FormDefinition.status == "draft").order_by(FormDefinition.id.desc())
    )
    assert made.version == source.version + 1 and made.fields == source.fields
    return made


def complete_form(fields: list[dict]) -> dict:
    """Form data a browser would post for complete, valid values (tests/filling.py)."""
    data = {}
    for field in fields:
        value = value_for(field)
        if field["type"] == "computed":
            continue
        if field["type"] in ("indicator_table", "fund_table", "rating_table", "task_table", "problem_table"):
            value = json.dumps(value, ensure_ascii=False)
        elif field["type"] == "yes_no":
            value = "yes" if value else "no"
        data[field["key"]] = value
    return data


def keys(def_id: int) -> list[str]:
    return [f["key"] for f in fresh(def_id).fields]


# --- access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"{BASE}/", "/admin/admin_indicators/"])
def test_designer_is_admins_only(client_for, bureau, path):
    assert client_for(bureau["admin"]).get(path).status_code == 200
    for name in ("guihua", "finance", "leader", "guihua_head"):
        assert client_for(bureau[name]).get(path).status_code == 403


def test_staff_cannot_post_to_the_designer(client_for, bureau):
    source = published()
    before = count_definitions()
    for name in ("guihua", "finance"):
        client = client_for(bureau[name])
        assert client.post(f"{BASE}/{source.id}/new-draft").status_code == 403
        assert client.post(f"{BASE}/{source.id}/fields/add", data={"key": "x"}).status_code == 403
    db.session.rollback()
    assert count_definitions() == before


def test_menu_shows_designer_only_to_admins(client_for, bureau):
    def nav(name):
        html = client_for(bureau[name]).get("/admin/").get_data(as_text=True)
        return html.split('id="admin-navbar-collapse"', 1)[1].split("</nav>", 1)[0]

    assert "表单设计" in nav("admin") and "指标库" in nav("admin")
    for name in ("guihua", "finance", "leader"):
        assert "表单设计" not in nav(name) and "指标库" not in nav(name)


def test_token_less_post_is_400(other_app, bureau):
    app = other_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(bureau["admin"].id)
    source = published()
    before = count_definitions()
    assert client.post(f"{BASE}/{source.id}/new-draft").status_code == 400
    assert client.post(f"{BASE}/import", data={"text": "{}"}).status_code == 400
    db.session.rollback()
    assert count_definitions() == before


# --- list -------------------------------------------------------------------------------------------


def test_list_groups_by_year_and_kind_and_filters(admin_client, bureau):
    html = admin_client.get(f"{BASE}/").get_data(as_text=True)
    assert "2026 年度" in html and "2025 年度" in html
    assert "绩效监控" in html or "监控" in html
    assert "已发布" in html and "新建草稿版本" in html
    only = admin_client.get(f"{BASE}/?year=2026").get_data(as_text=True)
    assert "2026 年度" in only and "2025 年度" not in only


# --- editing a draft --------------------------------------------------------------------------------


def test_add_edit_move_delete_a_field(admin_client, draft):
    url = f"{BASE}/{draft.id}"
    response = admin_client.post(
        f"{url}/fields/add",
        data={"key": "supervisor", "label": "监督人", "type": "text", "required": "y", "max_length": "20"},
    )
    assert response.status_code == 303
    definition = fresh(draft.id)
    added = definition.fields[-1]
    assert added == {
        "key": "supervisor",
        "label": "监督人",
        "type": "text",
        "required": True,
        "max_length": 20,
    }
    page = admin_client.get(f"{url}/").get_data(as_text=True)
    assert "监督人" in page and "单行文本" in page

    # Options of other types (min here) are ignored, not stored.
    response = admin_client.post(
        f"{url}/fields/supervisor/edit",
        data={"key": "supervisor", "label": "监督责任人", "type": "text", "min": "3", "help": "姓名"},
    )
    assert response.status_code == 303
    assert fresh(draft.id).fields[-1] == {
        "key": "supervisor",
        "label": "监督责任人",
        "type": "text",
        "help": "姓名",
    }

    order = keys(draft.id)
    assert admin_client.post(f"{url}/fields/supervisor/move", data={"direction": "up"}).status_code == 303
    assert keys(draft.id) == [*order[:-2], "supervisor", order[-2]]
    admin_client.post(f"{url}/fields/supervisor/move", data={"direction": "down"})
    assert keys(draft.id) == order

    assert admin_client.post(f"{url}/fields/supervisor/delete").status_code == 303
    assert "supervisor" not in keys(draft.id)
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "form_definition.update")
    ).all()
    assert len(actions) == 5


def test_choice_and_indicator_options_are_stored_typed(admin_client, draft):
    url = f"{BASE}/{draft.id}"
    admin_client.post(
        f"{url}/fields/add",
        data={"key": "grade", "label": "等级", "type": "choice", "choices": "a=优秀\nb=良好\n\n"},
    )
    admin_client.post(
        f"{url}/fields/add",
        data={"key": "score", "label": "得分", "type": "decimal", "min": "0", "max": "100.5", "places": "1"},
    )
    admin_client.post(
        f"{url}/fields/add",
        data={
            "key": "targets",
            "label": "指标",
            "type": "indicator_table",
            "rows_min": "2",
            "rows_max": "30",
            "weight_total": "90",
            "extra_columns": ["actual", "reason"],
        },
    )
    by_key = {f["key"]: f for f in fresh(draft.id).fields}
    assert by_key["grade"]["choices"] == [["a", "优秀"], ["b", "良好"]]
    assert by_key["score"] | {} == {
        "key": "score",
        "label": "得分",
        "type": "decimal",
        "min": 0,
        "max": 100.5,
        "places": 1,
    }
    assert by_key["targets"]["extra_columns"] == ["actual", "reason"]
    assert by_key["targets"]["rows_min"] == 2 and by_key["targets"]["weight_total"] == 90


def test_task_and_problem_tables_are_designed_with_their_options(admin_client, draft):
    url = f"{BASE}/{draft.id}"
    page = admin_client.get(f"{url}/").get_data(as_text=True)
    options = json.loads(html.unescape(re.search(r'data-type-options="([^"]*)"', page).group(1)))
    assert options["problem_table"] == ["accept", "max_bytes", "rows_max", "rows_min"]
    assert options["task_table"] == ["rows_max", "rows_min"]
    added = admin_client.post(
        f"{url}/fields/add",
        data={
            "key": "tasks",
            "label": "任务",
            "type": "task_table",
            "rows_min": "1",
            "rows_max": "20",
            "accept": "pdf",
        },
    )
    assert added.status_code == 303
    admin_client.post(
        f"{url}/fields/add",
        data={
            "key": "issues",
            "label": "问题",
            "type": "problem_table",
            "rows_max": "10",
            "accept": "pdf, JPG",
            "max_bytes": "1048576",
        },
    )
    by_key = {f["key"]: f for f in fresh(draft.id).fields}
    assert by_key["tasks"] == {
        "key": "tasks",
        "label": "任务",
        "type": "task_table",
        "rows_min": 1,
        "rows_max": 20,
    }
    assert by_key["issues"] == {
        "key": "issues",
        "label": "问题",
        "type": "problem_table",
        "rows_max": 10,
        "accept": ["pdf", "jpg"],
        "max_bytes": 1048576,
    }
    too_many = admin_client.post(
        f"{url}/fields/add", data={"key": "more", "label": "更多", "type": "problem_table", "rows_max": "101"}
    )
    assert too_many.status_code == 422 and "最多行数应为 0 至 100 的整数" in too_many.get_data(as_text=True)
    preview = admin_client.get(f"{url}/preview").get_data(as_text=True)
    assert 'name="tasks-0-fiscal"' in preview and 'name="issues-0-deadline"' in preview
    assert 'name="issues-0-evidence_file"' in preview


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"key": "funds", "label": "重复", "type": "text"}, "重复"),
        ({"key": "n", "label": "数", "type": "integer", "min": "5", "max": "1"}, "最小值 5 大于最大值 1"),
        ({"key": "c", "label": "选", "type": "choice", "choices": "  \n"}, "选项列表不能为空"),
        ({"key": "c", "label": "选", "type": "choice", "choices": "a=甲\na=乙"}, "选项的值有重复"),
        ({"key": "e", "label": "怪", "type": "evil"}, "未知"),
        ({"key": "Bad-Key", "label": "键", "type": "text"}, "无效"),
        ({"key": "version", "label": "键", "type": "text"}, "保留字"),
        ({"key": "n", "label": "数", "type": "integer", "min": "abc"}, "应为数字"),
        ({"key": "t", "label": "文", "type": "text", "pattern": "("}, "正则表达式"),
        ({"key": "t", "label": "", "type": "text"}, "请填写名称"),
    ],
)
def test_hostile_field_is_refused_with_message_and_nothing_stored(admin_client, draft, data, message):
    before = fresh(draft.id).fields
    audits = db.session.scalar(select(func.count(AuditEntry.id)))
    response = admin_client.post(f"{BASE}/{draft.id}/fields/add", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html.split('id="field-form"', 1)[1]  # next to the field, not only in the flash
    assert fresh(draft.id).fields == before
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audits


def test_edit_as_json_validates_the_same_way(admin_client, draft):
    url = f"{BASE}/{draft.id}/json"
    before = fresh(draft.id).fields
    bad_json = admin_client.post(url, data={"fields_json": "[{"})
    assert bad_json.status_code == 422 and "不是有效的 JSON" in bad_json.get_data(as_text=True)
    twice = [{"key": "a", "label": "甲", "type": "text"}, {"key": "a", "label": "乙", "type": "text"}]
    dup = admin_client.post(url, data={"fields_json": json.dumps(twice)})
    assert dup.status_code == 422 and "重复" in dup.get_data(as_text=True)
    empty = admin_client.post(url, data={"fields_json": "[]"})
    assert empty.status_code == 422 and "至少需要一个字段" in empty.get_data(as_text=True)
    assert fresh(draft.id).fields == before

    fields = [*before, {"key": "note", "label": "备注", "type": "long_text", "max_length": 100}]
    ok = admin_client.post(url, data={"fields_json": json.dumps(fields, ensure_ascii=False)})
    assert ok.status_code == 303
    assert fresh(draft.id).fields == fields


# --- preview ----------------------------------------------------------------------------------------


def test_preview_renders_the_stage_form_and_checks_without_storing(admin_client, draft):
    url = f"{BASE}/{draft.id}"
    admin_client.post(
        f"{url}/fields/add", data={"key": "supervisor", "label": "监督人", "type": "text", "required": "y"}
    )
    page = admin_client.get(f"{url}/preview")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "监督人" in html and 'name="supervisor"' in html
    assert "field-error" not in html  # a blank form is not wrong before 校验
    audits = db.session.scalar(select(func.count(AuditEntry.id)))
    checked = admin_client.post(f"{url}/preview", data={"planned_progress": "abc"})
    html = checked.get_data(as_text=True)
    assert checked.status_code == 422
    assert "请填写监督人" in html and "应为数字" in html
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audits

    filled = complete_form(fresh(draft.id).fields) | {"supervisor": "张三"}
    passed = admin_client.post(f"{url}/preview", data=filled)
    assert passed.status_code == 200, passed.get_data(as_text=True)
    assert "校验通过" in passed.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audits
    assert db.session.scalar(select(func.count(StageDocument.id))) == 0


# --- lifecycle --------------------------------------------------------------------------------------


def test_publish_makes_it_read_only(admin_client, draft):
    url = f"{BASE}/{draft.id}"
    assert admin_client.post(f"{url}/publish").status_code == 303
    definition = fresh(draft.id)
    assert definition.is_published and definition.published_at is not None
    assert published().id == draft.id
    html = admin_client.get(f"{url}/").get_data(as_text=True)
    assert "添加字段" not in html and "删除" not in html and "已发布" in html
    before = definition.fields
    response = admin_client.post(f"{url}/fields/add", data={"key": "x", "label": "X", "type": "text"})
    assert response.status_code == 303
    follow = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已发布的表单版本不可修改" in follow
    assert fresh(draft.id).fields == before
    again = admin_client.post(f"{url}/publish", follow_redirects=True)
    assert "该版本已发布" in again.get_data(as_text=True)
    gone = admin_client.post(f"{url}/delete", follow_redirects=True)
    assert "已发布的表单版本不可删除" in gone.get_data(as_text=True)
    assert fresh(draft.id) is not None


def test_new_draft_from_published_bumps_version(admin_client, draft):
    source = published()
    assert draft.version == source.version + 1
    page = admin_client.get(f"{BASE}/").get_data(as_text=True)
    assert f'id="definition-{draft.id}"' in page


def test_delete_unused_draft_and_refuse_one_in_use(admin_client, draft, section_staff):
    other = admin_client.post(f"{BASE}/{published().id}/new-draft")
    other_id = int(other.headers["Location"].rstrip("/").split("/")[-1])
    assert admin_client.post(f"{BASE}/{other_id}/delete").status_code == 303
    assert fresh(other_id) is None

    # A document filled with this draft's kind, year and version keeps it alive.
    project = db.session.scalar(
        select(Project).where(
            Project.unit_id == section_staff.unit_id, Project.fiscal_year_id == draft.fiscal_year_id
        )
    )
    document = document_service.create_document("monitoring", actor=section_staff, project=project)
    document.form_version = draft.version  # test setup: pin the document to the draft's version
    db.session.commit()
    response = admin_client.post(f"{BASE}/{draft.id}/delete", follow_redirects=True)
    assert "已有文档使用此表单版本，不可删除" in response.get_data(as_text=True)
    assert fresh(draft.id) is not None
    assert db.session.get(StageDocument, document.id) is not None


def test_copy_year_to_next_year(admin_client, bureau):
    db.session.add(FiscalYear(year=2027))
    db.session.commit()
    years = {y.year: y.id for y in db.session.scalars(select(FiscalYear))}
    response = admin_client.post(f"{BASE}/copy-year", data={"from_year": years[2026], "to_year": years[2027]})
    assert response.status_code == 303
    db.session.rollback()
    copied = db.session.scalars(
        select(FormDefinition).where(FormDefinition.fiscal_year_id == years[2027])
    ).all()
    assert copied and all(d.status == "draft" and d.version == 1 for d in copied)
    for d in copied:
        assert d.fields == defs.published_definition(d.kind, 2026).fields
    page = admin_client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "复制到 2027 年" in page

    same = admin_client.post(
        f"{BASE}/copy-year", data={"from_year": years[2026], "to_year": years[2026]}, follow_redirects=True
    )
    assert "目标年度应不同于源年度" in same.get_data(as_text=True)


def test_export_then_import_gives_identical_fields(admin_client, bureau):
    source = published()
    exported = admin_client.get(f"{BASE}/{source.id}/export")
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    assert "attachment" in exported.headers["Content-Disposition"]
    year_id = source.fiscal_year_id
    response = admin_client.post(
        f"{BASE}/import",
        data={"fiscal_year": year_id, "file": (io.BytesIO(exported.data), "form.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.rollback()
    imported = db.session.scalar(select(FormDefinition).order_by(FormDefinition.id.desc()))
    assert imported.status == "draft" and imported.kind == source.kind
    assert imported.fields == fresh(source.id).fields

    pasted = admin_client.post(
        f"{BASE}/import", data={"fiscal_year": year_id, "text": exported.get_data(as_text=True)}
    )
    assert pasted.status_code == 303


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "不是有效的 JSON"),
        ("[1, 2]", "应为 JSON 对象"),
        ('{"kind": "monitoring"}', "缺少 kind 或 fields"),
        ('{"kind": "monitoring", "fields": [{"key": "a", "label": "甲", "type": "evil"}]}', "未知"),
        ('{"kind": "nonsense", "fields": []}', "未知的文档类型"),
        ("", "请选择文件或粘贴 JSON 文本"),
    ],
)
def test_bad_import_is_refused_with_message(admin_client, bureau, payload, message):
    before = count_definitions()
    year_id = published().fiscal_year_id
    response = admin_client.post(f"{BASE}/import", data={"fiscal_year": year_id, "text": payload})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.rollback()
    assert count_definitions() == before


def test_import_of_non_utf8_file_is_refused(admin_client, bureau):
    before = count_definitions()
    response = admin_client.post(
        f"{BASE}/import",
        data={
            "fiscal_year": published().fiscal_year_id,
            "file": (io.BytesIO("表单".encode("gbk")), "f.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "UTF-8" in response.get_data(as_text=True)
    db.session.rollback()
    assert count_definitions() == before


# --- indicator catalog ------------------------------------------------------------------------------


def test_indicator_catalog_admin_creates_with_audit_and_never_deletes(admin_client, bureau):
    page = admin_client.get("/admin/admin_indicators/?flt1_0=2021")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "一级指标" in html and "二级指标" in html and "指标体系" in html
    assert "delete_form" not in html
    response = admin_client.post(
        "/admin/admin_indicators/new/",
        data={"framework": "2021", "level1": "产出指标", "level2": "新增二级", "sort_order": "99"},
    )
    assert response.status_code in (302, 303)
    db.session.rollback()
    row = db.session.scalar(select(IndicatorCategory).where(IndicatorCategory.level2 == "新增二级"))
    assert row is not None
    assert db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "indicatorcategory.create", AuditEntry.object_id == row.id
        )
    )
    count = db.session.scalar(select(func.count(IndicatorCategory.id)))
    dup = admin_client.post(
        "/admin/admin_indicators/new/",
        data={"framework": "2021", "level1": "产出指标", "level2": "新增二级", "sort_order": "1"},
        follow_redirects=True,
    )
    assert "已有相同的一级、二级指标" in dup.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count(IndicatorCategory.id))) == count
    assert admin_client.post("/admin/admin_indicators/delete/", data={"id": row.id}).status_code in (
        403,
        404,
        405,
        302,
    )
    db.session.rollback()
    assert db.session.get(IndicatorCategory, row.id) is not None


def test_a_figure_field_cannot_be_deleted_and_the_page_says_why(admin_client, draft):
    url = f"{BASE}/{draft.id}"
    response = admin_client.post(f"{url}/fields/funds/delete")
    assert response.status_code == 422
    assert "“funds”是绩效监控的计算、校验和导出所用的字段，不能删除" in response.get_data(as_text=True)
    assert "funds" in keys(draft.id)
    # A computed field needs a formula of its kind; the message sits at the formula input.
    bad = admin_client.post(
        f"{url}/fields/add", data={"key": "x", "label": "X", "type": "computed", "formula": "grade"}
    )
    assert bad.status_code == 422
    assert (
        "计算公式应为" in bad.get_data(as_text=True).split('class="form-group col-md-3 option-formula"', 1)[1]
    )
    assert admin_client.post(f"{url}/fields/nosuch/delete").status_code == 404
