"""DMN decision tables as Camunda Modeler writes them (DMN 1.1, 1.2, 1.3), without Python eval.

load_dmn() compiles every cell into a small FEEL expression tree at load time and
reports all problems of a file at once (DmnErrors, a DmnError holding one DmnError
per problem).  Decision.evaluate() evaluates required decisions first and makes
their outputs available by output name, then applies the table's hit policy.

Semantics worth knowing:
- Missing variables are DecisionErrors; a member of a None value is None.  Paths
  only read Mappings, never Python attributes.
- Comparisons are FEEL's three-valued ones: incomparable values (a string and a
  number, anything ordered against None) never match, and neither do their
  negations.  Equality tests with None are false, so '!= x' and 'not(x)' match None.
- typeRef converts input values as well as output values, as Camunda 7 does.
- COLLECT aggregations with no matching rule give None (SUM, MIN, MAX) or 0 (COUNT);
  None outputs are skipped by SUM, MIN and MAX; COUNT counts matched rules.
- A required decision contributes one value per output name: a list for COLLECT
  without aggregation, RULE ORDER and OUTPUT ORDER, else the single value or None.
"""

from .errors import DecisionError, DmnError, DmnErrors
from .loader import load_dmn
from .model import Decision
from .result import DecisionResult

__all__ = ["Decision", "DecisionError", "DecisionResult", "DmnError", "DmnErrors", "load_dmn"]
