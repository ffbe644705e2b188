"""Login, logout, CSRF, open redirects, throttling and lockout, password change, tokens."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from zyperf.extensions import db
from zyperf.models import ApiToken, AuditEntry, LoginThrottle
from zyperf.seeding import DEMO_PASSWORD


def post_login(client, username, password, next_url=None):
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/login", data=data)


def test_login_page_is_chinese(client):
    html = client.get("/login").get_data(as_text=True)
    assert "用户名" in html and "密码" in html and "登录" in html


@pytest.mark.parametrize(
    "username", ["admin", "finance", "leader", "deputy", "guihua", "guihua_head", "gengdi", "gengdi_head"]
)
def test_every_demo_account_logs_in(client, bureau, username):
    response = post_login(client, username, DEMO_PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(client, bureau):
    wrong = post_login(client, "guihua", "nope-nope")
    unknown = post_login(client, "nobody", "nope-nope")
    assert wrong.status_code == unknown.status_code == 400
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    assert "用户名或密码错误" in unknown.get_data(as_text=True)


def test_empty_fields_are_named(client, bureau):
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 400
    assert "此项为必填项" in response.get_data(as_text=True)


def test_next_redirects_inside_the_site_only(client, bureau):
    ok = post_login(client, "guihua", DEMO_PASSWORD, next_url="/projects/?page=1")
    assert ok.headers["Location"] == "/projects/?page=1"
    client.post("/logout")
    for evil in (
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
    ):
        response = post_login(client, "guihua", DEMO_PASSWORD, next_url=evil)
        assert response.status_code == 303
        assert response.headers["Location"] == "/admin/", evil
        client.post("/logout")


def test_login_without_csrf_token_is_refused(other_app, bureau):
    app = other_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"username": "guihua", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)
    # …and an admin form without a token too.
    with client.session_transaction() as sess:
        sess["_user_id"] = str(bureau["admin"].id)
    response = client.post("/admin/admin_units/new/", data={"code": "x", "name": "某科"})
    assert response.status_code == 400


def test_login_with_csrf_token_works(other_app, bureau):
    import re

    app = other_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        "/login", data={"username": "guihua", "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303


def _age_failures(username, seconds=3600):
    """Move the last failure into the past so the slowdown wait has elapsed."""
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == username))
    row.last_failure_at -= timedelta(seconds=seconds)
    db.session.commit()


def test_failures_slow_down_then_lock(client, bureau, app):
    lock_after = app.config["LOGIN_LOCK_AFTER"]
    slow_after = app.config["LOGIN_SLOWDOWN_AFTER"]
    for attempt in range(1, lock_after):
        response = post_login(client, "guihua", "wrong-password")
        assert response.status_code == 400, attempt
        if attempt >= slow_after:
            # Straight away again: asked to wait, and the right password does not get in either.
            waiting = post_login(client, "guihua", DEMO_PASSWORD)
            assert waiting.status_code == 429
            assert "请等待" in waiting.get_data(as_text=True)
            db.session.rollback()
            _age_failures("guihua")
    locked = post_login(client, "guihua", "wrong-password")
    assert locked.status_code == 403
    assert "锁定" in locked.get_data(as_text=True)
    # Even the right password is refused while locked, and the page says for how long.
    again = post_login(client, "guihua", DEMO_PASSWORD)
    assert again.status_code == 403
    assert "分钟后再试" in again.get_data(as_text=True)
    # Another account is unaffected.
    assert post_login(client, "gengdi", DEMO_PASSWORD).status_code == 303


def test_lock_expires(client, bureau):
    db.session.add(LoginThrottle(username="guihua", failures=0))
    db.session.commit()
    row = db.session.get(LoginThrottle, "guihua")
    from zyperf.models.base import utcnow

    row.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert post_login(client, "guihua", DEMO_PASSWORD).status_code == 303


def test_throttle_is_shared_between_app_instances(other_app, bureau):
    """Two apps (two worker processes) on one database see the same failure count."""
    first, second = other_app().test_client(), other_app().test_client()
    for _ in range(3):
        post_login(first, "guihua", "wrong-password")
    assert post_login(second, "guihua", DEMO_PASSWORD).status_code == 429


def test_logout_needs_post_and_ends_session(login, section_staff):
    client = login(section_staff)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 303
    assert client.get("/admin/").status_code == 303


def test_change_own_password(login, section_staff, client):
    login(section_staff)
    bad = client.post(
        "/account/",
        data={"pw-current_password": "wrong", "pw-new_password": "newpass-123", "pw-confirm": "newpass-123"},
    )
    assert bad.status_code == 422
    assert "当前密码不正确" in bad.get_data(as_text=True)
    mismatch = client.post(
        "/account/",
        data={
            "pw-current_password": DEMO_PASSWORD,
            "pw-new_password": "newpass-123",
            "pw-confirm": "other-123",
        },
    )
    assert "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    ok = client.post(
        "/account/",
        data={
            "pw-current_password": DEMO_PASSWORD,
            "pw-new_password": "newpass-123",
            "pw-confirm": "newpass-123",
        },
    )
    assert ok.status_code == 303
    client.post("/logout")
    assert post_login(client, "guihua", DEMO_PASSWORD).status_code == 400
    assert post_login(client, "guihua", "newpass-123").status_code == 303


def test_passwords_are_hashed(bureau):
    user = bureau["guihua"]
    assert DEMO_PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_tokens_made_on_account_page_work_and_can_be_revoked(login, section_staff, client):
    login(section_staff)
    html = client.post("/account/tokens", data={"tk-name": "脚本"}).get_data(as_text=True)
    import re

    token = re.search(r'id="new-token">([^<]+)<', html).group(1)
    db.session.rollback()
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash != token and len(row.token_hash) == 64
    fresh = client.application.test_client()
    assert fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json["username"] == "guihua"
    client.post(f"/account/tokens/{row.id}/revoke")
    assert fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_cannot_revoke_someone_elses_token(client_for, section_staff, other_unit_staff):
    from zyperf.services.accounts import create_token

    create_token(other_unit_staff, actor=other_unit_staff)
    db.session.commit()
    row = db.session.scalar(select(ApiToken))
    response = client_for(section_staff).post(f"/account/tokens/{row.id}/revoke")
    assert response.status_code == 404
    db.session.rollback()
    assert db.session.get(ApiToken, row.id).revoked_at is None


def test_bearer_token_does_not_open_pages(client, section_staff):
    from zyperf.services.accounts import create_token

    token = create_token(section_staff, actor=section_staff)
    db.session.commit()
    assert client.get("/projects/", headers={"Authorization": f"Bearer {token}"}).status_code == 303


def test_login_is_audited(client, bureau):
    post_login(client, "guihua", DEMO_PASSWORD)
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.login")) is not None
