"""The app factory, health, the login-everywhere rule, and the Chinese admin shell."""

import re

from tests.conftest import make_app
from zyperf.auth import is_public
from zyperf.extensions import db


def test_create_app_twice_builds_separate_admins(other_app):
    first, second = other_app(), other_app()
    assert first.extensions["admin"] is not second.extensions["admin"]
    assert "admin.index" in second.view_functions


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "db": "ok"}


def test_healthz_503_when_database_unreachable(tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    with app.app_context():
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.json["db"] == "unreachable"


def _concrete_path(rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)


def test_every_route_requires_login(app, bureau):
    """Enumerate the URL map: every endpoint but login, healthz and static files sends strangers away."""
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if is_public(rule.endpoint) or rule.endpoint.endswith(".static"):
            continue
        path = _concrete_path(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, path, response.status_code)
                assert response.json["error"]["code"] == "unauthenticated"
            else:
                # POSTs without a CSRF token are refused before anything else (400); pages redirect to login.
                assert response.status_code in (303, 400), (method, path, response.status_code)
                if response.status_code == 303:
                    assert "/login" in response.headers["Location"]
            checked += 1
    assert checked > 20


def test_admin_shell_speaks_chinese(login, section_staff):
    client = login(section_staff)
    html = client.get("/admin/").get_data(as_text=True)
    assert "首页" in html  # Flask-Admin's own catalog (zh_Hans_CN) is in use
    assert "项目" in html
    assert "Home" not in html


def test_no_page_loads_anything_from_outside(login, finance_staff):
    client = login(finance_staff)
    for path in ("/admin/", "/projects/", "/account/"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"""(src|href)=["']https?://""", html), path
    html = client.get("/login").get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_unknown_page_is_chinese_404(login, section_staff):
    response = login(section_staff).get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_sqlite_enforces_foreign_keys(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from zyperf.extensions import db

    engine = db.engine
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_security_headers_on_every_response(client, login, section_staff):
    for response in (client.get("/login"), login(section_staff).get("/admin/"), client.get("/healthz")):
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_root_leads_home(client, login, section_staff):
    anonymous = client.get("/")
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["Location"]
    assert login(section_staff).get("/").headers["Location"].endswith("/admin/")


def test_a_locked_database_is_a_clear_503_not_a_500(app, login, section_staff):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    def busy():
        raise OperationalError("UPDATE …", {}, sqlite3.OperationalError("database is locked"))

    app.add_url_rule("/test-busy", "test_busy", busy)
    response = login(section_staff).get("/test-busy")
    assert response.status_code == 503
    assert "系统繁忙" in response.get_data(as_text=True)
