"""住基ネット adapter against the simulator over real HTTP on 127.0.0.1: client, handler, faults."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import orjson
import pytest

from handlers.base import BpmnError, HandlerContext, HandlerRegistry
from handlers.jukinet import (JukinetClient, JukinetRequestError, JukinetUnavailable, Resident,
                              make_identity_check, register)
from handlers.jukinet.admin import SimulatorAdmin
from handlers.jukinet.seed import generate, is_valid_my_number, with_check_digit
from handlers.jukinet.simulator import SimulatorServer, serve

ROOT = Path(__file__).resolve().parents[2]
AFTER_SEEDED_HISTORY = "2026-04-01"  # seeded 変更情報 end on 2025-12-31


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    with serve("127.0.0.1", 0, seed=7, count=300) as server:
        yield server


@pytest.fixture
def admin(sim: SimulatorServer) -> Iterator[SimulatorAdmin]:
    admin = SimulatorAdmin(sim.url)
    yield admin
    admin.reset_faults()


@pytest.fixture
def client(sim: SimulatorServer) -> JukinetClient:
    return JukinetClient(sim.url, timeout=2.0)


def ctx() -> HandlerContext:
    return HandlerContext(topic="jukinet.lookup", instance_id=1, tenant="13", business_key="APP-1",
                          element_id="identity_check", idempotency_key="job-1")


def namesake_groups(sim: SimulatorServer) -> list[list[dict[str, Any]]]:
    """Residents sharing 氏名, 生年月日 and 性別 (the seed plants some)."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in sim.store.residents():
        groups[(r["name"], r["birth_date"], r["sex"])].append(r)
    return [g for g in groups.values() if len(g) > 1]


def singles(sim: SimulatorServer) -> list[dict[str, Any]]:
    """Active residents with no namesake, in a stable order; tests take different ones."""
    shared = {r["resident_code"] for g in namesake_groups(sim) for r in g}
    return [r for r in sim.store.residents() if r["status"] == "active" and r["resident_code"] not in shared]


def unused_number(sim: SimulatorServer) -> str:
    """A valid 個人番号 that no seeded resident has."""
    taken = {r["my_number"] for r in sim.store.residents()}
    return next(n for n in (with_check_digit(f"{i:011d}") for i in range(10**10, 10**11)) if n not in taken)


