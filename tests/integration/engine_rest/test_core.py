"""What every /engine-rest endpoint shares: auth, prefixes, errors, CORS, dates, typed variables."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.integration.engine_rest.conftest import basic


@pytest.mark.parametrize("prefix", ["/engine-rest", "/rest", "/engine/default", "/engine-rest/engine/default"])
def test_every_prefix_answers_as_camunda(rest, prefix):  # type: ignore[no-untyped-def]
    engines = rest("GET", f"{prefix}/engine", who=None)
    assert engines.status_code == 200 and engines.headers["Content-Type"] == "application/json"
    assert engines.get_json() == [{"name": "default"}]
    assert rest("GET", f"{prefix}/version").get_json() == {"version": "7.24.0"}


@pytest.mark.parametrize("header", [None, "undefined", "Basic", "Basic !!!", "Basic " + "dXNlcg==",
                                    "Bearer", "Bearer nope", "Token abc"])
def test_missing_or_unparsable_credentials_are_a_json_401(rest, header):  # type: ignore[no-untyped-def]
    headers = {} if header is None else {"Authorization": header}
    response = rest("GET", "/engine-rest/version", who=None, headers=headers)
    assert response.status_code == 401 and response.headers["Content-Type"] == "application/json"
    assert response.headers["WWW-Authenticate"] == 'Basic realm="default"'
    body = response.get_json()
    assert body["type"] == "AuthenticationException" and body["code"] == 0 and body["message"]


def test_basic_signs_in_once_with_login_history_and_lockout(rest):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from engine.identity.models import LoginEvent
    for _ in range(3):
        assert rest("GET", "/engine-rest/version", who="admin1-13").status_code == 200
    for _ in range(5):
        wrong = rest("GET", "/engine-rest/version", who=None, headers={"Authorization": basic("reviewer1-13", "no")})
        assert wrong.status_code == 401
    # locked now: even the right password is refused, as on the sign-in page
    assert rest("GET", "/engine-rest/version", who="reviewer1-13").status_code == 401
    with rest.engine.reading() as s:
        outcomes = [(e.username, e.outcome) for e in s.scalars(select(LoginEvent).order_by(LoginEvent.id))]
    assert outcomes.count(("admin1-13", "success")) == 1  # remembered for a minute, not signed in per call
    assert outcomes.count(("reviewer1-13", "bad_password")) == 5 and ("reviewer1-13", "locked") in outcomes


def test_bearer_token_works_and_a_deactivated_account_stops_at_once(rest):  # type: ignore[no-untyped-def]
    from engine.identity import StaffUser
    assert rest("GET", "/engine-rest/version", who="admin1-13", auth="bearer").status_code == 200
    assert rest("GET", "/engine-rest/version", who="admin1-13").status_code == 200
    with rest.engine.transaction() as s, s.begin():
        user = s.query(StaffUser).filter_by(username="admin1-13").one()
        rest.identity.change_user(s, user, active=False)
    assert rest("GET", "/engine-rest/version", who="admin1-13").status_code == 401  # remembered Basic, rechecked
    assert rest("GET", "/engine-rest/version", who="admin1-13", auth="bearer").status_code == 401


def test_cors_echoes_the_modelers_null_origin_on_rest_paths_only(rest):  # type: ignore[no-untyped-def]
    pre = rest("OPTIONS", "/engine-rest/deployment/create", who=None,
               headers={"Origin": "null", "Access-Control-Request-Method": "POST",
                        "Access-Control-Request-Headers": "authorization,content-type"})
    assert pre.status_code in (200, 204) and pre.headers["Access-Control-Allow-Origin"] == "null"
    assert "authorization" in pre.headers["Access-Control-Allow-Headers"].lower()
    got = rest("GET", "/engine-rest/version", headers={"Origin": "file://"})
    assert got.headers["Access-Control-Allow-Origin"] == "file://"
    page = rest("GET", "/login", who=None, headers={"Origin": "null"})
    assert "Access-Control-Allow-Origin" not in page.headers


def test_unknown_paths_and_methods_are_json(rest):  # type: ignore[no-untyped-def]
    missing = rest("GET", "/engine-rest/no-such-thing")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/json"
    assert set(missing.get_json()) >= {"type", "message", "code"}
    nul = rest("GET", "/engine-rest/version?x=%00")
    assert nul.status_code == 400 and nul.get_json()["type"] == "InvalidRequestException"


def test_wellknown_points_the_modeler_at_kenteis_pages(rest):  # type: ignore[no-untyped-def]
    found = rest("GET", "/.well-known/camunda-automation-platform/webapps", who=None)
    assert found.status_code == 200
    urls = found.get_json()
    assert set(urls) == {"adminUrl", "cockpitUrl", "tasklistUrl"} and not urls["cockpitUrl"].endswith("cockpit/")
    link = rest("GET", urls["cockpitUrl"].replace("http://localhost", "") + "process-instance/5", who=None)
    assert link.status_code == 302 and link.headers["Location"].endswith("/instances/5")


def test_dates_go_out_in_camundas_format_and_come_in_in_every_common_form(rest):  # type: ignore[no-untyped-def]
    from web.engine_rest.wire import date_in, date_out
    moment = datetime(2026, 4, 1, 0, 0, 1, 234567, tzinfo=UTC)
    assert date_out(moment) == "2026-04-01T00:00:01.234+0000"
    with rest.app.test_request_context():
        for text in ("2026-04-01T09:00:01.234+0900", "2026-04-01T09:00:01.234+09:00", "2026-04-01T00:00:01.234Z",
                     "2026-04-01T09:00:01.234"):  # no offset: the engine's zone (Asia/Tokyo)
            assert date_out(date_in(text)) == "2026-04-01T00:00:01.234+0000", text


@pytest.mark.parametrize(("typed", "value"), [
    ({"value": "a", "type": "String"}, "a"), ({"value": "a", "type": "string"}, "a"), ({"value": 5}, 5),
    ({"value": 5, "type": "integer"}, 5), ({"value": "5", "type": "Long"}, 5), ({"value": True, "type": "boolean"}, True),
    ({"value": 1.5, "type": "Double"}, 1.5), ({"value": '{"a": 1}', "type": "json"}, {"a": 1}),
    ({"value": '{"a": 1}', "type": "Object", "valueInfo": {"objectTypeName": "java.util.HashMap",
                                                        "serializationDataFormat": "application/json"}}, {"a": 1}),
    ({"value": None, "type": "Null"}, None), ({"value": {"b": [1]}}, {"b": [1]}),
    ({"value": "2026-04-01T09:00:00.000+0900", "type": "Date"}, "2026-04-01T09:00:00+09:00"),
])
def test_typed_variables_in_any_casing(rest, typed, value):  # type: ignore[no-untyped-def]
    from web.engine_rest.variables import decode
    with rest.app.test_request_context():
        assert decode({"v": typed}) == {"v": value}


@pytest.mark.parametrize("typed", [
    {"value": "abc", "type": "Integer"}, {"value": 2**31, "type": "Integer"}, {"value": "x", "type": "Boolean"},
    {"value": "{", "type": "Json"}, {"value": "AAE=", "type": "Bytes"}, {"value": 1, "type": "Wombat"},
    {"value": "x", "type": "Object", "valueInfo": {"serializationDataFormat": "application/x-java-serialized-object"}},
    "not an object",
])
def test_bad_typed_variables_are_a_400_naming_the_problem(rest, typed):  # type: ignore[no-untyped-def]
    from web.engine_rest.core import RestError
    from web.engine_rest.variables import decode
    with rest.app.test_request_context(), pytest.raises(RestError) as err:
        decode({"v": typed})
    assert err.value.status == 400 and err.value.message


def test_typed_variables_go_out_capitalised_with_value_info():  # type: ignore[no-untyped-def]
    from web.engine_rest.variables import encode
    assert encode({"s": "x", "i": 3, "l": 2**40, "b": False, "d": 0.5, "n": None, "j": {"a": 1}}) == {
        "s": {"type": "String", "value": "x", "valueInfo": {}}, "i": {"type": "Integer", "value": 3, "valueInfo": {}},
        "l": {"type": "Long", "value": 2**40, "valueInfo": {}}, "b": {"type": "Boolean", "value": False, "valueInfo": {}},
        "d": {"type": "Double", "value": 0.5, "valueInfo": {}}, "n": {"type": "Null", "value": None, "valueInfo": {}},
        "j": {"type": "Json", "value": '{"a":1}', "valueInfo": {}}}
