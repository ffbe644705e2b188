"""Sessions that end (issue 11, items 8, 10, 11): a copied cookie stops working after logout, a
password change, a role change or deactivation, on every process; CSRF is waived only for a valid
bearer token; simultaneous first logins never collide on the login counter."""

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import PG_URL
from tests.test_auth import post_login
from tests.test_workflow_api import parallel_statuses
from zyperf.auth import SESSION_ENDED
from zyperf.extensions import db
from zyperf.models import LoginThrottle, Project, Role, User
from zyperf.seeding import DEMO_PASSWORD
from zyperf.services import accounts
from zyperf.services.accounts import create_token


def logged_in(app, username: str, password: str = DEMO_PASSWORD):
    client = app.test_client()
    assert post_login(client, username, password).status_code == 303
    return client


def copy_of(client, app):
    """Another browser holding the same session cookie (copied, stolen, or simply a second tab)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def refused(client) -> bool:
    """The cookie no longer authenticates: pages send to the login page saying why, the API is 401."""
    page = client.get("/documents/")
    if page.status_code != 303 or "/login" not in page.headers["Location"]:
        return False
    told = SESSION_ENDED in client.get(page.headers["Location"]).get_data(as_text=True)
    return told and client.get("/api/v1/me").status_code == 401


def test_a_cookie_copied_before_logout_is_refused_after_it(app, other_app, bureau):
    browser = logged_in(app, "guihua")
    copy = copy_of(browser, app)
    on_another_worker = copy_of(browser, other_app())  # same secret key, same database
    assert copy.get("/documents/").status_code == 200  # the copy works while the session lives
    assert browser.post("/logout").status_code == 303
    assert refused(copy)
    assert refused(on_another_worker)
    # Logging in again gives a new session that works, and the old copy stays dead.
    fresh = logged_in(app, "guihua")
    assert fresh.get("/documents/").status_code == 200
    assert copy.get("/documents/").status_code == 303


def test_a_password_change_ends_every_other_session(app, bureau):
    browser = logged_in(app, "guihua")
    copy = copy_of(browser, app)
    changed = browser.post(
        "/account/",
        data={
            "pw-current_password": DEMO_PASSWORD,
            "pw-new_password": "newpass-123",
            "pw-confirm": "newpass-123",
        },
    )
    assert changed.status_code == 303
    assert browser.get("/documents/").status_code == 200  # the session that changed it goes on
    assert refused(copy)


@pytest.mark.parametrize(
    "change",
    [
        lambda user, admin: accounts.set_password(user, "admin-set-123", actor=admin),
        lambda user, admin: accounts.set_roles(user, [Role.STAFF, Role.SECTION_HEAD], actor=admin),
        lambda user, admin: accounts.update_user(
            user,
            actor=admin,
            display_name=user.display_name,
            unit=user.unit,
            roles=user.roles,
            oversees=[],
            active=False,
        ),
    ],
    ids=["password", "roles", "deactivation"],
)
def test_an_admins_change_ends_the_users_sessions(app, bureau, change):
    browser = logged_in(app, "guihua")
    user = db.session.scalar(select(User).where(User.username == "guihua"))
    change(user, bureau["admin"])
    db.session.commit()
    if not user.active:  # deactivated: refused, and reactivating does not revive the old cookie
        assert browser.get("/documents/").status_code == 303
        user.active = True
        db.session.commit()
    assert refused(browser)


def test_an_admin_editing_their_own_account_page_keeps_their_session(app, bureau):
    admin = logged_in(app, "admin")
    me = bureau["admin"]
    response = admin.post(
        f"/admin/admin_users/edit/?id={me.id}",
        data={"username": "admin", "display_name": "管理员", "roles": ["admin", "finance"], "active": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert admin.get("/admin/admin_users/").status_code == 200


def test_an_unchanged_edit_keeps_the_session(app, bureau):
    browser = logged_in(app, "guihua")
    user = db.session.scalar(select(User).where(User.username == "guihua"))
    accounts.set_roles(user, user.roles, actor=bureau["admin"])  # the same roles: nothing ends
    db.session.commit()
    assert browser.get("/documents/").status_code == 200


# --- 11: the API's CSRF exemption belongs to valid bearer tokens only -----------------------------


def test_a_bogus_bearer_header_does_not_waive_csrf_for_a_cookie_session(other_app, bureau):
    app = other_app(WTF_CSRF_ENABLED=True)
    browser = app.test_client()
    html = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    browser.post("/login", data={"username": "guihua", "password": DEMO_PASSWORD, "csrf_token": token})
    body = {"name": "跨站请求伪造", "amounts": {"fiscal": "1"}}
    forged = browser.post("/api/v1/projects", json=body, headers={"Authorization": "Bearer x"})
    assert forged.status_code == 400 and "CSRF" in forged.json["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(Project).where(Project.name == "跨站请求伪造")) is None
        user = db.session.scalar(select(User).where(User.username == "guihua"))
        valid = create_token(user, actor=user)
        db.session.commit()
    # The session's own page token still lets the session post; a valid bearer token needs none.
    with_token = browser.post(
        "/api/v1/projects", json=body, headers={"Authorization": "Bearer x", "X-CSRFToken": token}
    )
    assert with_token.status_code == 201, with_token.json
    by_bearer = app.test_client().post(
        "/api/v1/projects", json=body | {"name": "令牌新建"}, headers={"Authorization": f"Bearer {valid}"}
    )
    assert by_bearer.status_code == 201, by_bearer.json


# --- 8: the login counter's row is written with an upsert -----------------------------------------


def test_first_login_creates_one_counter_row_and_failures_count(client, bureau):
    assert post_login(client, "nobody", "wrong-password").status_code == 400
    assert post_login(client, "nobody", "wrong-password").status_code == 400
    db.session.rollback()
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == "nobody"))
    assert row.failures == 2


@pytest.mark.skipif(not PG_URL, reason="real parallel requests need PostgreSQL")
@pytest.mark.parametrize("password", [DEMO_PASSWORD, "wrong-password"])
def test_simultaneous_first_logins_never_collide(app, bureau, password):
    statuses = parallel_statuses(app, 8, "POST", "/login", data={"username": "gengdi", "password": password})
    assert len(statuses) == 8
    # Every one answered as a login answers (signed in; wrong password, wait or locked), none 500.
    assert set(statuses) == {303} if password == DEMO_PASSWORD else set(statuses) <= {400, 403, 429}
    db.session.rollback()
    rows = db.session.scalar(
        select(func.count()).select_from(LoginThrottle).where(LoginThrottle.username == "gengdi")
    )
    assert rows == 1
