"""Hostile uploads (security review, issue 10): a DOCTYPE is refused (finding 4), deep nesting is a sentence (11).

Finding 4: a BPMN with `<!DOCTYPE … [<!ENTITY x SYSTEM "file:///etc/passwd">]>` and `&x;` in its documentation
deployed (the file was not read), and from then on every deploy and validate answered 500 and `kentei deploy
workflows/` exited 1: the stored file was parsed again, for call activities, by a parser that refused it.  Now
such a file is refused at upload with a sentence, and a stored file that cannot be read any more is left out of
later deployments, reported only to a deployment that calls a process in it.

Finding 11: a DMN cell nested 2,000 levels deep answered 500 at upload; now it is a problem like any other.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from engine.db.models import DeployedFile
from engine.validation import Problem, ValidationFailed
from engine.validation.xml_load import DOCTYPE_MESSAGE
from tests.conftest import ROOT, fixture_bytes

NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
XXE = '<!DOCTYPE bpmn:definitions [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
PI_MESSAGE = ("the file has the processing instruction 'xml-stylesheet'; processing instructions are not allowed in "
              "BPMN or DMN files: remove it (Camunda Modeler never writes one)")


def flow(pid: str, prolog: str = "", documentation: str = "", body: str = "") -> bytes:
    """start → (body) → end, as one executable process, with an optional prolog and documentation."""
    ids = ["start", *re.findall(r'<bpmn:\w+ id="([^"]+)"', body), "end"]
    flows = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
                    for i, (a, b) in enumerate(zip(ids, ids[1:])))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}\n'
            f'<bpmn:definitions {NS} id="defs" targetNamespace="http://kentei.test">'
            f'<bpmn:process id="{pid}" isExecutable="true">'
            + (f"<bpmn:documentation>{documentation}</bpmn:documentation>" if documentation else "")
            + f'<bpmn:startEvent id="start"/>{body}<bpmn:endEvent id="end"/>{flows}'
            "</bpmn:process></bpmn:definitions>\n").encode()


def caller(called: str, pid: str = "caller_flow") -> bytes:
    return flow(pid, body=f'<bpmn:callActivity id="call" calledElement="{called}"/>')


EVIL = flow("stored_flow", XXE, "&x;")
DTD_FILES = {
    "external entity": ("evil.bpmn", EVIL),
    "internal entity": ("evil.bpmn", flow("evil", '<!DOCTYPE d [<!ENTITY y "kentei">]>', "&y;")),
    "entity declared, not used": ("evil.bpmn", flow("evil", XXE)),
    "bare DOCTYPE": ("evil.bpmn", flow("evil", "<!DOCTYPE bpmn:definitions>")),
    "external DTD": ("evil.bpmn", flow("evil", '<!DOCTYPE bpmn:definitions SYSTEM "http://127.0.0.1:9/x.dtd">')),
    "parameter entity": ("evil.bpmn", flow("evil", '<!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>')),
    "billion laughs": ("evil.bpmn", flow("evil", '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                                         + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                                                   for p, c in zip("abcdefgh", "bcdefghi")) + "]>", "&i;")),
    "DMN": ("evil.dmn", fixture_bytes("pass_mark.dmn").replace(
        b"?>\n", b'?>\n<!DOCTYPE definitions [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n', 1)),
}


def stored(engine, name: str, content: bytes) -> None:  # type: ignore[no-untyped-def]
    """Put content into the newest stored version of a deployed file, as a deploy before the fix did."""
    with engine.transaction() as session, session.begin():
        newest = session.scalar(select(func.max(DeployedFile.id)).where(DeployedFile.name == name))
        session.execute(text("UPDATE deployed_file SET content = :c, sha256 = :h WHERE id = :id"),
                        {"c": content, "h": hashlib.sha256(content).hexdigest(), "id": newest})


def files_stored(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.reading() as session:
        return int(session.scalar(select(func.count()).select_from(DeployedFile)) or 0)


# -- finding 4: refused at upload ------------------------------------------------------------------------
@pytest.mark.parametrize("name, content", DTD_FILES.values(), ids=DTD_FILES.keys())
def test_a_file_with_a_doctype_is_refused_with_a_sentence(engine, name: str, content: bytes) -> None:  # type: ignore[no-untyped-def]
    for attempt in (engine.validate, engine.deploy):
        with pytest.raises(ValidationFailed) as err:
            attempt([(name, content), ("fine.bpmn", flow("fine"))])
        assert err.value.problems == [Problem(name, "-", DOCTYPE_MESSAGE)]
    assert files_stored(engine) == 0


@pytest.mark.parametrize("content", [flow("pi", '<?xml-stylesheet type="text/xsl" href="x.xsl"?>'),
                                     flow("pi", documentation='<?xml-stylesheet href="x.xsl"?>text')],
                         ids=["prolog", "inside"])
def test_a_processing_instruction_is_refused_with_a_sentence(engine, content: bytes) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as err:
        engine.deploy([("pi.bpmn", content)])
    assert err.value.problems == [Problem("pi.bpmn", "-", PI_MESSAGE)]
    assert files_stored(engine) == 0


# -- finding 4: a file stored before the fix breaks nothing else ------------------------------------------
def test_a_stored_doctype_does_not_break_later_deploys(engine) -> None:  # type: ignore[no-untyped-def]
    engine.deploy([("stored.bpmn", flow("stored_flow")), ("pass_mark.dmn", fixture_bytes("pass_mark.dmn"))])
    stored(engine, "stored.bpmn", EVIL)

    engine.validate([("decide.bpmn", fixture_bytes("decide.bpmn"))])
    report = engine.deploy([("decide.bpmn", fixture_bytes("decide.bpmn"))])
    assert report.deployed == ["decide.bpmn v1"]
    iid = engine.start("decide", "13", {"written": 70, "practical": 70})
    assert engine.instance(iid)["variables"]["result"] == "pass"

    # only a deployment that calls a process of the unreadable file hears of it
    with pytest.raises(ValidationFailed) as err:
        engine.deploy([("caller.bpmn", caller("stored_flow"))])
    assert err.value.problems == [Problem(
        "caller.bpmn", "call", "called process 'stored_flow' is in the deployed file 'stored.bpmn', which can no "
        f"longer be read; deploy a corrected stored.bpmn first ({DOCTYPE_MESSAGE})")]

    # a corrected file replaces it, and the call deploys
    assert engine.deploy([("stored.bpmn", flow("stored_flow"))]).deployed == ["stored.bpmn v2"]
    assert engine.deploy([("caller.bpmn", caller("stored_flow"))]).deployed == ["caller.bpmn v1"]
    iid = engine.start("caller_flow", "13")
    assert engine.instance(iid)["status"] == "completed"


def test_a_stored_file_that_is_not_xml_any_more_breaks_nothing(engine) -> None:  # type: ignore[no-untyped-def]
    engine.deploy([("stored.bpmn", flow("stored_flow"))])
    stored(engine, "stored.bpmn", b"\x00 not XML at all")
    assert engine.deploy([("other.bpmn", flow("other_flow"))]).deployed == ["other.bpmn v1"]
    with pytest.raises(ValidationFailed) as err:  # the file's processes are unknown: the call is named at least
        engine.validate([("caller.bpmn", caller("stored_flow"))])
    assert [(p.file, p.element_id) for p in err.value.problems] == [("caller.bpmn", "caller_flow")]


def test_two_stored_files_with_one_process_id_break_nothing(engine) -> None:  # type: ignore[no-untyped-def]
    """b.bpmn took over process 'shared' from a.bpmn; both stay the newest file of their name."""
    engine.deploy([("a.bpmn", flow("shared"))])
    engine.deploy([("b.bpmn", flow("shared"))])
    assert engine.deploy([("c.bpmn", flow("other"))]).deployed == ["c.bpmn v1"]
    assert engine.deploy([("caller.bpmn", caller("shared"))]).deployed == ["caller.bpmn v1"]
    assert engine.instance(engine.start("caller_flow", "13"))["status"] == "completed"


def test_a_stored_dmn_with_a_doctype_still_decides(engine) -> None:  # type: ignore[no-untyped-def]
    """Decisions are read from the stored file when they run: one stored before the fix still loads, safely."""
    engine.deploy([("pass_mark.dmn", fixture_bytes("pass_mark.dmn")), ("decide.bpmn", fixture_bytes("decide.bpmn"))])
    stored(engine, "pass_mark.dmn", DTD_FILES["DMN"][1].replace(
        '<decision id="pass_mark" name="合否判定">'.encode(),
        '<decision id="pass_mark" name="合否判定"><description>&x;</description>'.encode()))
    iid = engine.start("decide", "13", {"written": 50, "practical": 70})
    assert engine.instance(iid)["variables"]["result"] == "fail"
    assert engine.deploy([("other.bpmn", flow("other_flow"))]).deployed == ["other.bpmn v1"]


# -- through the admin page ---------------------------------------------------------------------------------
@pytest.fixture
def admin(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    from engine.identity import Identity
    from engine.identity.passwords import FAST_HASHER
    from tests.integration.test_english_staff import PASSWORD, sign_in
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    with engine.transaction() as s, s.begin():
        identity.create_user(s, "admin1-13", "管理 一郎", "13", ["admin"], PASSWORD)
    client = create_app(engine=engine, identity=identity, scheduler=False).test_client()
    assert sign_in(client, "admin1-13").status_code == 302
    return client


def upload(client, *files: tuple[str, bytes], action: str = "deploy"):  # type: ignore[no-untyped-def]
    from tests.integration.test_english_staff import token
    return client.post("/admin/deployments", content_type="multipart/form-data", data={
        "csrf_token": token(client, "/admin/deployments"), "action": action,
        "files": [(io.BytesIO(content), name) for name, content in files]})


def page(response) -> str:  # type: ignore[no-untyped-def]
    from html import unescape
    return unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_admin_page_refuses_a_doctype_and_survives_a_stored_one(engine, admin) -> None:  # type: ignore[no-untyped-def]
    for action in ("validate", "deploy"):
        answer = upload(admin, ("evil.bpmn", EVIL), action=action)
        assert answer.status_code == 422
        assert "DOCTYPE" in page(answer) and "evil.bpmn" in page(answer) and "Traceback" not in page(answer)
    assert files_stored(engine) == 0

    assert upload(admin, ("stored.bpmn", flow("stored_flow"))).status_code == 200
    stored(engine, "stored.bpmn", EVIL)
    assert upload(admin, ("other.bpmn", flow("other_flow")), action="validate").status_code == 200
    answer = upload(admin, ("other.bpmn", flow("other_flow")))
    assert answer.status_code == 200 and "other.bpmn" in page(answer)
    answer = upload(admin, ("caller.bpmn", caller("stored_flow")))
    assert answer.status_code == 422 and "stored.bpmn" in page(answer)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_admin_page_answers_a_deeply_nested_cell_with_a_problem(engine, admin) -> None:  # type: ignore[no-untyped-def]
    """Finding 11: the cell nested 2,000 levels deep that answered 500."""
    deep = "(" * 2000 + "65" + ")" * 2000
    dmn = fixture_bytes("pass_mark.dmn").replace(b"&gt;= 65</text>", f"&gt;= {deep}</text>".encode(), 1)
    for action in ("validate", "deploy"):
        answer = upload(admin, ("deep.dmn", dmn), action=action)
        assert answer.status_code == 422, page(answer)[:500]
        assert "100 段を超えています" in page(answer) and "r_pass" in page(answer)
    assert files_stored(engine) == 0


# -- through the command line ---------------------------------------------------------------------------------
SCRIPT = Path(sys.executable).with_name("kentei")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "kentei.cli"]


def test_kentei_deploy_workflows_survives_a_stored_doctype(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENTEI_")}
    env["KENTEI_DATABASE_URL"] = f"sqlite:///{db}"

    def kentei(*args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([*COMMAND, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                                check=False)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == code, f"kentei {' '.join(args)} exited {result.returncode}\n{result.stderr}"
        return result

    kentei("init")
    (tmp_path / "evil.bpmn").write_bytes(flow("stored_flow"))
    kentei("deploy", "workflows/", str(tmp_path / "evil.bpmn"))
    with sqlite3.connect(db) as conn:  # as a deploy before the fix stored it
        conn.execute("UPDATE deployed_file SET content = ?, sha256 = ? WHERE name = 'evil.bpmn'",
                     (EVIL, hashlib.sha256(EVIL).hexdigest()))
    assert "deployed" not in kentei("deploy", "workflows/").stdout  # all unchanged, exit 0: `make run` starts
    kentei("validate", "workflows/")
    (tmp_path / "other.bpmn").write_bytes(flow("other_flow"))
    assert "deployed other.bpmn v1" in kentei("deploy", str(tmp_path / "other.bpmn")).stdout
    (tmp_path / "evil.bpmn").write_bytes(EVIL)
    refused = kentei("deploy", str(tmp_path / "evil.bpmn"), code=1)
    assert f"evil.bpmn:-: {DOCTYPE_MESSAGE}" in refused.stderr
