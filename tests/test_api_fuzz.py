"""Property-based fuzz of API v1, driven by its own OpenAPI document (Schemathesis over WSGI, in
process): every operation, as staff and as finance, with input the document calls valid and input
it calls invalid. No answer may be a 5xx, and every answer must match the document (status code,
content type, body schema, headers); valid input is never refused as malformed (400), invalid input
is always refused."""

import os

import pytest
import schemathesis
from flask import g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.filling import into_library
from tests.test_workflow_api import continuing_project
from zyperf.api.openapi import SPEC
from zyperf.extensions import db
from zyperf.services import documents
from zyperf.services.accounts import create_token

# Per operation, role and mode: about 600 requests in all. ZYPERF_FUZZ_EXAMPLES=200 for a deeper run.
EXAMPLES = int(os.environ.get("ZYPERF_FUZZ_EXAMPLES", "12"))
# Valid input may still break a business rule the schema cannot say (422: "total = fiscal + other",
# "one document per project and year"), but it is never malformed (400).
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}
        }
    }
)


def fresh_user(app):
    """The app as Schemathesis calls it. Flask 3.1 runs each call in the test's app context, where
    Flask-Login caches the user in g: drop it, so every call (a check's unauthenticated replay too)
    is authenticated by its own headers, as conftest.FreshUserClient does for the test client."""

    def wsgi(environ, start_response):
        g.pop("_login_user", None)
        g.pop("worklist_count", None)
        return app(environ, start_response)

    return wsgi


def strategy(operation, mode, real_ids: dict[str, int]):
    """Schemathesis's cases, and as many again aimed at a real row when the path names an id."""
    cases = operation.as_strategy(generation_mode=mode)
    if "{id}" not in operation.path:
        return cases
    real = real_ids["project" if operation.path.startswith("/projects") else "document"]
    return st.one_of(cases, operation.as_strategy(generation_mode=mode, path_parameters={"id": real}))


@pytest.mark.parametrize("username", ["guihua", "finance"])
def test_every_operation_answers_within_its_schema(app, bureau, username):
    user = bureau[username]
    headers = {"Authorization": f"Bearer {create_token(user, actor=user)}"}
    staff = bureau["guihua"]
    project = continuing_project("guihua")
    into_library(project, bureau)
    document = documents.create_document("monitoring", actor=staff, project=project)
    db.session.commit()
    real_ids = {"project": project.id, "document": document.id}

    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", fresh_user(app), headers=headers, config=CONFIG
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every operation but the document itself (Schemathesis leaves out where it loaded the schema from).
    documented = {(m.upper(), p) for p, ops in SPEC["paths"].items() for m in ops if m != "parameters"}
    assert {(op.method.upper(), op.path) for op in operations} == documented - {("GET", "/openapi.json")}
    statuses: dict[int, int] = {}
    for operation in operations:
        for mode in GenerationMode:

            @given(case=strategy(operation, mode, real_ids))
            @settings(
                max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
            )
            def call(case):
                status = case.call_and_validate(headers=headers).status_code
                statuses[status] = statuses.get(status, 0) + 1
                db.session.rollback()  # the test shares the app's session; start each case clean

            call()
    print(f"\n{username}: {len(operations)} operations, {sum(statuses.values())} requests", statuses)
    assert not any(status >= 500 for status in statuses)