def raw_post(url: str, body: bytes) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=2) as resp:
            return resp.status, orjson.loads(resp.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, orjson.loads(exc.read())


# --- seeding ----------------------------------------------------------------------------------

def test_seeding_is_deterministic_with_valid_unique_numbers_and_namesakes() -> None:
    assert with_check_digit("12345678901") == "123456789018"
    assert is_valid_my_number("123456789018") and not is_valid_my_number("123456789011")
    residents = generate(seed=3, count=200)
    assert residents == generate(seed=3, count=200) and residents != generate(seed=4, count=200)
    assert all(is_valid_my_number(r["my_number"]) for r in residents)
    assert len({r["my_number"] for r in residents}) == len({r["resident_code"] for r in residents}) == 200
    assert len({r["prefecture_code"] for r in residents}) >= 10
    assert all("\u3000" in r["name"] and "\u3000" in r["name_kana"] for r in residents)
    assert {r["sex"] for r in residents} == {"1", "2"}
    kinds = {c["kind"] for r in residents for c in r["changes"]}
    assert {"move", "name_change"} <= kinds
    assert all(c["date"] <= "2025-12-31" for r in residents for c in r["changes"])


# --- lookups ----------------------------------------------------------------------------------

def test_lookup_by_number_hit_and_miss(sim: SimulatorServer, client: JukinetClient) -> None:
    seeded = singles(sim)[0]
    result = client.lookup_by_number(seeded["my_number"])
    assert result.outcome == "one_hit" and result.resident is not None
    found = result.resident
    assert (found.resident_code, found.name, found.name_kana, found.birth_date, found.sex, found.address) == (
        seeded["resident_code"], seeded["name"], seeded["name_kana"], date.fromisoformat(seeded["birth_date"]),
        seeded["sex"], seeded["address"])
    assert found.my_number == seeded["my_number"] and seeded["my_number"] not in repr(found)
    assert found.masked_number == "********" + seeded["my_number"][-4:]

    miss = client.lookup_by_number(unused_number(sim))
    assert (miss.outcome, miss.residents, miss.resident) == ("no_hit", (), None)


def test_lookup_by_basic_four_single_none_and_several(sim: SimulatorServer, client: JukinetClient) -> None:
    r = singles(sim)[1]
    one = client.lookup_by_basic_four(r["name"], r["birth_date"], r["sex"], r["address"])
    assert one.outcome == "one_hit" and one.residents[0].resident_code == r["resident_code"]

    wrong_birth = date.fromisoformat(r["birth_date"]).replace(year=1949)
    assert client.lookup_by_basic_four(r["name"], wrong_birth, r["sex"], r["address"]).outcome == "no_hit"
    other_sex = "2" if r["sex"] == "1" else "1"
    assert client.lookup_by_basic_four(r["name"], r["birth_date"], other_sex, r["address"]).outcome == "no_hit"

    group = namesake_groups(sim)[0]
    town = os.path.commonprefix([m["address"] for m in group])  # same town, different 丁目・番
    several = client.lookup_by_basic_four(group[0]["name"], group[0]["birth_date"], group[0]["sex"], town)
    assert several.outcome == "several_hits" and several.resident is None
    assert {h.resident_code for h in several.residents} == {m["resident_code"] for m in group}
    exact = client.lookup_by_basic_four(group[0]["name"], group[0]["birth_date"], group[0]["sex"], group[0]["address"])
    assert exact.outcome == "one_hit"


def test_name_matching_ignores_full_and_half_width_spaces(sim: SimulatorServer, client: JukinetClient) -> None:
    r = singles(sim)[2]
    surname, given = r["name"].split("\u3000")
    kana_surname, kana_given = r["name_kana"].split("\u3000")
    for name in (f"{surname}\u3000{given}", f"{surname} {given}", f"{surname}{given}", f" {surname}  {given}",
                 f"{kana_surname} {kana_given}"):
        result = client.lookup_by_basic_four(name, r["birth_date"], r["sex"], r["address"])
        assert result.outcome == "one_hit", name
        assert result.residents[0].resident_code == r["resident_code"]


# --- change events and the 定期照会 -------------------------------------------------------------

def test_death_event_shows_in_lookup_with_its_date(sim: SimulatorServer, client: JukinetClient,
                                                   admin: SimulatorAdmin) -> None:
    r = singles(sim)[3]
    after = admin.apply_event(r["resident_code"], "death", "2026-05-10")
    assert after.status == "deceased"
    found = client.lookup_by_number(r["my_number"]).resident
    assert found is not None and found.status == "deceased"
    death = found.changes[-1]
    assert (death.kind, death.date, dict(death.before), dict(death.after)) == (
        "death", date(2026, 5, 10), {"status": "active"}, {"status": "deceased"})
    vault = {"v": r["my_number"]}
    out = make_identity_check(client, lambda _ctx, data: vault[data["vault_ref"]])(ctx(), {"vault_ref": "v"})
    assert out is not None and (out["juki_outcome"], out["juki_status"]) == ("one_hit", "deceased")
    with pytest.raises(JukinetRequestError) as refused:
        admin.apply_event(r["resident_code"], "move", "2026-06-01", address="大阪府大阪市北区梅田一丁目1番1号")
    assert refused.value.status == 409


def test_changes_since_lists_moves_and_name_changes(sim: SimulatorServer, client: JukinetClient,
                                                   admin: SimulatorAdmin) -> None:
    mover, bride = singles(sim)[4:6]
    new_address = "沖縄県那覇市久茂地三丁目1番1号"
    moved = admin.apply_event(mover["resident_code"], "move", "2026-07-01", address=new_address)
    assert (moved.address, moved.prefecture_code) == (new_address, "47")
    admin.apply_event(bride["resident_code"], "name_change", "2026-07-02", name="比嘉\u3000花子", name_kana="ヒガ\u3000ハナコ")

    changed = client.changes_since(date(2026, 7, 1))
    assert sorted(r.resident_code for r in changed) == sorted([mover["resident_code"], bride["resident_code"]])
    by_code = {r.resident_code: r for r in changed}
    move = by_code[mover["resident_code"]].changes_since(date(2026, 7, 1))[0]
    assert (move.kind, move.before["address"], move.after["address"]) == ("move", mover["address"], new_address)
    rename = by_code[bride["resident_code"]].changes[-1]
    assert (rename.kind, rename.date, rename.before["name"]) == ("name_change", date(2026, 7, 2), bride["name"])
    assert client.changes_since("2026-07-02")[0].resident_code == bride["resident_code"]
    assert client.changes_since("2030-01-01") == []
    assert len(client.changes_since("2000-01-01")) > 10  # the seeded history

    four = (mover["name"], mover["birth_date"], mover["sex"])
    assert client.lookup_by_basic_four(*four, new_address).outcome == "one_hit"
    assert client.lookup_by_basic_four(*four, mover["address"]).outcome == "no_hit"


# --- refusals and faults ----------------------------------------------------------------------

@pytest.mark.parametrize("number", ["123456789011", "12345678901", "1234567890123", "12345678901８", "abcdefghijkl"])
def test_invalid_number_is_a_request_error_that_hides_the_number(client: JukinetClient, number: str) -> None:
    with pytest.raises(JukinetRequestError) as refused:
        client.lookup_by_number(number)
    exc = refused.value
    assert (exc.status, exc.field) == (400, "my_number")
    for text in (str(exc), repr(exc), exc.message, repr(exc.args)):
        assert number not in text


@pytest.mark.parametrize(("body", "field"), [
    ('{"name": "", "birth_date": "1980-01-01", "sex": "1", "address": "東京都"}', "name"),
    ('{"name": "山田 太郎", "birth_date": "1980-13-01", "sex": "1", "address": "東京都"}', "birth_date"),
    ('{"name": "山田 太郎", "birth_date": "1980/01/01", "sex": "1", "address": "東京都"}', "birth_date"),
    ('{"name": "山田 太郎", "birth_date": "1980-01-01", "sex": "3", "address": "東京都"}', "sex"),
    ('{"name": "山田 太郎", "birth_date": "1980-01-01", "sex": "1"}', "address"),
    ('["not", "an", "object"]', None),
    ("not json", None),
])
def test_bad_input_is_400_json_naming_the_field(sim: SimulatorServer, body: str, field: str | None) -> None:
    status, payload = raw_post(f"{sim.url}/v1/lookup/by-basic-four", body.encode())
    assert status == 400 and payload["field"] == field and payload["error"]


def test_unknown_route_is_json_404(sim: SimulatorServer) -> None:
    assert raw_post(f"{sim.url}/v1/nope", b"{}") == (404, {"error": "Not Found", "field": None})


def test_slow_answer_times_out_as_unavailable(sim: SimulatorServer, admin: SimulatorAdmin) -> None:
    r = singles(sim)[6]
    admin.set_faults(delay_seconds=2)
    started = time.monotonic()
    with pytest.raises(JukinetUnavailable) as slow:
        JukinetClient(sim.url, timeout=0.5).lookup_by_number(r["my_number"])
    assert 0.4 < time.monotonic() - started < 2.0
    assert r["my_number"] not in str(slow.value) and "0.5" in str(slow.value)


def test_injected_503s_are_unavailable_then_the_lookup_succeeds(sim: SimulatorServer, client: JukinetClient,
                                                                admin: SimulatorAdmin) -> None:
    r = singles(sim)[7]
    admin.set_faults(fail_next=2, status=503)
    for _ in range(2):
        with pytest.raises(JukinetUnavailable) as failed:
            client.lookup_by_number(r["my_number"])
        assert failed.value.status == 503 and r["my_number"] not in str(failed.value)
    assert client.lookup_by_number(r["my_number"]).outcome == "one_hit"


def test_refused_connection_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(JukinetUnavailable):
        JukinetClient(f"http://127.0.0.1:{port}", timeout=0.5).lookup_by_number("123456789018")


# --- the jukinet.lookup handler ---------------------------------------------------------------

def application(r: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data = {"applicant_name": r["name"], "birth_date": r["birth_date"], "sex": r["sex"], "address": r["address"]}
    return {**data, **overrides}


def test_handler_outcomes_never_carry_the_number(sim: SimulatorServer, client: JukinetClient) -> None:
    r, other = singles(sim)[8:10]
    group = namesake_groups(sim)[0]
    vault = {"v-hit": r["my_number"], "v-miss": unused_number(sim)}
    handler = make_identity_check(client, lambda _ctx, data: vault.get(data["vault_ref"]))
    by_vault = {"vault_ref": "v-hit", "applicant_name": r["name"], "birth_date": r["birth_date"]}
    cases = [
        (application(r), "one_hit", r["resident_code"]),
        (application(r, birth_date="1949-01-01"), "no_hit", None),
        (application(group[0], address=os.path.commonprefix([m["address"] for m in group])), "several_hits", None),
        (by_vault, "one_hit", r["resident_code"]),
        ({"vault_ref": "v-hit"}, "one_hit", r["resident_code"]),
        ({"vault_ref": "v-miss", "applicant_name": r["name"]}, "no_hit", None),
        ({**by_vault, "applicant_name": other["name"] if other["name"] != r["name"] else "別人\u3000太郎"},
         "mismatch", r["resident_code"]),
        ({**by_vault, "birth_date": "1949-01-01"}, "mismatch", r["resident_code"]),
    ]
    for data, outcome, code in cases:
        out = handler(ctx(), data)
        assert out is not None
        assert (out["juki_outcome"], out["juki_resident_code"]) == (outcome, code), data
        assert out["juki_checked_name"] == (r["name"] if code else None)
        dumped = orjson.dumps(out).decode()
        assert all(number not in dumped for number in vault.values()) and "my_number" not in dumped
    assert handler(ctx(), {**by_vault, "birth_date": "1949-01-01"})["juki_mismatch_fields"] == ["birth_date"]
    assert handler(ctx(), application(group[0], address=group[0]["address"][:3]))["juki_hit_count"] >= 2


def test_handler_errors(sim: SimulatorServer, client: JukinetClient, admin: SimulatorAdmin) -> None:
    r = singles(sim)[10]
    vault = {"v-bad": "123456789011", "v-ok": r["my_number"]}
    handler = make_identity_check(client, lambda _ctx, data: vault.get(data["vault_ref"]))

    with pytest.raises(BpmnError) as invalid:
        handler(ctx(), {"vault_ref": "v-bad"})
    assert invalid.value.code == "JUKI_REQUEST_INVALID" and "123456789011" not in invalid.value.message
    with pytest.raises(BpmnError) as unresolved:
        handler(ctx(), {"vault_ref": "v-gone"})
    assert unresolved.value.code == "JUKI_REQUEST_INVALID"
    with pytest.raises(BpmnError, match="missing: sex, address"):
        handler(ctx(), {"applicant_name": r["name"], "birth_date": r["birth_date"]})
    with pytest.raises(ValueError, match="plaintext") as plaintext:
        handler(ctx(), {"my_number": r["my_number"]})
    assert r["my_number"] not in str(plaintext.value)

    admin.set_faults(fail_next=1, status=503)
    with pytest.raises(JukinetUnavailable):  # propagates: the engine retries the remote job
        handler(ctx(), {"vault_ref": "v-ok"})
    assert handler(ctx(), {"vault_ref": "v-ok"})["juki_outcome"] == "one_hit"


def test_register_makes_a_remote_handler(sim: SimulatorServer, client: JukinetClient) -> None:
    registry = HandlerRegistry()
    register(registry, client, lambda _ctx, _data: None)
    registration = registry.get("jukinet.lookup")
    assert registration is not None and registration.kind == "remote"
    r = singles(sim)[11]
    assert registration.handler(ctx(), application(r))["juki_outcome"] == "one_hit"  # type: ignore[index]


# --- python -m handlers.jukinet ---------------------------------------------------------------

@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_module_runs_the_simulator_in_the_foreground_until_stopped(stop: signal.Signals) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "handlers.jukinet", "--port", "0", "--seed", "1",
                             "--count", "50", "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in first, first + proc.stderr.read() if proc.stderr else first
        url = first.split("listening on ", 1)[1].split()[0]
        sample = SimulatorAdmin(url).sample(1)[0]
        assert isinstance(sample, Resident)
        assert JukinetClient(url).lookup_by_number(sample.my_number).outcome == "one_hit"
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "stopped" in out
