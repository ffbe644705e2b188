"""GET /api/v1/forms/<kind>?year=: the published definition, or a JSON 404."""

from zyperf.extensions import db
from zyperf.services import definitions as defs


def test_published_form_definition(client_for, section_staff):
    client = client_for(section_staff)
    resp = client.get("/api/v1/forms/performance_targets?year=2026")
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["kind"], body["year"], body["version"]) == ("performance_targets", 2026, 1)
    assert [f["key"] for f in body["fields"]][-1] == "indicators"
    assert all({"key", "label", "type"} <= set(f) for f in body["fields"])
    # Without a year: the current fiscal year (2026 in the demo bureau).
    assert client.get("/api/v1/forms/monitoring").get_json()["year"] == 2026


def test_newest_published_version_wins(client_for, section_staff, administrator):
    v1 = defs.published_definition("monitoring", 2025)
    defs.create_draft("monitoring", v1.fiscal_year, v1.fields, actor=administrator)  # a draft is not served
    db.session.commit()
    assert client_for(section_staff).get("/api/v1/forms/monitoring?year=2025").get_json()["version"] == 1
    v3 = defs.publish(defs.new_draft_from(v1, actor=administrator), actor=administrator)
    db.session.commit()
    assert (
        client_for(section_staff).get("/api/v1/forms/monitoring?year=2025").get_json()["version"]
        == v3.version
    )


def test_unknown_kind_or_year_is_a_json_404(client_for, section_staff):
    client = client_for(section_staff)
    for url in ("/api/v1/forms/nope?year=2026", "/api/v1/forms/monitoring?year=1999"):
        resp = client.get(url)
        assert resp.status_code == 404
        assert resp.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/forms/monitoring?year=abc").status_code == 400


def test_anonymous_is_refused(client, bureau):
    assert client.get("/api/v1/forms/monitoring?year=2026").status_code == 401
