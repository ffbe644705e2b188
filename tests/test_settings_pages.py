"""Settings stored and edited: the year's §2 settings and the system settings, through the service
and through the admin pages (audited, 422 with the message at its field, admins only)."""

import html
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from zyperf.domain.settings import SETTING_KEYS, SystemSettings, YearSettings
from zyperf.errors import PermissionDenied, ValidationFailed
from zyperf.extensions import db
from zyperf.models import AuditEntry, FiscalYear, SystemConfig
from zyperf.services import settings as settings_service

YEARS = "/admin/admin_years"
SYSTEM = "/admin/admin_system/"


def year(value: int) -> FiscalYear:
    return db.session.scalar(select(FiscalYear).where(FiscalYear.year == value))


def year_form(fy: FiscalYear, **overrides) -> dict:
    """The edit page's fields as a browser posts them, from the year's stored values."""
    data = {
        "year": str(fy.year),
        "major_project_threshold": str(fy.major_project_threshold),
        **{
            name: str(getattr(fy, name) or "") for name in ("targets_due", "monitoring_due", "evaluation_due")
        },
    }
    if fy.is_current:
        data["is_current"] = "y"
    for key, value in fy.year_settings.to_json().items():
        if key == "scoring.qualitative_bands":
            data[f"{key}-upper"], data[f"{key}-lower"] = value
        elif isinstance(value, dict):
            data.update({f"{key}-{part}": v for part, v in value.items()})
        else:
            data[key] = "" if value is None else str(value)
    data.update(overrides)
    return data


def error_at(page: str, field_id: str) -> str:
    """The text of the form group that holds the field labelled for `field_id`."""
    start = page.index(f'for="{field_id}"')
    end = page.find('<div class="form-group', start)
    return html.unescape(page[start : end if end > 0 else None])


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


# --- storage -----------------------------------------------------------------------------------------


def test_seeded_years_have_default_settings(bureau):
    for value in (2025, 2026):
        fy = year(value)
        assert fy.settings == YearSettings.defaults().to_json()
        assert fy.year_settings == YearSettings.defaults()
        assert (fy.monitoring_month, fy.indicator_framework) == (8, "2021")


def test_year_settings_properties_are_read_only(bureau):
    with pytest.raises(AttributeError):
        year(2026).monitoring_month = 9


# --- service -----------------------------------------------------------------------------------------


def test_update_year_settings_audits_each_changed_key(administrator):
    fy = year(2026)
    got = settings_service.update_year_settings(
        fy,
        {
            "monitoring.month": "9",
            "scoring.budget_rule": "step",
            "grades": {"优": "85", "良": "80", "中": "60"},
        },
        actor=administrator,
    )
    db.session.commit()
    assert (got.monitoring_month, got.budget_rule, got.grade_bounds["优"]) == (9, "step", 85)
    assert year(2026).monitoring_month == 9
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "fiscalyear.settings"))
    assert entry.actor_id == administrator.id and entry.object_id == fy.id
    assert entry.changes == {
        "monitoring.month": [8, 9],
        "scoring.budget_rule": ["proportional", "step"],
        "grades": [{"优": "90", "良": "80", "中": "60"}, {"优": "85", "良": "80", "中": "60"}],
    }


def test_unchanged_settings_write_no_audit(administrator):
    before = audit_count()
    settings_service.update_year_settings(year(2026), {"monitoring.month": 8}, actor=administrator)
    assert audit_count() == before


def test_bad_year_settings_raise_with_dotted_keys_and_change_nothing(administrator):
    fy = year(2026)
    with pytest.raises(ValidationFailed) as refused:
        settings_service.update_year_settings(
            fy, {"monitoring.month": "13", "monitoring.lag_ratio": "0.1"}, actor=administrator
        )
    assert refused.value.fields == {"monitoring.month": ["监控月份应为1至12的整数"]}
    db.session.rollback()
    assert year(2026).settings == YearSettings.defaults().to_json()


