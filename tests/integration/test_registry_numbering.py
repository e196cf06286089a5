"""Numbers are issued without gaps or duplicates, per prefecture and year, under concurrency and rollbacks."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm import Session

from engine.db.session import make_db
from handlers.registry import RegistryBase, allocate, format_number


@pytest.fixture
def db(db_url: str):  # type: ignore[no-untyped-def]
    database = make_db(db_url)
    RegistryBase.metadata.create_all(database)
    yield database
    database.dispose()


def test_sequences_are_per_prefecture_year_and_kind(db) -> None:  # type: ignore[no-untyped-def]
    with Session(db) as s, s.begin():
        got = [allocate(s, "13", 2026, "application") for _ in range(3)]
        got += [allocate(s, "27", 2026, "application"), allocate(s, "13", 2027, "application"),
                allocate(s, "13", 2026, "examinee")]
    assert got == [1, 2, 3, 1, 1, 1]
    assert format_number("application", "13", 2026, 3) == "13-2026-A000003"
    assert format_number("certificate", "27", 2026, 12) == "第2726000012号"
    with pytest.raises(ValueError):
        format_number("nonsense", "13", 2026, 1)


def test_concurrent_takers_with_rollbacks_leave_no_gap_and_no_duplicate(db) -> None:  # type: ignore[no-untyped-def]
    kept: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def taker(i: int) -> None:
        barrier.wait()
        for j in range(15):
            s = Session(db)
            try:
                with s.begin():
                    number = allocate(s, "13", 2026, "ginoshi")
                    if (i + j) % 3 == 0:
                        raise RuntimeError("the step failed after taking a number")
                with lock:
                    kept.append(number)
            except RuntimeError:
                pass
            finally:
                s.close()

    threads = [threading.Thread(target=taker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(kept) == list(range(1, len(kept) + 1))  # 1..n: no gap, no duplicate
    assert len(kept) == 40  # 60 attempts, every third rolled back
