"""DMN evaluation speed: the new FEEL engine against the decision-table evaluator it replaced, in one run.

    .venv/bin/python bench/dmn.py                        # 100,000 evaluations per case
    .venv/bin/python bench/dmn.py -n 20000 --baseline REV   # fewer; another baseline commit

Cases, each evaluated n times with inputs drawn from a fixed seed (the same inputs for both engines):

  eligibility   workflows/eligibility.dmn's `eligibility` (UNIQUE, with its required decision
                `required_experience`): grade × earlier pass × schooling × years
  pass          workflows/pass_decision.dmn's `pass_decision` (three tables: written, practical, pass)
  literal       a literal-expression decision (bench-only, below): an age from a birth date, a fee sum
                with a reduction, a string — what the old evaluator refused (new engine only)

The baseline is the `engine/dmn` package of commit REV (default: the last commit before the FEEL engine,
BASELINE below), extracted with `git archive` into a temporary folder and imported as the package
`baseline_dmn`: the same process, the same inputs, interleaved in rounds so that machine noise hits both
alike. Reported per case: evaluations per second for each engine and new ÷ old as a ratio of speeds
(issue 12's bar: the table path no more than 20 % slower, i.e. a ratio ≥ 0.80). The last line is JSON.
"""
from __future__ import annotations

import argparse
import importlib
import io
import json
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASELINE = "18d1397"  # main before the FEEL engine (issue 12)

LITERAL_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="bench_literal" name="bench"
    namespace="http://kentei.example/bench">
  <inputData id="birth_date" name="birth date"><variable name="birth date" typeRef="date"/></inputData>
  <inputData id="fees" name="fees"><variable name="fees" typeRef="Any"/></inputData>
  <inputData id="grade" name="grade"><variable name="grade" typeRef="string"/></inputData>
  <decision id="fee_summary" name="fee summary">
    <variable name="fee summary" typeRef="Any"/>
    <informationRequirement id="r1"><requiredInput href="#birth_date"/></informationRequirement>
    <informationRequirement id="r2"><requiredInput href="#fees"/></informationRequirement>
    <informationRequirement id="r3"><requiredInput href="#grade"/></informationRequirement>
    <literalExpression>
      <text>{age: years and months duration(birth date, date("2026-04-01")).years,
             total: if grade = "3級" and age &lt; 23 then sum(fees) - 9000 else sum(fees),
             label: grade + " / " + string(total) + "円"}</text>
    </literalExpression>
  </decision>
</definitions>
""".encode()


def _load_baseline(rev: str, folder: Path) -> Any:
    """The engine/dmn package of `rev`, importable as `baseline_dmn`."""
    archive = subprocess.run(["git", "archive", rev, "engine/dmn"], cwd=ROOT, check=True, capture_output=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "engine" / "dmn").rename(folder / "baseline_dmn")
    sys.path.insert(0, str(folder))
    return importlib.import_module("baseline_dmn")


def _inputs(rng: random.Random, n: int) -> dict[str, list[dict[str, Any]]]:
    grades = ["特級", "1級", "2級", "3級", "単一等級", "基礎級"]
    schooling = ["なし", "専門高校", "短大・高専", "大学"]
    eligibility = [{"grade": rng.choice(grades), "prior_pass": rng.choice(["なし", "3級", "2級", "1級"]),
                    "schooling": rng.choice(schooling), "experience_years": rng.randint(0, 12)} for _ in range(n)]
    marks = [{"written_score": rng.choice([None, rng.randint(0, 100)]), "practical_score": rng.randint(0, 100),
              "written_exempt": rng.random() < 0.1, "practical_exempt": rng.random() < 0.1} for _ in range(n)]
    literal = [{"birth date": f"{rng.randint(1960, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "fees": [3100, 18200] if rng.random() < 0.8 else [18200], "grade": rng.choice(grades)}
               for _ in range(n)]
    return {"eligibility": eligibility, "pass": marks, "literal": literal}


def _timed(run: Callable[[dict[str, Any]], Any], inputs: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    for data in inputs:
        run(data)
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=100_000, help="evaluations per case and engine (default 100,000)")
    p.add_argument("--rounds", type=int, default=10, help="interleaving rounds (default 10)")
    p.add_argument("--baseline", default=BASELINE, help=f"the commit whose engine/dmn is the baseline ({BASELINE})")
    args = p.parse_args()
    from engine import dmn as new
    with tempfile.TemporaryDirectory() as tmp:
        old = _load_baseline(args.baseline, Path(tmp))
        workflows = ROOT / "workflows"
        engines = {"new": new, "old": old}
        decisions: dict[str, dict[str, Any]] = {name: {} for name in engines}
        for name, module in engines.items():
            decisions[name]["eligibility"] = module.load_dmn((workflows / "eligibility.dmn").read_bytes(),
                                                             "eligibility.dmn")["eligibility"]
            decisions[name]["pass"] = module.load_dmn((workflows / "pass_decision.dmn").read_bytes(),
                                                      "pass_decision.dmn")["pass_decision"]
        decisions["new"]["literal"] = new.load_dmn(LITERAL_DMN, "bench_literal.dmn")["fee_summary"]
        inputs = _inputs(random.Random(12), args.n)
        for case, rows in inputs.items():  # the same answers from both, before timing anything
            if case in decisions["old"]:
                for data in rows[:2000]:
                    a = decisions["new"][case].evaluate(data).as_variable()
                    b = decisions["old"][case].evaluate(data).as_variable()
                    assert a == b, (case, data, a, b)
        spent: dict[tuple[str, str], float] = {}
        chunk = max(1, args.n // args.rounds)
        for r in range(args.rounds):
            order = list(engines) if r % 2 == 0 else list(reversed(engines))
            for case, rows in inputs.items():
                part = rows[r * chunk:(r + 1) * chunk]
                for name in order:
                    if case in decisions[name]:
                        d = decisions[name][case]
                        spent[(name, case)] = spent.get((name, case), 0.0) + _timed(d.evaluate, part)
    done = chunk * args.rounds
    result: dict[str, Any] = {"n": done, "baseline": args.baseline}
    print(f"{'case':<12} {'new /s':>10} {'old /s':>10} {'new ÷ old':>10}")
    for case in inputs:
        rate_new = done / spent[("new", case)]
        rate_old = done / spent[("old", case)] if ("old", case) in spent else None
        ratio = rate_new / rate_old if rate_old else None
        result[case] = {"new_per_s": round(rate_new), "old_per_s": rate_old and round(rate_old),
                        "ratio": ratio and round(ratio, 3)}
        old_text, ratio_text = (f"{rate_old:,.0f}", f"{ratio:.3f}") if rate_old and ratio else ("—", "—")
        print(f"{case:<12} {rate_new:>10,.0f} {old_text:>10} {ratio_text:>10}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
