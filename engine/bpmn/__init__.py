"""The BPMN dialect: Camunda 7 attributes read into SpiffWorkflow specs."""
from engine.bpmn import library_fixes  # noqa: F401  (before any workflow runs)
