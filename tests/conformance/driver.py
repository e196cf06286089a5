"""Run one conformance case: a small BPMN file and its YAML script, through the public engine API.

Every step runs on a fresh Engine over the same database (an empty workflow cache), so each wait
state is restored from what was saved: a restore in the middle of every construct. The case file:

    description: what the case shows
    files: [other.bpmn, rules.dmn]        # besides <stem>.bpmn, in the same folder (optional)
    process: key                          # the process to start (default: the first executable one)
    handlers:                             # topic -> what its handler does (local unless kind: remote)
      score.fetch: {returns: {points: 7}}
      juki.check: {error: NOT_FOUND}      # raise BpmnError(code)
      flaky: {fail: "boom", kind: remote} # raise an exception
      shaky: {fail: "boom", fail_times: 2, returns: {ok: true}}  # fail the first 2 calls, then return
      see.it: {echo: [a, b]}              # return seen_a, seen_b: the values the handler saw
    start: {data: {a: 1}, business_key: K-1, actor: u1}   # actor: who starts it (optional)
    steps:                                # each a one-key mapping
      - complete: {element: review, data: {ok: true}, user: u1}   # the oldest open task at the element
      - complete: {element: review, assignee: ann, user: ann}     # ...the one assigned to ann
      - complete: {element: review, group: scorer_paper}          # ...the one with these candidate groups
      - complete: {element: review, candidates: "ann,bob"}        # ...the one with these candidate users (claim too)
      - complete: {element: review, user: u1, refused: "four eyes"}  # must be refused, saying this
      - claim: {element: review, user: ann, roles: [reviewer]}    # the inbox's claim of an unassigned task (nth)
      - claim: {element: review, user: bob, roles: [], refused: "does not exist"}  # must be refused, saying this
      - claim: {element: review, assignee: ann, user: bob, refused: "not unassigned"}  # ...one assigned to ann
      - complete: {element: review, user: ann, roles: [], inbox: true}  # through the inbox (ann must hold it)
      - inbox: {user: ann, roles: [], sees: [review], scope: all}  # the elements of ann's inbox (sorted)
      - message: {name: paid, key: K-1, data: {}}                 # key defaults to the business key
      - signal: {name: alarm, data: {}}                           # tenant defaults to TENANT ("13")
      - advance: {minutes: 5}                                     # the test clock, then fire due timers
      - jobs: {}                                                  # run the jobs that are due (5 rounds)
      - jobs: {rounds: 1, every: {minutes: 5}}                    # ...advancing the clock so after each
      - start: {process: other, data: {}, business_key: K-2}     # another instance (tenant: 27 for another)
      - expect: {...}                                             # checks in the middle (as below)
      - expect_error: {message: {...}, says: "sentence part"}     # a step that must fail (an EngineError)
    expect:
      status: completed | running | incident                      # of the first instance
      path: [start, a, b, end]     # the elements completed or entered (a service task whose job was made), in order
      path_in_any_order: [a, b]                                   # ...where BPMN fixes no order
      passes: [a]            # elements that must be on the path
      skips: [b]             # elements that must not be
      variables: {x: 1}      # a subset of the variables at the end
      tasks: [review, review]   # open user tasks by element (sorted)
      assignees: {review: [ann, bob]}   # the open tasks' assignees at an element (sorted; None unassigned)
      groups: {review: [a, b]}          # the open tasks' candidate groups at an element (sorted)
      candidate_users: {review: ["ann,bob"]}  # the open tasks' candidate users at an element (sorted)
      timers: [wait]            # waiting timers by element (sorted)
      subscriptions: [paid]     # the instance's message subscriptions by element (sorted)
      incident_at: element
      instances: {other: completed}   # status of the last instance of another process
      jobs: [svc]               # pending or locked jobs (external and async continuations) by element (sorted)
      job_attempts: {svc: 2}    # attempts made so far by the job at that element (the newest)
      job_due_in: {svc: {minutes: 5}}  # a waiting job's next run, from the test clock's now
      calls: {score.fetch: 2}   # how often a handler was called in the whole case
      instances_of: {other: [completed, running]}  # every instance of a process (signal/message-started too), by id
      variables_of: {other: {x: 1}}   # a subset of the variables of the newest instance of a process
    refused:                  # instead of start/steps/expect: the deploy must refuse
      - {element: mi, says: "multi-instance"}   # a problem at that element whose sentence contains it
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from engine import inbox
from engine.config import Settings
from engine.db.session import make_db
from engine.errors import Conflict, Forbidden
from engine.runtime import Engine
from engine.validation import ValidationFailed
from handlers.base import BpmnError, HandlerRegistry
from tests.conftest import TestClock

TENANT = "13"
# the history events that say an element completed: run by the engine, by a person, by a worker
PATH_KINDS = ("step", "task_completed", "job_completed")


@dataclass
class Case:
    path: Path
    spec: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"

    def files(self) -> list[tuple[str, bytes]]:
        names = [self.path.with_suffix(".bpmn").name, *self.spec.get("files", [])]
        return [(n, (self.path.parent / n).read_bytes()) for n in names]


def load_cases(root: Path) -> list[Case]:
    return [Case(p, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted(root.glob("*/*.yaml"))]


def _handlers(spec: dict[str, Any], calls: dict[str, int]) -> HandlerRegistry:
    registry = HandlerRegistry()
    for topic, how in (spec.get("handlers") or {}).items():
        how = how or {}

        def handler(ctx: Any, data: Any, how: dict[str, Any] = how, topic: str = topic) -> dict[str, Any] | None:
            calls[topic] = calls.get(topic, 0) + 1
            if "error" in how:
                raise BpmnError(str(how["error"]), str(how.get("message", how["error"])))
            if "fail" in how and calls[topic] <= int(how.get("fail_times", 10**9)):
                raise RuntimeError(str(how["fail"]))
            seen = {f"seen_{n}": data.get(n) for n in how.get("echo") or []}  # what the handler saw
            return {**dict(how.get("returns") or {}), **seen} or None

        registry.register(topic, handler, how.get("kind", "local"))
    return registry


@dataclass
class Run:
    """One case on one database; `engine()` is a new Engine each time (nothing cached)."""

    case: Case
    settings: Settings
    clock: TestClock = field(default_factory=TestClock)
    instances: list[tuple[str, int]] = field(default_factory=list)  # (process key, id), in start order

    def __post_init__(self) -> None:
        self.db = make_db(self.settings.database_url)
        self.calls: dict[str, int] = {}
        self.registry = _handlers(self.case.spec, self.calls)

    def engine(self) -> Engine:
        return Engine(self.db, self.registry, self.settings, self.clock)

    def close(self) -> None:
        self.db.dispose()

    @property
    def first(self) -> int:
        return self.instances[0][1]

    def deploy(self) -> None:
        self.engine().deploy(self.case.files(), "analyst")

    def refusals(self) -> list[tuple[str, str]]:
        try:
            self.deploy()
        except ValidationFailed as exc:
            return [(p.element_id, p.message) for p in exc.problems]
        return []

    def start(self, how: dict[str, Any]) -> None:
        key = how.get("process") or self.case.spec.get("process") or _first_process(self.case)
        iid = self.engine().start(key, str(how.get("tenant", TENANT)), dict(how.get("data") or {}),
                                  business_key=how.get("business_key", f"case-{len(self.instances) + 1}"),
                                  actor=how.get("actor"))
        self.instances.append((key, iid))

    def step(self, kind: str, how: dict[str, Any]) -> None:
        how = how or {}
        eng = self.engine()
        if kind == "complete":
            open_tasks = [t for t in eng.tasks(limit=1000) if t["element_id"] == how["element"]
                          and ("assignee" not in how or t["assignee"] == how["assignee"])
                          and ("group" not in how or t["candidate_groups"] == how["group"])
                          and ("candidates" not in how or t["candidate_users"] == how["candidates"])]
            assert open_tasks, f"no open task at {how['element']}; open: {[t['element_id'] for t in eng.tasks()]}"
            task_id = open_tasks[how.get("nth", 0)]["id"]
            if how.get("inbox"):  # as the inbox completes: the viewer must see the task and hold it
                viewer = inbox.Viewer(how.get("user", "u1"), TENANT, frozenset(how.get("roles") or ()))
                self.refusable(how, lambda: inbox.complete(eng, viewer, task_id, how.get("data") or {}))
            elif "refused" in how:  # the completion must be refused (Forbidden/Conflict) with this text
                try:
                    eng.complete_task(task_id, how.get("user", "u1"), how.get("data") or {})
                except (Forbidden, Conflict) as exc:
                    assert how["refused"] in str(exc), f"refused, but with {exc}"
                else:
                    raise AssertionError(f"completing {how['element']} as {how.get('user', 'u1')} was not refused")
            else:
                eng.complete_task(task_id, how.get("user", "u1"), how.get("data") or {})
        elif kind == "claim":  # the inbox's claim, as a user with roles (default: the task's first group)
            open_tasks = [t for t in eng.tasks(limit=1000) if t["element_id"] == how["element"]
                          and t["assignee"] == how.get("assignee")  # unassigned, unless assignee names one
                          and ("candidates" not in how or t["candidate_users"] == how["candidates"])]
            assert open_tasks, f"no open task at {how['element']} assigned to {how.get('assignee')}"
            task = open_tasks[how.get("nth", 0)]
            roles = how["roles"] if "roles" in how else [(task["candidate_groups"] or "").split(",")[0]]
            self.refusable(how, lambda: inbox.claim(eng, inbox.Viewer(how["user"], TENANT, frozenset(roles)),
                                                    task["id"]))
        elif kind == "inbox":  # what a user's inbox lists (task_page: the staff pages and /api/v1/tasks)
            viewer = inbox.Viewer(how["user"], TENANT, frozenset(how.get("roles") or ()))
            rows, total = inbox.task_page(eng, viewer, inbox.TaskQuery(scope=how.get("scope", "all"), per_page=200))
            got = sorted(r["element_id"] for r in rows)
            assert got == sorted(how["sees"]) and total == len(got), f"{how['user']} sees {got} (total {total})"
        elif kind == "message":
            business_key = eng.instance(self.first)["business_key"]
            eng.correlate(how["name"], how.get("key", business_key), how.get("data") or {},
                          how.get("id"), TENANT)
        elif kind == "signal":
            eng.signal(how["name"], str(how.get("tenant", TENANT)), how.get("data") or {})
        elif kind == "advance":
            self.clock.advance(**{k: float(v) for k, v in how.items()})
            while eng.fire_due_timers():
                eng = self.engine()
        elif kind == "jobs":
            every = {k: float(v) for k, v in (how.get("every") or {}).items()}
            for _ in range(int(how.get("rounds", 5))):
                eng.run_jobs("conformance")
                self.clock.advance(**(every or {"seconds": self.settings.job_backoff_seconds * 8}))
        elif kind == "start":
            self.start(how)
        elif kind == "expect":
            self.check(how)
        elif kind == "expect_error":
            from engine.errors import EngineError
            (inner, inner_how), = ((k, v) for k, v in how.items() if k != "says")
            try:
                self.step(inner, inner_how)
            except EngineError as exc:
                assert how.get("says", "") in str(exc), f"{self.case.name}: {inner} failed with {exc!r}"
            else:
                raise AssertionError(f"{self.case.name}: {inner} should have failed")
        else:
            raise AssertionError(f"unknown step {kind!r}")

    def refusable(self, how: dict[str, Any], act: Any) -> None:
        """Run an inbox action; with `refused`, it must fail (an EngineError) saying that."""
        from engine.errors import EngineError
        if "refused" not in how:
            act()
            return
        try:
            act()
        except EngineError as exc:
            assert how["refused"] in str(exc), f"refused, but with {exc}"
        else:
            raise AssertionError(f"{how} was not refused")

    def of_process(self, key: str) -> list[int]:
        """Every instance of a process, whoever started it, oldest first."""
        from sqlalchemy import text
        with self.engine().read() as conn:
            return [r[0] for r in conn.execute(text(
                "SELECT i.id FROM process_instance i JOIN process_definition d ON d.id = i.definition_id "
                "WHERE d.key = :key ORDER BY i.id"), {"key": key}).all()]

    def path(self, iid: int) -> list[str]:
        return [h["element_id"] for h in self.engine().history(iid) if h["kind"] in PATH_KINDS and h["element_id"]]

    def check(self, expect: dict[str, Any]) -> None:
        eng = self.engine()
        info = eng.instance(self.first)
        path = self.path(self.first)
        where = f"{self.case.name}: path {path}, status {info['status']}"
        open_incidents = [i for i in info["incidents"] if i["status"] == "open"]
        status = "incident" if open_incidents and info["status"] == "running" else info["status"]
        if "status" in expect:
            assert status == expect["status"], f"{where}: incidents {open_incidents}"
        if "path" in expect:
            assert path == list(expect["path"]), where
        if "path_in_any_order" in expect:
            assert sorted(path) == sorted(expect["path_in_any_order"]), where
        for element in expect.get("passes", []):
            assert element in path, f"{where}: {element} was not passed"
        for element in expect.get("skips", []):
            assert element not in path, f"{where}: {element} was passed"
        for name, value in (expect.get("variables") or {}).items():
            assert name in info["variables"], f"{where}: no variable {name} in {info['variables']}"
            assert info["variables"][name] == value, f"{where}: {name} = {info['variables'][name]!r}"
        for name in expect.get("no_variables", []):
            assert name not in info["variables"], f"{where}: variable {name} is set"
        if "tasks" in expect:
            open_tasks = sorted(t["element_id"] for t in info["tasks"])
            assert open_tasks == sorted(expect["tasks"]), f"{where}: open tasks {open_tasks}"
        for element, wanted in (expect.get("assignees") or {}).items():  # open tasks' assignees, sorted
            got = sorted(str(t["assignee"]) for t in info["tasks"] if t["element_id"] == element)
            assert got == sorted(str(w) for w in wanted), f"{where}: assignees at {element}: {got}"
        for element, wanted in (expect.get("groups") or {}).items():  # open tasks' candidate groups, sorted
            got = sorted(str(t["candidate_groups"]) for t in info["tasks"] if t["element_id"] == element)
            assert got == sorted(str(w) for w in wanted), f"{where}: candidate groups at {element}: {got}"
        for element, wanted in (expect.get("candidate_users") or {}).items():  # open tasks' candidate users, sorted
            got = sorted(str(t["candidate_users"]) for t in info["tasks"] if t["element_id"] == element)
            assert got == sorted(str(w) for w in wanted), f"{where}: candidate users at {element}: {got}"
        if "jobs" in expect:  # pending or locked external jobs by element (sorted)
            got = sorted(j["element_id"] for j in info["jobs"] if j["status"] in ("pending", "locked"))
            assert got == sorted(expect["jobs"]), f"{where}: jobs {got}"
        if "timers" in expect:
            waiting = [t["element_id"] for t in info["timers"] if t["status"] == "waiting"]
            assert sorted(waiting) == sorted(expect["timers"]), where
        if "subscriptions" in expect:
            with eng.read() as conn:
                rows = conn.exec_driver_sql("SELECT element_id FROM message_subscription WHERE instance_id = "
                                            f"{int(self.first)}").all()
            assert sorted(r[0] for r in rows) == sorted(expect["subscriptions"]), f"{where}: subscriptions {rows}"
        if "incident_at" in expect:
            assert [i["element_id"] for i in open_incidents] == [expect["incident_at"]], f"{where}: {open_incidents}"
        waiting = {j["element_id"]: j for j in sorted(info["jobs"], key=lambda j: j["id"])
                   if j["status"] in ("pending", "locked")}
        if "jobs" in expect:
            assert sorted(j["element_id"] for j in info["jobs"] if j["status"] in ("pending", "locked")) \
                == sorted(expect["jobs"]), f"{where}: jobs {info['jobs']}"
        for element, attempts in (expect.get("job_attempts") or {}).items():
            made = [j["attempts"] for j in sorted(info["jobs"], key=lambda j: j["id"]) if j["element_id"] == element]
            assert made and made[-1] == attempts, f"{where}: jobs {info['jobs']}"
        for element, due_in in (expect.get("job_due_in") or {}).items():
            assert element in waiting, f"{where}: no waiting job at {element}: {info['jobs']}"
            due = datetime.fromisoformat(waiting[element]["next_run_at"])
            assert due - self.clock() == timedelta(**{k: float(v) for k, v in due_in.items()}), \
                f"{where}: the job at {element} is due at {due}, now is {self.clock()}"
        for topic, count in (expect.get("calls") or {}).items():
            assert self.calls.get(topic, 0) == count, f"{where}: {topic} was called {self.calls.get(topic, 0)} times"
        for key, wanted in (expect.get("instances") or {}).items():
            ids = [i for k, i in self.instances if k == key]
            assert ids, f"{where}: no instance of {key} was started"
            assert eng.instance(ids[-1])["status"] == wanted, f"{where}: {key} is {eng.instance(ids[-1])['status']}"
        for key, wanted in (expect.get("instances_of") or {}).items():
            found = [eng.instance(i)["status"] for i in self.of_process(key)]
            assert found == list(wanted), f"{where}: instances of {key}: {found}"
        for key, wanted in (expect.get("variables_of") or {}).items():
            ids = self.of_process(key)
            assert ids, f"{where}: no instance of {key}"
            got = eng.instance(ids[-1])["variables"]
            for name, value in wanted.items():
                assert got.get(name, "<unset>") == value, f"{where}: {key}.{name} = {got.get(name, '<unset>')!r}"


def _first_process(case: Case) -> str:
    from lxml import etree
    root = etree.fromstring(case.path.with_suffix(".bpmn").read_bytes())
    for process in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process"):
        if process.get("isExecutable") == "true":
            return process.get("id")
    raise AssertionError(f"{case.name}: no executable process")


def play(case: Case, settings: Settings) -> None:
    """Deploy, start, run the steps and check the expectations (or the refusals)."""
    run = Run(case, settings)
    try:
        if "refused" in case.spec:
            problems = run.refusals()
            assert problems, f"{case.name}: deployed, but should have been refused"
            for want in case.spec["refused"]:
                hits = [m for e, m in problems if e == want["element"] and want.get("says", "") in m]
                assert hits, f"{case.name}: no refusal at {want['element']} saying {want.get('says')!r}: {problems}"
            for element, message in problems:
                assert "\n" not in message and len(message) > 15 and not message.endswith((" of", " type", ":")), \
                    f"{case.name}: not one whole sentence: {message!r}"
            return
        run.deploy()
        run.start(case.spec.get("start") or {})
        for item in case.spec.get("steps") or []:
            (kind, how), = item.items()
            run.step(kind, how)
        run.check(case.spec.get("expect") or {})
    finally:
        run.close()
