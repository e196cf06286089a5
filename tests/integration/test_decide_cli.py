"""`kentei decide`: a decision of a file evaluated without deploying it, with the rules that matched."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kentei.cli import main

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["decide", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_table_with_its_required_decision_and_the_rules_that_matched() -> None:
    data = {"grade": "2級", "prior_pass": "なし", "schooling": "なし", "experience_years": 3}
    code, out, _ = run(str(WORKFLOWS / "eligibility.dmn"), "--decision", "eligibility", "--data", json.dumps(data),
                       "--json")
    report = json.loads(out)
    assert code == 0 and report["result"]["eligible"] is True and report["result"]["required_years"] == 2
    assert [s["decision"] for s in report["trace"]] == ["required_experience", "eligibility"]
    assert all(s["matched_rules"] for s in report["trace"])
    code, text, _ = run(str(WORKFLOWS / "eligibility.dmn"), "--decision", "受検資格審査", "--data", json.dumps(data))
    assert code == 0 and "受検資格あり" in text and "required_experience:" in text  # by name too


def test_a_literal_expression_decision(tmp_path: Path) -> None:
    model = tmp_path / "fee.dmn"
    model.write_text("""<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="d" name="手数料"
        namespace="http://kentei.test/fee">
      <inputData id="i" name="納付額"><variable name="納付額" typeRef="Any"/></inputData>
      <decision id="total" name="合計"><variable name="合計"/>
        <informationRequirement id="r"><requiredInput href="#i"/></informationRequirement>
        <literalExpression><text>sum(納付額) + 0.1 + 0.2</text></literalExpression></decision>
    </definitions>""", encoding="utf-8")
    code, out, _ = run(str(model), "--decision", "total", "--data", '{"納付額": [3100, 18200]}', "--json")
    assert code == 0 and json.loads(out)["result"] == 21300.3  # decimals: 0.1 + 0.2 is 0.3


def test_bad_input_is_one_line_and_exit_1(tmp_path: Path) -> None:
    eligibility = str(WORKFLOWS / "eligibility.dmn")
    code, _, err = run(eligibility, "--decision", "nope")
    assert code == 1 and "has no decision 'nope'" in err and "eligibility, required_experience" in err
    code, _, err = run(str(WORKFLOWS / "pass_decision.dmn"), "--decision", "pass_decision", "--data", "{}")
    assert code == 1 and err.startswith("error: pass_decision.dmn:") and "not defined" in err
    code, _, err = run(eligibility, "--decision", "eligibility", "--data", "[1]")
    assert code == 2 and "must be a JSON object" in err
    broken = tmp_path / "broken.dmn"
    broken.write_text('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" '
                      'namespace="n"><decision id="x" name="x"><decisionTable id="t"><input id="in1">'
                      '<inputExpression id="e"><text>a</text></inputExpression></input><output id="o" name="o"/>'
                      '<rule id="r1"><inputEntry id="c"><text>&gt;= )</text></inputEntry><outputEntry id="oe">'
                      '<text>1</text></outputEntry></rule></decisionTable></decision></definitions>')
    code, _, err = run(str(broken), "--decision", "x")
    assert code == 1 and err.startswith("broken.dmn:r1/input_1:")
    code, _, err = run(str(tmp_path / "missing.dmn"), "--decision", "x")
    assert code == 1 and "missing.dmn" in err
