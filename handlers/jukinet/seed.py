"""Deterministic seeding of simulated residents, namesakes included, with valid 個人番号."""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any, Callable

from .geo import CHOME, PREFECTURES, TOWNS
from .names import FEMALE_GIVEN, MALE_GIVEN, SURNAMES, full_name

BORN_FROM, BORN_UNTIL = date(1950, 1, 1), date(2007, 12, 31)
# seeded 変更情報 all lie in this window, so tests can pick dates after it
HISTORY_FROM, HISTORY_UNTIL = date(2010, 1, 1), date(2025, 12, 31)


def _check_digit(first11: str) -> int:
    """検査用数字 of a 個人番号 from its first 11 digits."""
    total = 0
    for n, digit in enumerate(reversed(first11), start=1):
        total += int(digit) * (n + 1 if n <= 6 else n - 5)
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def with_check_digit(first11: str) -> str:
    """The 12-digit 個人番号 made of these 11 digits and their check digit."""
    if len(first11) != 11 or not (first11.isascii() and first11.isdigit()):
        raise ValueError("a 個人番号 body is 11 ASCII digits")
    return first11 + str(_check_digit(first11))


def is_valid_my_number(value: object) -> bool:
    """Whether `value` is 12 ASCII digits whose last is the right check digit."""
    return (isinstance(value, str) and len(value) == 12 and value.isascii() and value.isdigit()
            and _check_digit(value[:11]) == int(value[11]))


def generate(seed: int = 1, count: int = 500) -> list[dict[str, Any]]:
    """`count` residents in the wire shape, the same for the same seed; about 1 in 100 has namesakes."""
    rng = random.Random(seed)
    numbers: set[str] = set()
    codes: set[str] = set()
    residents = [_resident(rng, numbers, codes) for _ in range(count)]
    _plant_namesakes(rng, residents)
    return residents


def _resident(rng: random.Random, numbers: set[str], codes: set[str]) -> dict[str, Any]:
    """One resident with a random history of moves, a name change and perhaps a death."""
    sex = rng.choice("12")
    surname, surname_kana = rng.choice(SURNAMES)
    given, given_kana = rng.choice(MALE_GIVEN if sex == "1" else FEMALE_GIVEN)
    birth = _between(rng, BORN_FROM, BORN_UNTIL)
    prefecture_code, address = _address(rng, *_town(rng))
    adult = max(HISTORY_FROM, date(birth.year + 18, birth.month, min(birth.day, 28)))
    changes: list[dict[str, Any]] = []
    if rng.random() < 0.15:
        old_code, old_address = _address(rng, *_town(rng))
        changes.append(_change("move", _between(rng, adult, HISTORY_UNTIL),
                               {"address": old_address, "prefecture_code": old_code},
                               {"address": address, "prefecture_code": prefecture_code}))
    if sex == "2" and rng.random() < 0.10:
        maiden, maiden_kana = rng.choice([s for s in SURNAMES if s[0] != surname])
        changes.append(_change("name_change", _between(rng, adult, HISTORY_UNTIL),
                               {"name": full_name(maiden, given), "name_kana": full_name(maiden_kana, given_kana)},
                               {"name": full_name(surname, given), "name_kana": full_name(surname_kana, given_kana)}))
    changes.sort(key=lambda c: c["date"])
    status = "active"
    if rng.random() < 0.02:
        last = max([adult] + [date.fromisoformat(c["date"]) for c in changes])
        changes.append(_change("death", _between(rng, last, HISTORY_UNTIL),
                               {"status": "active"}, {"status": "deceased"}))
        status = "deceased"
    return {
        "resident_code": _unique(rng, codes, lambda: f"{rng.randrange(10**11):011d}"),
        "my_number": _unique(rng, numbers, lambda: with_check_digit(str(rng.randrange(10**10, 10**11)))),
        "name": full_name(surname, given),
        "name_kana": full_name(surname_kana, given_kana),
        "birth_date": birth.isoformat(),
        "sex": sex,
        "address": address,
        "prefecture_code": prefecture_code,
        "status": status,
        "changes": changes,
    }


def _plant_namesakes(rng: random.Random, residents: list[dict[str, Any]]) -> None:
    """Make groups of 2–3 residents share 氏名, 生年月日 and 性別 and live in the same town."""
    groups = len(residents) // 100 or (1 if len(residents) >= 2 else 0)
    sizes = [min(rng.choice((2, 3)), len(residents)) for _ in range(groups)]
    while sum(sizes) > len(residents):
        sizes.pop()
    picked = rng.sample(range(len(residents)), sum(sizes))
    for size in sizes:
        members, picked = [residents[i] for i in picked[:size]], picked[size:]
        first, town = members[0], _town(rng)
        addresses: set[str] = set()
        for member in members:
            member.update({key: first[key] for key in ("name", "name_kana", "birth_date", "sex")})
            member["prefecture_code"], member["address"] = _address(rng, *town, taken=addresses)
            # a clean record: its history would otherwise speak of another name or town
            member.update(status="active", changes=[])


def _town(rng: random.Random) -> tuple[str, str, str]:
    """(都道府県コード, 市区町村, 町名) picked at random."""
    prefecture_code = rng.choice(sorted(TOWNS))
    city = rng.choice(sorted(TOWNS[prefecture_code]))
    return prefecture_code, city, rng.choice(TOWNS[prefecture_code][city])


def _address(rng: random.Random, prefecture_code: str, city: str, town: str,
             taken: set[str] | None = None) -> tuple[str, str]:
    """(都道府県コード, full address with 丁目・番・号) in that town, not one of `taken`."""
    taken = taken if taken is not None else set()
    while True:
        chome = f"{rng.choice(CHOME)}丁目" if rng.random() < 0.7 else ""
        address = f"{PREFECTURES[prefecture_code]}{city}{town}{chome}{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
        if address not in taken:
            taken.add(address)
            return prefecture_code, address


def _between(rng: random.Random, first: date, last: date) -> date:
    """A day from `first` to `last` (just `last` when they are the wrong way round)."""
    return first + timedelta(days=rng.randint(0, (last - first).days)) if first <= last else last


def _change(kind: str, when: date, before: dict[str, str], after: dict[str, str]) -> dict[str, Any]:
    """One 変更情報 entry in the wire shape."""
    return {"kind": kind, "date": when.isoformat(), "before": before, "after": after}


def _unique(rng: random.Random, seen: set[str], make: Callable[[], str]) -> str:
    """A fresh value from `make()` not yet in `seen`."""
    while (value := make()) in seen:
        pass
    seen.add(value)
    return value
