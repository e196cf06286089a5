"""The English catalogs stay in step with the Japanese text in web/ (run `make translations` when they do not)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "web"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PLACE = re.compile(r"%\(\w+\)s")


def _extracted(name: str) -> set[str]:
    with (WEB / "translations" / f"{name}.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    ids = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(WEB), method_map, options_map,
                                                                      keywords=KEYWORDS):
        ids.add((context, message if isinstance(message, str) else message[0]))
    return ids


def _catalog(name: str, suffix: str = "po"):  # type: ignore[no-untyped-def]
    path = WEB / "translations" / name / "en" / "LC_MESSAGES" / f"messages.{suffix}"
    with path.open("rb") as handle:
        return read_po(handle) if suffix == "po" else read_mo(handle)


@pytest.mark.parametrize("name", ["staff", "portal"])
def test_every_text_in_web_is_in_its_catalog(name: str) -> None:
    catalog = _catalog(name)
    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
    missing = sorted(str(m) for m in _extracted(name) - known)
    assert not missing, f"not in the {name} catalog (run `make translations`): {missing}"


@pytest.mark.parametrize("name", ["staff", "portal"])
def test_every_entry_is_translated_with_its_placeholders(name: str) -> None:
    for message in _catalog(name):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings) and not message.fuzzy, f"untranslated in {name}: {message.id!r}"
        for text in strings:
            assert sorted(PLACE.findall(ids[0])) == sorted(PLACE.findall(text)), message.id
            assert not JAPANESE.search(text), f"{message.id!r} → {text!r}"
            # pages mark translated text safe: markup may only come from the source text
            assert not re.search(r"[<>&]", text) or re.search(r"[<>&]", ids[0]), f"markup in {text!r}"


@pytest.mark.parametrize("name", ["staff", "portal"])
def test_the_compiled_catalog_is_the_current_one(name: str) -> None:
    source, compiled = _catalog(name), _catalog(name, "mo")
    def entries(catalog):  # type: ignore[no-untyped-def]
        return {(m.context, m.id if isinstance(m.id, str) else m.id[0]):
                m.string if isinstance(m.string, str) else tuple(m.string) for m in catalog if m.id}
    wanted, got = entries(source), entries(compiled)
    assert wanted == got, f"web/translations/{name}: the .mo is older than the .po (run `make translations`)"


def test_the_two_catalogs_agree_where_they_share_a_text() -> None:
    """Both load into one dictionary at run time; the same Japanese must mean the same English."""
    staff = {(m.context, m.id): m.string for m in _catalog("staff") if m.id and isinstance(m.id, str)}
    differ = [(k, staff[k], m.string) for m in _catalog("portal") if isinstance(m.id, str)
              for k in [(m.context, m.id)] if k in staff and staff[k] != m.string]
    assert not differ, differ

