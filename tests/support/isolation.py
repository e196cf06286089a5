"""The machinery of the shared-namespace isolation sweep (tests/integration/test_isolation_sweep.py).

- `Snapshot`: every row of one prefecture, read from every table of the database by the way the table names its
  owner (a tenant column, else the instance, the staff account or the applicant it belongs to), plus the shared
  deployments. A table that names no owner fails the sweep until it is classified here: no new table escapes it.
- `call`: one request as someone (a staff member signed in, an API token, an applicant signed in to the portal),
  redirects followed, with what the checks need of its answer.
- `same_answer`: the oracle. The answer to another prefecture's identifier must be the answer to one that exists
  nowhere (both values blanked out of both answers): anything else tells the caller that the object exists,
  what it is, or how many there are.
- `leaked`: which of the other prefecture's distinctive strings an answer shows (apart from what the caller sent).
- `Judge`: runs `Probe`s as each of their callers and gathers every finding: a 5xx, a status that is no
  refusal, a leaked string, a link to or an instance id of the other prefecture's, an answer the oracle tells
  apart, and any change to the other prefecture's rows (a snapshot after every request).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus

from sqlalchemy import MetaData, func, select

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CSRF_ANY = re.compile(r'((?:name="csrf_token"|name="csrf-token")[^>]*?(?:value|content)=")[^"]*(")')
_APPLY_TOKEN = re.compile(r'(name="token"[^>]*?value=")[^"]*(")')
# the columns by which a table names its owner, in this order: the prefecture, its instance, its staff account, its
# applicant's pseudonymous ID
OWNERS = ("tenant", "instance_id", "user_id", "pseudonym_id", "venue_id")
# tables with no owner of their own: the migration head only
UNOWNED = frozenset({"alembic_version"})
# tables whose shared rows (tenant '' or NULL: the operator's) a prefecture must not change either
SHARED_ROWS = frozenset({"deployed_file", "process_definition", "decision_definition", "start_timer"})
# (table, column) compared by length only: large, never changed in place (deployed_file keeps its sha256 beside)
BULKY = frozenset({("deployed_file", "content"), ("process_definition", "spec_json")})
# links to objects by number: (path prefix, identifier kind)
LINKS = {"/instances/": "instance", "/admin/incidents/": "incident", "/admin/users/": "user"}
_LINK = re.compile(r"(/(?:instances|admin/incidents|admin/users)/)(\d+)")

Rows = dict[str, list[tuple[Any, ...]]]


class Snapshot:
    """Every row that belongs to one prefecture (and every shared deployment row), table by table."""

    def __init__(self, db: Any, tenant: str) -> None:
        self.db, self.tenant = db, tenant
        self.meta = MetaData()
        self.meta.reflect(bind=db)
        self.unclassified = sorted(name for name, table in self.meta.tables.items()
                                   if name not in UNOWNED and not set(OWNERS) & set(table.c.keys()))
        self.queries = self._queries()

    def _queries(self) -> list[tuple[str, str]]:
        """One SELECT per table, compiled once (a snapshot is taken after every request)."""
        t = self.meta.tables
        instances = select(t["process_instance"].c.id).where(t["process_instance"].c.tenant == self.tenant)
        users = select(t["staff_user"].c.id).where(t["staff_user"].c.tenant == self.tenant)
        applicants = select(t["applicant"].c.pseudonym_id).where(t["applicant"].c.tenant == self.tenant)
        out = []
        for name, table in sorted(t.items()):
            c = table.c
            if name in UNOWNED or name in self.unclassified:
                continue
            if "tenant" in c:
                where = c.tenant == self.tenant
                if name in SHARED_ROWS:
                    where = where | (c.tenant == "") | c.tenant.is_(None)
            elif "instance_id" in c:
                where = c.instance_id.in_(instances)
            elif "user_id" in c:
                where = c.user_id.in_(users)
            elif "venue_id" in c:  # a venue's rooms: the prefecture's venues'
                where = c.venue_id.in_(select(t["exam_venue"].c.id).where(t["exam_venue"].c.tenant == self.tenant))
            else:  # an applicant's rows (their portal sessions): the prefecture's applicants'
                where = c.pseudonym_id.in_(applicants)
            columns = [func.length(col).label(col.name) if (name, col.name) in BULKY else col for col in c]
            query = select(*columns).where(where).order_by(*(list(table.primary_key.columns) or list(c)))
            out.append((name, str(query.compile(self.db, compile_kwargs={"literal_binds": True}))))
        return out

    def take(self) -> Rows:
        with self.db.connect() as conn:
            return {name: [tuple(row) for row in conn.exec_driver_sql(sql)] for name, sql in self.queries}

    @staticmethod
    def differences(before: Rows, after: Rows) -> list[str]:
        """What changed, table by table: the rows as they were and as they are."""
        found = []
        for name in sorted(set(before) | set(after)):
            old, new = before.get(name, []), after.get(name, [])
            if old != new:
                gone, added = [r for r in old if r not in new], [r for r in new if r not in old]
                found.append(f"{name}: {len(gone)} row(s) {_short(gone)} became {len(added)} row(s) {_short(added)}")
        return found


def _short(rows: list[tuple[Any, ...]]) -> str:
    text = repr(rows)
    return text if len(text) < 600 else text[:600] + "…"


@dataclass
class Answer:
    """What a request answered: the first status, the redirects, the final status and body."""

    status: int
    chain: list[tuple[int, str]]
    final_status: int
    text: str
    error: str | None = None  # what the app raised (a 500), as Flask's got_request_exception saw it

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError:
            return None


@dataclass
class Caller:
    """Someone calling the app: a member of staff signed in ("page"), an API token ("api"), an applicant ("portal")."""

    name: str
    kind: str
    client: Any
    token: str | None = None
    csrf: str | None = None
    roles: frozenset[str] = frozenset()


def call(caller: Caller, method: str, path: str, body: Any = None, errors: list[str] | None = None) -> Answer:
    """One request as `caller`: JSON bodies for the API, forms (with the caller's CSRF token) elsewhere.

    `errors` is the list the test's got_request_exception receiver appends to: what it holds after the request
    is what the app raised while answering it."""
    kwargs: dict[str, Any] = {"method": method, "follow_redirects": True}
    if caller.kind == "api":
        kwargs["headers"] = {"Authorization": f"Bearer {caller.token}"}
        if body is not None:
            kwargs["json"] = body
    elif method != "GET":
        kwargs["data"] = {"csrf_token": caller.csrf or "", **(body or {})}
    if errors is not None:
        errors.clear()
    response = caller.client.open(path, **kwargs)
    chain = [(r.status_code, r.headers.get("Location", "")) for r in response.history]
    return Answer(chain[0][0] if chain else response.status_code, chain, response.status_code,
                  response.get_data(as_text=True), "; ".join(errors) if errors else None)


def _forms(value: str) -> set[str]:
    """How a value may appear in an answer: as it is, HTML-escaped, URL-encoded (also twice), JSON-escaped."""
    out = {value, quote(value, safe=""), quote_plus(value), quote(value, safe="/"),
           json.dumps(value, ensure_ascii=True)[1:-1],
           value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")}
    out |= {quote(f, safe="") for f in list(out)}  # a URL inside a URL: the language link's ?next=
    return {v for v in out if v}


def normalised(text: str, values: list[str]) -> str:
    """The answer with every form of every probed value blanked out, and the per-request tokens too."""
    text = _APPLY_TOKEN.sub(r"\1TOKEN\2", _CSRF_ANY.sub(r"\1CSRF\2", text))
    for form in sorted({f for v in values for f in _forms(str(v))}, key=len, reverse=True):
        if form.isdigit():  # a number only where no other digit touches it
            text = re.sub(rf"(?<![0-9]){re.escape(form)}(?![0-9])", "⟨V⟩", text)
        else:
            text = text.replace(form, "⟨V⟩")
    return text


def same_answer(real: Answer, ghost: Answer, values: list[str]) -> str | None:
    """None if the two answers are the same once the probed values are blanked out; else what differs."""
    if (real.status, real.final_status) != (ghost.status, ghost.final_status):
        return (f"status {real.status}->{real.final_status} for the real identifier, "
                f"{ghost.status}->{ghost.final_status} for one that does not exist")
    chain_r = [(s, normalised(loc, values)) for s, loc in real.chain]
    chain_g = [(s, normalised(loc, values)) for s, loc in ghost.chain]
    if chain_r != chain_g:
        return f"redirects {chain_r} for the real identifier, {chain_g} for one that does not exist"
    a, b = normalised(real.text, values), normalised(ghost.text, values)
    if a != b:
        return "another body than for an identifier that does not exist: " + changed(a, b)
    return None


def changed(a: str, b: str, width: int = 150) -> str:
    """Where two texts part: a little of each around the first difference."""
    n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"…{a[max(0, n - width):n + width]!r}… vs …{b[max(0, n - width):n + width]!r}…"


def leaked(text: str, secrets: dict[str, str], sent: str) -> list[tuple[str, str]]:
    """The other prefecture's distinctive strings that `text` shows, with what each is, apart from those the
    caller sent itself."""
    return [(secret, what) for secret, what in secrets.items()
            if not any(f in sent for f in _forms(secret)) and any(f in text for f in _forms(secret))]


def excerpt(text: str, secret: str, width: int = 100) -> str:
    """Where `secret` (in any of its forms) shows in `text`, with some context."""
    for form in sorted(_forms(secret), key=len, reverse=True):
        at = text.find(form)
        if at >= 0:
            return text[max(0, at - width): at + len(form) + width]
    return ""


def shown(body: Any) -> str:
    return "(an upload)" if callable(body) else json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)


def q(value: str) -> str:
    return quote(value, safe="")


def build(rule: str, values: dict[str, str]) -> str:
    """A route's URL with its variables filled in: /tasks/<task_id> and {"task_id": "x"} → /tasks/x."""
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", lambda m: q(values[m.group(1)]), rule)


def walk(body: Any, key: str) -> Iterator[Any]:
    """Every value under `key` anywhere in a JSON document."""
    if isinstance(body, dict):
        for k, v in body.items():
            if k == key:
                yield v
            yield from walk(v, key)
    elif isinstance(body, list):
        for v in body:
            yield from walk(v, key)


@dataclass
class Probe:
    """One request (made as each of `callers`), the other prefecture's identifiers in it, and how it is judged."""

    endpoint: str
    method: str
    path: str
    body: Any = None  # a form or JSON; or a callable making it anew for each request (an upload)
    values: list[str] = field(default_factory=list)  # the other prefecture's identifiers it names
    ghost: Any = None  # (path, body, values) of the same request naming what exists nowhere; or a callable making it
    allowed: frozenset[int] | None = None  # the first statuses that are a refusal here; None: anything but a 5xx
    callers: list[str] = field(default_factory=list)
    sent: str = ""  # what else the caller sends (an uploaded file): strings in it are the caller's own
    adopts: tuple[str, ...] = ()  # the other's strings that are the caller's own too once this has run
    expect: Callable[[Answer], str | None] | None = None  # a further check: what is wrong with the answer, or None


class Judge:
    """Runs probes as callers of one prefecture against the objects of another, and gathers the findings."""

    def __init__(self, callers: dict[str, Caller], secrets: dict[str, str], ids: dict[str, list[str]],
                 snapshot: Snapshot, errors: list[str]) -> None:
        self.callers, self.secrets, self.ids, self.snapshot, self.errors = callers, secrets, ids, snapshot, errors
        self.before = snapshot.take()
        self.failures: list[str] = []
        self.log: list[str] = []  # every request with its status and the start of its answer
        self.calls = 0
        self._ghosts: dict[tuple[str, str, str, str], Answer] = {}

    def of(self, kind: str) -> list[str]:
        return [n for n, c in self.callers.items() if c.kind == kind]

    def fail(self, probe: Probe, caller: str, what: str) -> None:
        self.failures.append(f"{probe.method} {probe.path} as {caller}"
                             + (f" with {shown(probe.body)}" if probe.body else "") + f": {what}")

    def rebase(self) -> None:
        """Take the other prefecture's rows as they are now as the baseline (after its own people acted)."""
        self.before = self.snapshot.take()

    def run(self, probe: Probe) -> None:
        for name in probe.callers:
            caller = self.callers[name]
            answer = self._call(caller, probe.method, probe.path, probe.body() if callable(probe.body) else probe.body)
            self.log.append(f"{answer.status}->{answer.final_status} {probe.method} {probe.path} as {name}"
                            f" {shown(probe.body)[:120]} :: {answer.text[:160]!r}")
            self._judge(probe, name, answer)
            if probe.ghost is None:
                continue
            path, body, values = probe.ghost() if callable(probe.ghost) else probe.ghost
            key = (name, probe.method, path, shown(body))
            ghost = None if callable(probe.ghost) else self._ghosts.get(key)
            if ghost is None:  # the same nothing answers the same: one ghost per caller and request
                ghost = self._ghosts[key] = self._call(caller, probe.method, path, body)
            differs = same_answer(answer, ghost, probe.values + values)
            if differs:
                self.fail(probe, name, f"tells the identifier from one that does not exist: {differs}")
        for adopted in probe.adopts:
            self.secrets.pop(adopted, None)

    def _call(self, caller: Caller, method: str, path: str, body: Any) -> Answer:
        self.calls += 1
        answer = call(caller, method, path, body, self.errors)
        after = self.snapshot.take()
        if after != self.before:
            self.failures.append(f"{method} {path} as {caller.name}" + (f" with {shown(body)}" if body else "")
                                 + ": changed the other prefecture's rows: "
                                 + " | ".join(Snapshot.differences(self.before, after)))
            self.before = after
        return answer

    def _judge(self, probe: Probe, name: str, answer: Answer) -> None:
        if answer.status >= 500 or answer.final_status >= 500:
            self.fail(probe, name, f"answered {answer.status}->{answer.final_status}"
                      + (f" ({answer.error})" if answer.error else ""))
            return
        if probe.allowed is not None and answer.status not in probe.allowed:
            self.fail(probe, name, f"answered {answer.status} (expected one of {sorted(probe.allowed)}): "
                      f"{answer.text[:300]!r}")
        if probe.expect is not None and (wrong := probe.expect(answer)):
            self.fail(probe, name, wrong)
        sent = probe.path + shown(probe.body) + json.dumps(probe.body, default=str) + probe.sent
        for secret, what in leaked(answer.text, self.secrets, sent):
            self.fail(probe, name, f"shows {what} {secret!r}: …{excerpt(answer.text, secret)!r}…")
        for link, number in _LINK.findall(answer.text):
            if number in self.ids[LINKS[link]] and f"{link}{number}" not in sent:
                self.fail(probe, name, f"links to the other prefecture's {LINKS[link]} {link}{number}")
        for value in walk(answer.json(), "instance_id"):
            if str(value) in self.ids["instance"]:
                self.fail(probe, name, f"names the other prefecture's instance {value} (instance_id)")

    def report(self) -> str:
        found = list(dict.fromkeys(self.failures))
        return f"{len(found)} isolation findings ({self.calls} requests):\n" + "\n".join(f"- {f}" for f in found)
