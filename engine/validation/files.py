"""Check a batch of BPMN/DMN files together and parse the ones that pass."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.bpmn.parser import KenteiParser
from engine.dmn import DmnErrors, load_dmn
from engine.validation.bpmn_rules import B, Known, check_document, check_process
from engine.validation.problems import Problem
from engine.validation.whitelist import check_whitelist
from engine.validation.xml_load import kind_of, load_xml, stored_process_ids


@dataclass
class CheckedFile:
    """A file that passed: its bytes, hash and what it defines."""

    name: str
    kind: str
    content: bytes
    sha256: str
    processes: dict[str, tuple[Any, dict[str, Any], str | None]] = field(default_factory=dict)  # key -> spec, subs, name
    decisions: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Stored:
    """The newest deployed BPMN files beside the batch: the ones still readable, and why the others are not."""

    readable: list[tuple[str, etree._Element]] = field(default_factory=list)
    unreadable: dict[str, tuple[str, str]] = field(default_factory=dict)  # process id -> (file, why)

    def keys(self) -> set[str]:
        return {p.get("id") for _, root in self.readable for p in root.iter(f"{B}process")}


def _stored(deployed: dict[str, bytes], batch: set[str]) -> _Stored:
    """Read the stored files as uploads are read now; one that fails (say a DOCTYPE stored before DOCTYPEs
    were refused, or bytes that are no XML) is left out, so that it cannot break unrelated deployments."""
    found = _Stored()
    for name, content in deployed.items():
        if name in batch:  # the batch brings a new version of it
            continue
        root, problems = load_xml(name, bytes(content))
        if root is not None and kind_of(root) == "bpmn":
            found.readable.append((name, root))
            continue
        if root is not None and kind_of(root) is not None:  # a DMN file: it defines no process
            continue
        why = problems[0].message if problems else (f"not a BPMN 2.0 or DMN file: the root element is "
                                                    f"<{etree.QName(root).localname}>")
        for key in stored_process_ids(bytes(content)):
            found.unreadable[key] = (name, why)
    return found


def _calls_into_unreadable(name: str, root: etree._Element, known: Known, stored: _Stored,
                           batch_keys: set[str]) -> list[Problem]:
    """A call activity whose process is deployed only in a stored file that can no longer be read."""
    problems: list[Problem] = []
    readable = stored.keys()
    for node in root.iter(f"{B}callActivity"):
        called = node.get("calledElement")
        if called in stored.unreadable and called in known.processes and called not in batch_keys | readable:
            file, why = stored.unreadable[called]
            problems.append(Problem(name, node.get("id") or "callActivity",
                                    f"called process '{called}' is in the deployed file '{file}', which can no "
                                    f"longer be read; deploy a corrected {file} first ({why})"))
    return problems


def check_files(files: list[tuple[str, bytes]], known: Known,
                deployed_bpmn: dict[str, bytes] | None = None) -> tuple[list[CheckedFile], list[Problem]]:
    """Validate every file; parse them only when the whole batch is clean.

    `deployed_bpmn` holds the newest stored BPMN file of each name (for call activities; where two define
    one process, the later one in the mapping wins); stored files that cannot be read are left out.
    """
    problems: list[Problem] = []
    trees: list[tuple[str, bytes, etree._Element, str]] = []
    for name, content in files:
        root, found = load_xml(name, content)
        problems.extend(found)
        if root is None:
            continue
        kind = kind_of(root)
        if kind is None:
            problems.append(Problem(name, root.get("id") or "-", f"not a BPMN 2.0 or DMN file: the root element is "
                                                                  f"<{etree.QName(root).localname}>"))
            continue
        trees.append((name, content, root, kind))

    checked: list[CheckedFile] = []
    dmn_files = {name: content for name, content, _, kind in trees if kind == "dmn"}  # what imports may name
    for name, content, root, kind in trees:
        if kind == "dmn":
            try:
                decisions = load_dmn(content, name, imports=dmn_files)
            except DmnErrors as errs:
                problems.extend(Problem(name, e.element_id or "-", e.message) for e in errs.errors)
                continue
            known.decisions.update(decisions)
            checked.append(CheckedFile(name, kind, content, _sha(content), decisions=decisions))

    bpmn = [(n, c, r) for n, c, r, k in trees if k == "bpmn"]
    stored = _stored(deployed_bpmn or {}, {n for n, _ in files})
    batch_keys = {p.get("id") for _, _, r in bpmn for p in r.iter(f"{B}process")}
    for _, _, root in bpmn:
        known.processes.update(p.get("id") for p in root.iter(f"{B}process") if p.get("isExecutable") == "true")
    for name, content, root in bpmn:
        found = _check_bpmn(name, root, known) or _calls_into_unreadable(name, root, known, stored, batch_keys)
        problems.extend(found)
        if not found:
            checked.append(CheckedFile(name, "bpmn", content, _sha(content)))
    if problems:
        return [], problems
    return _parse(checked, bpmn, stored.readable)


def _check_bpmn(name: str, root: etree._Element, known: Known) -> list[Problem]:
    processes = root.findall(f"{B}process")
    document = check_document(name, root)
    if document:
        return document
    if not processes:
        return [Problem(name, root.get("id") or "definitions", "the file defines no process")]
    executable = [p for p in processes if p.get("isExecutable") == "true"]
    if not executable:
        return [Problem(name, p.get("id") or "process", "the process is not executable: tick 'Executable' "
                        "(isExecutable=\"true\") in the modeler") for p in processes]
    problems = check_whitelist(name, root)
    for process in executable:
        problems.extend(p for p in check_process(name, root, process, known) if p not in problems)
    return problems


def _parse(checked: list[CheckedFile], bpmn: list[tuple[str, bytes, etree._Element]],
           stored: list[tuple[str, etree._Element]]) -> tuple[list[CheckedFile], list[Problem]]:
    parser = KenteiParser()
    problems: list[Problem] = []
    taken = {p.get("id") for _, _, r in bpmn for p in r.iter(f"{B}process")}  # the batch's own win
    for name, root in reversed(stored):  # the later of two stored files defining one process wins
        keys = {p.get("id") for p in root.iter(f"{B}process")}
        if keys & taken:
            continue
        try:
            parser.add_bpmn_xml(root, name)
        except Exception:  # a stored file the parser refuses now is left out; a call into it fails below
            continue
        taken |= keys
    try:
        for name, _, root in bpmn:
            parser.add_bpmn_xml(root, name)
    except ValidationException as exc:
        return [], [_from_spiff(exc, exc.file_name or "-")]
    by_name = {c.name: c for c in checked}
    for name, _, root in bpmn:
        for process in root.findall(f"{B}process"):
            if process.get("isExecutable") != "true":
                continue
            key = process.get("id")
            try:
                spec = parser.get_spec(key)
                subs = parser.get_subprocess_specs(key)
            except SpiffWorkflowException as exc:
                problems.append(_from_spiff(exc, name, key))
                continue
            except Exception as exc:  # the library's own bugs must not reach the analyst as a traceback
                problems.append(Problem(name, key, f"could not be parsed: {type(exc).__name__}: {one_line(str(exc))}"))
                continue
            by_name[name].processes[key] = (spec, subs, process.get("name"))
    return ([], problems) if problems else (checked, [])


def _from_spiff(exc: Exception, name: str, fallback: str = "-") -> Problem:
    element = getattr(exc, "id", "") or fallback
    message = one_line(str(exc.args[0]) if exc.args else type(exc).__name__)
    return Problem(getattr(exc, "file_name", "") or name, element, message[:1].lower() + message[1:])


def one_line(message: str) -> str:
    """A library's message as one line: the first line, without an XML dump that may follow it."""
    line = (message.strip().splitlines() or [""])[0]
    wrapped = re.match(r"""\w+\((['"])(.*?)\1""", line)  # an exception's repr, as the parser wraps them
    if wrapped:
        line = wrapped.group(2)
    for dump in ("b'<", 'b"<', "<?xml", "<bpmn:"):
        if dump in line:
            line = line[:line.index(dump)]
    return line.replace("%r", "").strip(" ,:;(") or "the library refused the diagram without saying why"


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