def test_only_admins_change_settings(bureau):
    for username in ("guihua", "finance", "leader"):
        with pytest.raises(PermissionDenied):
            settings_service.update_year_settings(year(2026), {"monitoring.month": 9}, actor=bureau[username])
        with pytest.raises(PermissionDenied):
            settings_service.update_system_settings({"bureau_name": "某局"}, actor=bureau[username])


def test_system_settings_default_until_saved_then_audited(administrator):
    assert settings_service.system_settings() == SystemSettings()
    assert settings_service.system_settings().bureau_name == "资阳市自然资源和规划局"
    settings_service.update_system_settings(
        {"bureau_code": "512000", "finance_head": " 王会计 "}, actor=administrator
    )
    db.session.commit()
    assert settings_service.system_settings() == SystemSettings(
        bureau_name="资阳市自然资源和规划局", bureau_code="512000", finance_head="王会计"
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "system_settings.update"))
    assert entry.changes == {"bureau_code": ["", "512000"], "finance_head": ["", "王会计"]}
    with pytest.raises(ValidationFailed) as refused:
        settings_service.update_system_settings(
            {"bureau_name": "  ", "bureau_code": "51 20"}, actor=administrator
        )
    assert set(refused.value.fields) == {"bureau_name", "bureau_code"}


# --- the 预算年度设置 page ----------------------------------------------------------------------------


def test_year_page_groups_the_settings_beside_the_year(client_for, administrator):
    fy = year(2026)
    page = client_for(administrator).get(f"{YEARS}/edit/?id={fy.id}").get_data(as_text=True)
    for title in ("年度", "截止日期", "模板", "监控", "评分", "等级与结果应用", "事前评估", "报表编号"):
        assert f"<h3>{title}</h3>" in page, title
    for key in SETTING_KEYS:
        assert f'for="{key}"' in page, key
    assert 'name="grades-优" value="90"' in page
    assert 'name="result_application-差" value="视情况可取消或暂停下一年度预算安排"' in page
    assert "报表编号:510000_0013zp" in page


def test_admin_edits_year_settings_on_the_page_audited(client_for, administrator):
    fy = year(2026)
    form = year_form(
        fy,
        **{
            "major_project_threshold": "800.00",
            "monitoring.lag_ratio": "1.1",
            "scoring.reverse_rule": "ratio",
            "scoring.qualitative_bands-lower": "0.5",
            "family.self_evaluation": "central-2020",
            "report_code.self_evaluation": "",
        },
    )
    response = client_for(administrator).post(f"{YEARS}/edit/?id={fy.id}", data=form)
    assert response.status_code == 302, error_at(response.get_data(as_text=True), "year")
    db.session.rollback()
    stored = year(2026)
    s = stored.year_settings
    assert stored.major_project_threshold == Decimal("800.00")
    assert (s.lag_ratio, s.reverse_rule, s.qualitative_bands) == (
        Decimal("1.1"),
        "ratio",
        (Decimal("0.8"), Decimal("0.5")),
    )
    assert (s.family_self_evaluation, s.report_code_self_evaluation) == ("central-2020", "")
    entries = {
        e.action: e.changes
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("fiscalyear.%")))
    }
    assert entries["fiscalyear.update"]["major_project_threshold"] == ["500.00", "800.00"]
    assert entries["fiscalyear.settings"] == {
        "monitoring.lag_ratio": ["1", "1.1"],
        "scoring.reverse_rule": ["linear", "ratio"],
        "scoring.qualitative_bands": [["0.8", "0.6"], ["0.8", "0.5"]],
        "family.self_evaluation": ["sichuan-510000", "central-2020"],
        "report_code.self_evaluation": ["报表编号:510000_0013zp", ""],
    }


