"""Deploy-time checks: every problem as `FILE:ELEMENT_ID: sentence`, never a traceback."""
from engine.validation.problems import Problem, ValidationFailed

__all__ = ["Problem", "ValidationFailed"]
