"""The DMN TCK's totals for kentei, beside the published results of other engines.

    python tests/conformance/dmn_tck_report.py [--failures] [--filter TEXT]

Prints the cases passed, failed (listed in dmn_tck_expected_failures.txt or not) and wrong (a value that is
not the expected one, where a null or a reported error would only be unsupported), and checks the floor: every
case Camunda 7.21 passes must pass here. Exit status 1 when a case fails that is not listed, when a listed case
passes, or when a case Camunda 7.21 passes fails.
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.conformance.dmn_tck_support import (  # noqa: E402 - after the path
    TCK, Outcome, camunda_passes, collect_cases, read_expected_failures, run_case,
)


def _baseline_passes(path: Path, ids: set[str]) -> int:
    with path.open(encoding="utf-8", newline="") as rows:
        return sum(1 for row in csv.reader(rows)
                   if len(row) >= 4 and row[3] == "SUCCESS" and f"{row[0]}/{row[2]}" in ids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", action="store_true", help="list every case that does not pass, with why")
    parser.add_argument("--filter", default="", help="only the cases whose id contains this text")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    cases = [case for case in collect_cases() if args.filter in case.id]
    outcomes: dict[str, Outcome] = {case.id: run_case(case) for case in cases}
    seconds = time.perf_counter() - started
    listed = read_expected_failures()
    kinds = Counter(outcome.kind for outcome in outcomes.values())
    failed = [case_id for case_id, outcome in outcomes.items() if not outcome.passed]
    unlisted = [case_id for case_id in failed if case_id not in listed]
    now_passing = [case_id for case_id in listed if outcomes.get(case_id) is not None and outcomes[case_id].passed]
    floor = [case_id for case_id in sorted(camunda_passes()) if case_id in outcomes and not outcomes[case_id].passed]
    total = len(outcomes)
    print(f"DMN TCK levels 2 and 3: {total} test cases in {seconds:.1f} s")
    print(f"  passed   {kinds['pass']:5}")
    print(f"  failed   {len(failed):5}  ({len(failed) - len(unlisted)} listed, {len(unlisted)} not listed; "
          f"refused at load {kinds['load']}, null or error {kinds['error']}, wrong value {kinds['wrong']})")
    ids = set(outcomes)
    for name in sorted((TCK / "baseline").glob("*.csv")):
        print(f"  {name.stem.removesuffix('-tck_results'):28} passes {_baseline_passes(name, ids):5}")
    print(f"  cases Camunda 7.21 passes that fail here: {len(floor)}")
    for case_id in floor:
        print(f"    {case_id}: {outcomes[case_id].detail}")
    for case_id in unlisted:
        print(f"  not listed: {case_id}: {outcomes[case_id].kind}: {outcomes[case_id].detail}")
    for case_id in now_passing:
        print(f"  listed but passes (remove it from the list): {case_id}")
    if args.failures:
        for case_id in failed:
            print(f"{outcomes[case_id].kind:6} {case_id}: {outcomes[case_id].detail}")
    return 1 if unlisted or now_passing or floor else 0


if __name__ == "__main__":
    sys.exit(main())