def test_bad_year_settings_are_shown_at_their_fields_and_nothing_is_stored(client_for, administrator):
    fy = year(2026)
    before = audit_count()
    form = year_form(
        fy,
        **{
            "major_project_threshold": "900.00",
            "monitoring.month": "13",
            "scoring.step_threshold": "abc",
            "grades-良": "95",
            "result_application-优": "",
            "exante.rating_points-优": "6",
        },
    )
    response = client_for(administrator).post(f"{YEARS}/edit/?id={fy.id}", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "监控月份应为1至12的整数" in error_at(page, "monitoring.month")
    assert "阶梯扣分起点（执行率）应为数字" in error_at(page, "scoring.step_threshold")
    assert "100 ≥ 优 > 良 > 中 > 0" in error_at(page, "grades")
    assert "请填写结果应用建议（优）" in error_at(page, "result_application")
    assert "不超过5分" in error_at(page, "exante.rating_points")
    assert 'name="grades-良" value="95"' in page  # the admin's input is kept for correcting
    db.session.rollback()
    stored = year(2026)
    assert stored.major_project_threshold == Decimal("500.00")  # the year's own fields roll back too
    assert stored.settings == YearSettings.defaults().to_json()
    assert audit_count() == before


def test_admin_creates_a_year_with_its_settings(client_for, administrator):
    fy = year(2026)
    form = year_form(fy, **{"year": "2027", "monitoring.month": "6"})
    form.pop("is_current", None)
    response = client_for(administrator).post(f"{YEARS}/new/", data=form)
    assert response.status_code == 302
    db.session.rollback()
    created = year(2027)
    assert created.year_settings == YearSettings(monitoring_month=6)
    assert created.settings["monitoring.month"] == 6 and len(created.settings) == len(SETTING_KEYS)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "fiscalyear.create"))


def test_year_list_shows_settings_from_json(client_for, administrator):
    page = client_for(administrator).get(f"{YEARS}/").get_data(as_text=True)
    assert "监控月份" in page and "部门预算项目支出绩效自评表（四川 510000_0013zp，S-1）" in page


def test_settings_pages_are_admins_only(client_for, bureau):
    fy = year(2026)
    for username in ("guihua", "finance", "leader", "deputy"):
        client = client_for(bureau[username])
        assert client.get(f"{YEARS}/edit/?id={fy.id}").status_code == 403
        posted = client.post(f"{YEARS}/edit/?id={fy.id}", data=year_form(fy, **{"monitoring.month": "9"}))
        assert posted.status_code == 403
        assert client.get(SYSTEM).status_code == 403
        assert client.post(SYSTEM, data={"bureau_name": "某局"}).status_code == 403
    db.session.rollback()
    assert year(2026).monitoring_month == 8 and settings_service.system_settings() == SystemSettings()


def test_settings_pages_refuse_a_post_without_csrf_token(other_app, bureau):
    app = other_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(bureau["admin"].id)
    fy = year(2026)
    assert (
        client.post(f"{YEARS}/edit/?id={fy.id}", data=year_form(fy, **{"monitoring.month": "9"})).status_code
        == 400
    )
    assert client.post(SYSTEM, data={"bureau_name": "某局"}).status_code == 400
    db.session.rollback()
    assert year(2026).monitoring_month == 8 and db.session.get(SystemConfig, 1) is None


# --- the 系统设置 page ---------------------------------------------------------------------------------


def test_admin_edits_system_settings_and_the_login_page_follows(client, client_for, administrator):
    admin = client_for(administrator)
    page = admin.get(SYSTEM).get_data(as_text=True)
    assert 'value="资阳市自然资源和规划局"' in page
    response = admin.post(
        SYSTEM, data={"bureau_name": "资阳市自然资源局", "bureau_code": "512000", "finance_head": "王会计"}
    )
    assert response.status_code == 303
    db.session.rollback()
    assert settings_service.system_settings() == SystemSettings("资阳市自然资源局", "512000", "王会计")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "system_settings.update"))
    assert entry.changes["bureau_name"] == ["资阳市自然资源和规划局", "资阳市自然资源局"]
    assert "资阳市自然资源局" in client.get("/login").get_data(as_text=True)


def test_bad_system_settings_are_shown_at_their_fields(client_for, administrator):
    response = client_for(administrator).post(
        SYSTEM, data={"bureau_name": "", "bureau_code": "51/20", "finance_head": "长" * 33}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请填写单位名称" in error_at(page, "bureau_name")
    assert "单位代码只能由字母、数字和 - 组成" in error_at(page, "bureau_code")
    assert "财务负责人不得超过32字" in error_at(page, "finance_head")
    db.session.rollback()
    assert db.session.get(SystemConfig, 1) is None
