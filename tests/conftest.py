"""Fixtures: a fresh database per test (SQLite file, or PostgreSQL via TEST_DATABASE_URL), the demo
bureau, and clients logged in as each role. Nothing mocks the database."""

import os
import shutil
import threading

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import func, select, text
from werkzeug.serving import make_server

from zyperf import create_app
from zyperf import demo as demo_year
from zyperf.config import TestConfig
from zyperf.extensions import db
from zyperf.models import User
from zyperf.seeding import DEMO_PASSWORD, seed_demo

PG_URL = os.environ.get("TEST_DATABASE_URL")
_pg_schema_ready = False


class FreshUserClient(FlaskClient):
    """Flask 3.1 reuses the test's app context for client requests, and Flask-Login caches the
    user in g; pop it so each request loads its user from its own session (flask-login #704)."""

    def open(self, *args, **kwargs):
        if has_app_context():  # only when a test context is pushed
            g.pop("_login_user", None)
            g.pop("worklist_count", None)  # admin.documents.request_worklist_count's per-request cache
        return super().open(*args, **kwargs)


class SharedBytecode(BytecodeCache):
    """Compiled templates kept for every app the suite makes: each app has its own Jinja environment,
    which would otherwise parse and compile every template it renders anew (a quarter of a page test)."""

    def __init__(self):
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if (code := self.codes.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = SharedBytecode()


def make_app(database_url: str, **extra):
    app = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": database_url,
            **extra,
        }
    )
    app.test_client_class = FreshUserClient
    app.jinja_env.bytecode_cache = _BYTECODE
    return app


def _reset_postgres(app):
    global _pg_schema_ready
    with app.app_context():
        if not _pg_schema_ready:
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
            db.create_all()
            _pg_schema_ready = True
        else:
            # DELETE beats TRUNCATE on tables this small (TRUNCATE rewrites every table's files); all in
            # one round trip (psycopg sends statements without parameters as one simple query).
            deletes = (str(t.delete().compile(db.engine)) for t in reversed(db.metadata.sorted_tables))
            db.session.execute(text("; ".join(deletes)))
            restart_ids({})
            db.session.commit()


def restart_ids(rows: dict[str, list]) -> None:
    """Each table's id sequence continues after the rows it holds (from 1 when it holds none): one query."""
    calls = [
        func.setval(
            func.pg_get_serial_sequence(table.name, "id"),
            max((r["id"] for r in rows.get(table.name, ())), default=0) + 1,
            False,
        )
        for table in db.metadata.sorted_tables
        if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key
    ]
    db.session.execute(select(*calls))


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory):
    """Two SQLite files made once per run: the empty schema, and the schema with the demo bureau.
    Each test copies one (a file copy costs far less than creating and seeding)."""
    if PG_URL:
        return None
    folder = tmp_path_factory.mktemp("templates")
    empty, seeded = folder / "empty.sqlite", folder / "seeded.sqlite"
    app = make_app(f"sqlite:///{empty}")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    shutil.copy(empty, seeded)
    app = make_app(f"sqlite:///{seeded}")
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"empty": empty, "seeded": seeded}


@pytest.fixture
def database_url(tmp_path, sqlite_templates):
    if PG_URL:
        return PG_URL
    path = tmp_path / "test.sqlite"
    shutil.copy(sqlite_templates["empty"], path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    if PG_URL:
        _reset_postgres(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def other_app(database_url):
    """Build more apps on the test's database (another worker process); engines closed at the end."""
    made = []

    def _make(**extra):
        made.append(make_app(database_url, **extra))
        return made[-1]

    yield _make
    for extra_app in made:
        with extra_app.app_context():
            db.session.remove()
            db.engine.dispose()


# Per snapshot name ("bureau", "demo"): every table's rows once seeded, to be put back for each test.
_pg_rows: dict[str, dict[str, list[dict]]] = {}


def _restore_postgres(name: str, seed) -> None:
    """Seed through the services once per run (`seed`), keep the rows, and put them back for every
    later test that asks for the same snapshot (a bulk INSERT costs far less than seeding again;
    PostgreSQL's counterpart of the SQLite template files)."""
    tables = db.metadata.sorted_tables
    rows = _pg_rows.get(name)
    if rows is None:
        seed()
        db.session.commit()
        # In key order: a row that refers to another of its table (a document's parent) comes after it.
        _pg_rows[name] = {
            t.name: [
                dict(r._mapping) for r in db.session.execute(t.select().order_by(*t.primary_key.columns))
            ]
            for t in tables
        }
        return
    for table in tables:
        if found := rows[table.name]:
            db.session.execute(table.insert(), found)
    restart_ids(rows)
    db.session.commit()


def _swap_sqlite(database_url: str, template) -> None:
    """Put a template file in place of the test's database: nothing has been written yet, so nothing is lost."""
    db.session.remove()
    db.engine.dispose()
    shutil.copy(template, database_url.removeprefix("sqlite:///"))


@pytest.fixture
def bureau(app, database_url, sqlite_templates):
    """The demo bureau (units, users, years, projects, published forms), committed."""
    if PG_URL:
        _restore_postgres("bureau", seed_demo)
    else:
        _swap_sqlite(database_url, sqlite_templates["seeded"])
    return {u.username: u for u in db.session.scalars(select(User))}


@pytest.fixture(scope="session")
def demo_template(sqlite_templates, tmp_path_factory):
    """The SQLite file of the lived-in demo (`flask seed demo`: the bureau and its story), made once."""
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copy(sqlite_templates["empty"], path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        demo_year.seed()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def demo(app, database_url, demo_template):
    """The lived-in demo, committed, the app living on the demo's today (ZYPERF_TODAY, 2026-09-20)."""
    if PG_URL:
        _restore_postgres("demo", demo_year.seed)
    else:
        _swap_sqlite(database_url, demo_template)
    app.config["ZYPERF_TODAY"] = demo_year.today()
    return {u.username: u for u in db.session.scalars(select(User))}


def _user(bureau, name) -> User:
    return bureau[name]


@pytest.fixture
def section_staff(bureau):
    return _user(bureau, "guihua")


@pytest.fixture
def other_unit_staff(bureau):
    return _user(bureau, "gengdi")


@pytest.fixture
def section_head(bureau):
    return _user(bureau, "guihua_head")


@pytest.fixture
def division_leader(bureau):
    return _user(bureau, "deputy")


@pytest.fixture
def principal(bureau):
    return _user(bureau, "leader")


@pytest.fixture
def finance_staff(bureau):
    return _user(bureau, "finance")


@pytest.fixture
def administrator(bureau):
    return _user(bureau, "admin")


def login_as(client, user: User) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


@pytest.fixture
def login(client):
    def _login(user: User):
        login_as(client, user)
        return client

    return _login


@pytest.fixture
def client_for(app):
    """A separate logged-in client per user, for tests that switch between people."""

    def _client(user: User):
        c = app.test_client()
        login_as(c, user)
        return c

    return _client


# --- Browser tests: Debian's chromium through Playwright, the app served on loopback -------------


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("ZYPERF_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
        pytest.skip("chromium is not installed")
    return path


def _whole_responses(app):
    """Each response read whole (and its file closed) before werkzeug's server writes it: when a test's
    browser context closes mid-download (a favicon, say), the dev server drops the connection without
    closing the app's iterator, and the unclosed file surfaced as a ResourceWarning in a later test."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture
def served(app, bureau):
    server = make_server("127.0.0.1", 0, _whole_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium_browser():
    """One chromium for the run (as pytest-playwright keeps one): each test gets a context of its own."""
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser):
    context = chromium_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def browser_login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
