"""`kentei demo` as a newcomer runs it: the whole lifecycle, counts on the last line, no 個人番号 in the bytes."""
from __future__ import annotations

import json
import sqlite3
import os
import subprocess
import sys
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

from handlers.jukinet.store import ResidentStore

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("kentei")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "kentei.cli"]


def test_demo_runs_every_branch_and_leaves_no_number_in_plaintext(tmp_path: Path) -> None:
    env = {**os.environ, "KENTEI_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
           "KENTEI_KEYRING": str(tmp_path / "keyring.json"), "KENTEI_WORKFLOWS_DIR": str(ROOT / "workflows")}
    done = subprocess.run([*COMMAND, "demo", "-n", "60", "--seed", "3", "--json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["applications"] == 60 and counts["other"] == 0
    assert sum(v for k, v in counts.items()
               if k not in ("applications", "elapsed_s", "other", "staff_created", "open_for_inbox", "seats", "channels",
                            "egov_notices", "certificate_requests")) == 60
    assert counts["staff_created"] == 39  # 13 accounts in each of three prefectures (12 people and the payment gateway)
    assert counts["passed"] > 0 and counts["failed"] + counts["partial pass"] > 0
    assert "Traceback" not in done.stderr
    # the sessions are small: some fill, payments move on to the next session or wait; none goes over capacity
    seats = counts["seats"]
    assert seats["over_capacity"] == 0 and seats["assigned"] > 0, seats
    assert seats["moved"] > 0 and seats["waitlisted"] > 0, seats
    # all three channels: the portal, paper, and e-Gov (taken by the intake process, one package refused)
    channels, egov = counts["channels"], counts["egov_notices"]
    assert channels["online"] > 0 and channels["paper"] > 0 and channels["egov"] > 0, channels
    assert egov["refused"] == 1 and egov["accepted"] > 0, egov
    # after the passes: a paper 合格証明書 and a portal reissue per prefecture, checked, paid and issued
    assert counts["certificate_requests"].get("issued", 0) >= 3, counts["certificate_requests"]
    incidents = subprocess.run([*COMMAND, "incidents", "--json"], cwd=tmp_path, env=env, capture_output=True,
                               text=True, timeout=120)
    assert json.loads(incidents.stdout) == []
    with closing(sqlite3.connect(tmp_path / "demo.db")) as db:  # every task was done by a seeded account
        staff = dict(db.execute("SELECT username, tenant FROM staff_user").fetchall())
        done_by = db.execute("SELECT DISTINCT t.completed_by, t.tenant FROM human_task t "
                             "WHERE t.status = 'completed'").fetchall()
        hashes = [h for (h,) in db.execute("SELECT password_hash FROM staff_user")]
        over = db.execute("SELECT s.code FROM exam_session s WHERE s.assigned > s.capacity OR (SELECT count(*) "
                          "FROM exam_record r WHERE r.session_id = s.id) <> s.assigned").fetchall()
        seats = db.execute("SELECT session_id, seat_index, count(*) FROM exam_record WHERE session_id IS NOT NULL "
                           "GROUP BY session_id, seat_index HAVING count(*) > 1").fetchall()
        reissued = db.execute("SELECT count(*) FROM exam_record WHERE ticket_issued_version > 1").fetchone()[0]
        resyncs = db.execute("SELECT i.status, i.tenant FROM process_instance i JOIN process_definition d "
                             "ON d.id = i.definition_id WHERE d.key = 'resident_resync'").fetchall()
        [next_resync] = [datetime.fromisoformat(d).replace(tzinfo=timezone.utc)
                         for (d,) in db.execute("SELECT due_at FROM start_timer WHERE status = 'waiting' "
                                                "AND process_key = 'resident_resync'")]
        [next_intake] = [datetime.fromisoformat(d).replace(tzinfo=timezone.utc)
                         for (d,) in db.execute("SELECT due_at FROM start_timer WHERE status = 'waiting' "
                                                "AND process_key = 'egov_intake'")]
    assert over == [] and seats == []  # every seat taken once, every session within its capacity
    assert reissued > 0  # the demo's venue change reached the tickets already issued
    assert done_by and all(staff.get(user) == tenant for user, tenant in done_by), done_by
    assert all(h.startswith("$argon2id$") for h in hashes) and len(set(hashes)) == len(hashes)
    # the monthly 定期照会 ran in the demo's simulated months for each prefecture, and is now due again
    # at the next real 1st of the month (not at a date the demo's fake clock reached)
    assert resyncs and {status for status, _ in resyncs} == {"completed"}
    assert {tenant for _, tenant in resyncs} == {"13", "27", "01"}
    now = datetime.now(timezone.utc)
    assert now < next_resync <= now + timedelta(days=32)
    # the e-Gov intake: the next ten-minute slot after the demo ended (a minute's slack for the slot passing since)
    assert now - timedelta(minutes=1) < next_intake <= now + timedelta(minutes=10)
    numbers = [r["my_number"].encode() for r in ResidentStore.seeded(seed=3, count=200).residents()]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("demo.db*"))
    assert raw and not [n for n in numbers if n in raw]
    assert not [n for n in numbers if n.decode() in done.stdout + done.stderr]
