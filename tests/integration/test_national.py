"""国家資格システム連携: the national-system client and handlers against the simulator, over real HTTP."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from handlers.base import BpmnError, HandlerContext, HandlerRegistry
from handlers.national import (
    NationalClient,
    NationalRequestError,
    NationalUnavailable,
    RecordNotFound,
    StaleVersion,
    register,
)
from handlers.national.handlers import (DELETE_APPLICANT, DELETED_FIELD, INVALID_DATA, REVOKE, STATUS_FIELD,
                                       SYNC_APPLICANT, SYNC_PASSER)
from handlers.national.simulator import RunningSimulator, serve

ROOT = Path(__file__).resolve().parents[2]
MY_NUMBER = "123456789018"  # valid check digit (DOMAIN.md's example)


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    running = serve("127.0.0.1", 0)
    yield running
    running.shutdown()


@pytest.fixture
def client(sim: RunningSimulator) -> NationalClient:
    return NationalClient(sim.url, timeout=2.0)


def call(url: str, method: str, body: Any = None, raw: bytes | None = None) -> tuple[int, dict[str, Any]]:
    """One raw HTTP call past the client, to see exactly what the simulator answers."""
    data = raw if raw is not None else (None if body is None else orjson.dumps(body))
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, orjson.loads(resp.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, orjson.loads(err.read())


def faults(sim: RunningSimulator, **settings: Any) -> None:
    status, _ = call(sim.url + "/v1/admin/faults", "POST", settings)
    assert status == 200


def ctx(topic: str, tenant: str = "13", job: int = 1) -> HandlerContext:
    return HandlerContext(topic=topic, instance_id=7, tenant=tenant, business_key="A2026-0001",
                          element_id="sync", idempotency_key=f"job-{job}")


def passer_data(**extra: Any) -> dict[str, Any]:
    return {"ginoshi_no": "1301-2026-00042", "certificate_no": "C-2026-042", "applicant_name": "山田 太郎",
            "name_kana": "やまだ たろう", "birth_date": "1990-05-01", "grade": "2級", "trade_code": "0401",
            "trade_name": "機械加工", "task_code": "01", "task_name": "普通旋盤作業", "result": "pass",
            "passed_on": "2026-08-30", **extra}


# --- the simulator through the client -------------------------------------------------------------

def test_sync_created_unchanged_updated_then_stale_refused(client: NationalClient, sim: RunningSimulator) -> None:
    assert client.sync("13-passer-1", "passer", "13", 1, {"name": "山田"}) == "created"
    assert client.sync("13-passer-1", "passer", "13", 1, {"name": "山田"}) == "unchanged"
    assert client.sync("13-passer-1", "passer", "13", 2, {"name": "山田 太郎"}) == "updated"
    with pytest.raises(StaleVersion) as stale:
        client.sync("13-passer-1", "passer", "13", 1, {"name": "古い"})
    assert stale.value.current_version == 2
    record = client.get("13-passer-1")
    assert (record["version"], record["data"], record["revocation"]) == (2, {"name": "山田 太郎"}, None)
    status, body = call(sim.url + "/v1/qualifications/13-passer-1", "PUT",
                        {"kind": "passer", "tenant": "13", "version": 1, "data": {}})
    assert (status, body["error"], body["current_version"]) == (409, "stale version", 2)


def test_first_write_is_201_and_retry_is_200(sim: RunningSimulator) -> None:
    body = {"kind": "applicant", "tenant": "13", "version": 1, "data": {"name": "佐藤"}}
    assert call(sim.url + "/v1/qualifications/13-applicant-9", "PUT", body) == (
        201, {"status": "created", "record_id": "13-applicant-9", "version": 1})
    assert call(sim.url + "/v1/qualifications/13-applicant-9", "PUT", body)[0] == 200


def test_concurrent_writes_of_one_version_create_once(client: NationalClient) -> None:
    outcomes: list[str] = []
    def write() -> None:
        outcomes.append(client.sync("13-passer-c", "passer", "13", 1, {"name": "並行"}))
    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["created"] + ["unchanged"] * 7


def test_listing_is_per_tenant_and_kind(client: NationalClient, sim: RunningSimulator) -> None:
    client.sync("13-passer-1", "passer", "13", 1, {"name": "東京"})
    client.sync("13-applicant-1", "applicant", "13", 1, {"name": "東京申請"})
    client.sync("27-passer-1", "passer", "27", 1, {"name": "大阪"})
    assert [r["record_id"] for r in client.records("13", "passer")] == ["13-passer-1"]
    assert [r["record_id"] for r in client.records("13")] == ["13-applicant-1", "13-passer-1"]
    assert [r["data"]["name"] for r in client.records("27", "passer")] == ["大阪"]
    assert client.records("01") == []
    assert call(sim.url + "/v1/qualifications", "GET") == (400, {"error": "must be a prefecture code from "
                                                                  "'01' to '47'", "field": "tenant"})
    with pytest.raises(NationalRequestError) as err:
        client.sync("13-passer-1", "passer", "27", 2, {"name": "越境"})
    assert (err.value.status, err.value.field) == (400, "tenant")


def test_revoke_is_idempotent_and_final(client: NationalClient) -> None:
    client.sync("13-passer-1", "passer", "13", 1, {"name": "山田"})
    assert client.revoke("13-passer-1", "2027-01-15", "不正受検", 2) == "revoked"
    assert client.revoke("13-passer-1", "2027-01-15", "不正受検", 2) == "unchanged"
    assert client.get("13-passer-1")["revocation"] == {"date": "2027-01-15", "reason": "不正受検"}
    assert client.sync("13-passer-1", "passer", "13", 3, {"name": "山田 太郎"}) == "updated"
    record = client.get("13-passer-1")
    assert (record["version"], record["revocation"]["date"]) == (3, "2027-01-15")


def test_delete_leaves_a_tombstone_that_a_late_sync_cannot_revive(client: NationalClient, sim: RunningSimulator) -> None:
    client.sync("13-applicant-A1", "applicant", "13", 1, {"applicant_name": "山田"})
    assert client.delete("13-applicant-A1") == "deleted"
    assert client.delete("13-applicant-A1") == "unchanged"
    with pytest.raises(RecordNotFound):
        client.get("13-applicant-A1")
    with pytest.raises(NationalRequestError, match="410"):  # a sync job that was late must not bring it back
        client.sync("13-applicant-A1", "applicant", "13", 2, {"applicant_name": "山田"})
    with pytest.raises(RecordNotFound):
        client.delete("13-applicant-never")
    client.sync("13-passer-P1", "passer", "13", 1, {"name": "山田"})
    status, body = call(sim.url + "/v1/qualifications/13-passer-P1", "DELETE")
    assert (status, body["field"]) == (400, "record_id") and client.get("13-passer-P1")["data"]


def test_delete_handler_deletes_each_application_and_skips_unsynced(handlers: HandlerRegistry,
                                                                     client: NationalClient) -> None:
    register(handlers, client)
    client.sync("13-applicant-A1", "applicant", "13", 1, {"applicant_name": "山田"})
    run = handlers.get(DELETE_APPLICANT).handler
    assert run(ctx(DELETE_APPLICANT), {"deleted_application_ids": ["A1", "A2"]}) == {DELETED_FIELD: 1}
    assert run(ctx(DELETE_APPLICANT), {"deleted_application_ids": ["A1"]}) == {DELETED_FIELD: 0}  # a retry
    with pytest.raises(BpmnError) as err:
        run(ctx(DELETE_APPLICANT), {"deleted_application_ids": []})
    assert err.value.code == INVALID_DATA


def test_revoke_refuses_unknown_applicant_and_bad_dates(client: NationalClient) -> None:
    with pytest.raises(RecordNotFound):
        client.revoke("13-passer-none", "2027-01-15", "不正受検", 1)
    client.sync("13-applicant-1", "applicant", "13", 1, {"name": "申請"})
    with pytest.raises(NationalRequestError) as err:
        client.revoke("13-applicant-1", "2027-01-15", "不正受検", 1)
    assert err.value.field == "record_id"
    client.sync("13-passer-1", "passer", "13", 1, {"name": "山田"})
    for day in ("2027-02-30", "15/01/2027"):
        with pytest.raises(NationalRequestError) as err:
            client.revoke("13-passer-1", day, "不正受検", 1)
        assert err.value.field == "date"


@pytest.mark.parametrize(("data", "field"), [
    ({"my_number": MY_NUMBER}, "data.my_number"),
    ({"applicant": {"myNumber": "x"}}, "data.applicant.myNumber"),
    ({"note": MY_NUMBER}, "data.note"),
    ({"note": "1234-5678-9018"}, "data.note"),
    ({"note": f"番号{MY_NUMBER}です"}, "data.note"),
    ({"note": "１２３４５６７８９０１８"}, "data.note"),
    ({"phones": ["03-1234-5678", int(MY_NUMBER)]}, "data.phones[1]"),
    ({MY_NUMBER: "x"}, "data.[redacted]"),
])
def test_a_my_number_is_refused_and_never_echoed(client: NationalClient, sim: RunningSimulator,
                                                 data: dict[str, Any], field: str) -> None:
    status, body = call(sim.url + "/v1/qualifications/13-passer-1", "PUT",
                        {"kind": "passer", "tenant": "13", "version": 1, "data": data})
    assert (status, body["field"]) == (400, field)
    with pytest.raises(NationalRequestError) as err:
        client.sync("13-passer-1", "passer", "13", 1, data)
    assert err.value.status == 400
    shown = f"{err.value} {err.value.field}"
    assert "5678" not in shown and "５６７８" not in shown
    assert client.records("13") == []


def test_ordinary_numbers_pass_the_guard(client: NationalClient) -> None:
    data = {"phone": "03-1234-5678", "corporate_number": "1234567890123", "birth_date": "1990-05-01", "year": 2026}
    assert client.sync("13-applicant-1", "applicant", "13", 1, data) == "created"
    with pytest.raises(NationalRequestError) as err:
        client.get(MY_NUMBER)
    assert (err.value.status, err.value.field) == (400, "record_id")


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "teacher", "tenant": "13", "version": 1, "data": {}}, "kind"),
    ({"kind": "passer", "tenant": "48", "version": 1, "data": {}}, "tenant"),
    ({"kind": "passer", "tenant": 13, "version": 1, "data": {}}, "tenant"),
    ({"kind": "passer", "tenant": "13", "version": 0, "data": {}}, "version"),
    ({"kind": "passer", "tenant": "13", "version": True, "data": {}}, "version"),
    ({"kind": "passer", "tenant": "13", "data": {}}, "version"),
    ({"kind": "passer", "tenant": "13", "version": 1, "data": ["x"]}, "data"),
    ({"kind": "passer", "tenant": "13", "version": 1, "data": {}, "vault_ref": "v1"}, "vault_ref"),
    (["not", "an", "object"], "body"),
])
def test_bad_input_is_a_400_naming_the_field(sim: RunningSimulator, body: Any, field: str) -> None:
    status, answer = call(sim.url + "/v1/qualifications/13-passer-1", "PUT", body)
    assert (status, answer["field"]) == (400, field)
    assert isinstance(answer["error"], str) and answer["error"]


def test_non_json_and_unknown_routes_answer_json(sim: RunningSimulator) -> None:
    assert call(sim.url + "/v1/qualifications/13-passer-1", "PUT", raw=b"{oops")[0] == 400
    assert call(sim.url + "/v1/qualifications/bad%20id", "GET")[1]["field"] == "record_id"
    assert call(sim.url + "/v1/elsewhere", "GET") == (404, {"error": "not found", "field": None})
    assert call(sim.url + "/v1/admin/faults", "POST", {"status": 200})[1]["field"] == "status"


# --- failures the client must classify ------------------------------------------------------------

def test_injected_failures_are_unavailable_then_success(client: NationalClient, sim: RunningSimulator) -> None:
    faults(sim, fail_next=2, status=503, delay_seconds=0)
    for _ in range(2):
        with pytest.raises(NationalUnavailable):
            client.sync("13-passer-1", "passer", "13", 1, {"name": "山田"})
    assert client.sync("13-passer-1", "passer", "13", 1, {"name": "山田"}) == "created"


def test_a_slow_answer_times_out_quickly(sim: RunningSimulator) -> None:
    faults(sim, delay_seconds=2)
    impatient = NationalClient(sim.url, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(NationalUnavailable):
        impatient.get("13-passer-1")
    assert time.monotonic() - started < 2.0


def test_nobody_listening_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NationalUnavailable):
        NationalClient(f"http://127.0.0.1:{port}", timeout=0.5).get("13-passer-1")


def test_client_refuses_nonsense_settings() -> None:
    with pytest.raises(ValueError):
        NationalClient("ftp://example.invalid")
    with pytest.raises(ValueError):
        NationalClient("http://127.0.0.1:1", timeout=0)


# --- the handlers -----------------------------------------------------------------------------

def test_registration_is_remote(handlers: HandlerRegistry, client: NationalClient) -> None:
    register(handlers, client, max_attempts=5)
    for topic in (SYNC_APPLICANT, SYNC_PASSER, REVOKE, DELETE_APPLICANT):
        registration = handlers.get(topic)
        assert registration is not None and (registration.kind, registration.max_attempts) == ("remote", 5)


def test_sync_sends_whitelisted_fields_only(handlers: HandlerRegistry, client: NationalClient) -> None:
    register(handlers, client)
    data = {"application_id": "A2026-0001", "applicant_name": "佐藤 花子", "birth_date": "1988-12-24", "grade": "3級",
            "trade_name": "機械加工", "vault_ref": "vault:13:91", "my_number_ref": "vault:13:91",
            "address": "東京都千代田区", "tenant": "27", "national_version": 1, "notes": {"x": 1}}
    out = handlers.get(SYNC_APPLICANT).handler(ctx(SYNC_APPLICANT), data)  # type: ignore[union-attr]
    assert out == {STATUS_FIELD: "created"}
    record = client.get("13-applicant-A2026-0001")
    assert (record["kind"], record["tenant"], record["version"]) == ("applicant", "13", 1)
    assert record["data"] == {"application_id": "A2026-0001", "applicant_name": "佐藤 花子", "birth_date": "1988-12-24",
                              "grade": "3級", "trade_name": "機械加工"}


def test_running_the_same_job_twice_leaves_one_record(handlers: HandlerRegistry, client: NationalClient) -> None:
    sync = register(handlers, client)
    data = passer_data(national_version=2, vault_ref="vault:13:7")
    assert sync.sync_passer(ctx(SYNC_PASSER), data) == {STATUS_FIELD: "created"}
    assert sync.sync_passer(ctx(SYNC_PASSER), data) == {STATUS_FIELD: "unchanged"}
    records = client.records("13", "passer")
    assert len(records) == 1 and records[0]["version"] == 2 and "vault_ref" not in records[0]["data"]
    assert records[0]["data"]["certificate_no"] == "C-2026-042"
    assert sync.sync_passer(ctx(SYNC_PASSER), passer_data(national_version="3")) == {STATUS_FIELD: "updated"}


def test_a_late_retry_after_a_newer_sync_counts_as_synced(handlers: HandlerRegistry, client: NationalClient) -> None:
    sync = register(handlers, client)
    sync.sync_passer(ctx(SYNC_PASSER, job=2), passer_data(national_version=2))
    assert sync.sync_passer(ctx(SYNC_PASSER, job=1), passer_data(national_version=1)) == {STATUS_FIELD: "unchanged"}
    assert client.get("13-passer-1301-2026-00042")["version"] == 2


def test_revoke_handler_records_the_revocation(handlers: HandlerRegistry, client: NationalClient) -> None:
    sync = register(handlers, client)
    sync.sync_passer(ctx(SYNC_PASSER), passer_data())
    data = passer_data(national_version=2, revocation_date="2027-01-15", revocation_reason="不正受検が判明")
    assert sync.revoke(ctx(REVOKE, job=3), data) == {STATUS_FIELD: "revoked"}
    assert sync.revoke(ctx(REVOKE, job=3), data) == {STATUS_FIELD: "unchanged"}
    record = client.get("13-passer-1301-2026-00042")
    assert (record["version"], record["revocation"]) == (2, {"date": "2027-01-15", "reason": "不正受検が判明"})
    with pytest.raises(BpmnError) as err:
        sync.revoke(ctx(REVOKE), passer_data(revocation_date="2027-01-15"))
    assert err.value.code == INVALID_DATA and "revocation_reason" in err.value.message


@pytest.mark.parametrize(("data", "field"), [
    (passer_data(applicant_name=f"山田 {MY_NUMBER}"), "applicant_name"),
    (passer_data(ginoshi_no=None), "ginoshi_no"),
    (passer_data(ginoshi_no="第42号"), "ginoshi_no"),
    (passer_data(national_version=0), "national_version"),
    (passer_data(grade={"code": "2"}), "grade"),
])
def test_bad_task_data_is_a_bpmn_error_and_nothing_is_sent(client: NationalClient, data: dict[str, Any],
                                                           field: str) -> None:
    registry = HandlerRegistry()
    sync = register(registry, client)
    with pytest.raises(BpmnError) as err:
        sync.sync_passer(ctx(SYNC_PASSER), data)
    assert err.value.code == INVALID_DATA and field in err.value.message and "5678" not in err.value.message
    assert client.records("13") == []


def test_an_unavailable_system_is_left_to_the_job_retry(client: NationalClient, sim: RunningSimulator) -> None:
    sync = register(HandlerRegistry(), client)
    faults(sim, fail_next=1, status=502)
    with pytest.raises(NationalUnavailable):
        sync.sync_passer(ctx(SYNC_PASSER), passer_data())
    assert sync.sync_passer(ctx(SYNC_PASSER), passer_data()) == {STATUS_FIELD: "created"}


# --- the command ------------------------------------------------------------------------------

def test_module_runs_the_simulator_in_the_foreground() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with subprocess.Popen([sys.executable, "-m", "handlers.national", "--port", str(port)], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip().endswith(f"127.0.0.1:{port}")
            assert NationalClient(f"http://127.0.0.1:{port}", timeout=2).records("13") == []
        finally:
            proc.terminate()
            assert proc.wait(timeout=10) == 0
