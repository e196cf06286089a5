"""DMN 1.1-1.5 on the FEEL engine (engine/dmn/feel): decisions with every boxed expression, decision tables,
business knowledge models, decision services, item definitions and imports, compiled once, never eval.

load_dmn(data, filename) gives the decisions of a file by id; load_model() the whole model (its decisions,
business knowledge models and decision services by name, with `imports` resolved by namespace among other
files given). Every problem of a file is reported at once (DmnErrors, one DmnError per problem, each naming
the element: `rule_7/input_2: input entry …`). Decision.evaluate() evaluates required decisions first and
gives a DecisionResult (`value`: DMN's FEEL value; `outputs`: Camunda 7's rows of host values);
Invocable.invoke() calls a business knowledge model or decision service by parameter name.

Semantics worth knowing:
- Values are FEEL's (numbers are decimals, 34 digits); host values are converted on the way in and out.
- FEEL errors give null and are reported. Evaluate strictly (the default, the workflow engine's way) and the
  first error is raised as a DecisionError naming the decision; with strict=False errors are in `errors`.
- DMN 1.1-1.3 files (what Camunda Modeler writes for Camunda 7) keep Camunda 7's ways in decision tables:
  typeRefs convert input and output values (`"4"` to integer 4, a number to string), an input's value is
  also `cellInput`, a required table gives its outputs by name. DMN 1.4/1.5 files follow the standard:
  typeRefs and item definitions are checked (a value that does not conform is null and an error).
- COLLECT aggregations with no matching rule give null (SUM, MIN, MAX) or 0 (COUNT); nulls are skipped by
  SUM, MIN and MAX; COUNT counts matched rules.
"""

from .errors import DecisionError, DmnError, DmnErrors
from .loader import load_dmn, load_model
from .model import Bkm, Decision, DecisionService, DmnModel, InputData, Invocable
from .result import DecisionResult

__all__ = ["Bkm", "Decision", "DecisionError", "DecisionResult", "DecisionService", "DmnError", "DmnErrors",
           "DmnModel", "InputData", "Invocable", "load_dmn", "load_model"]
