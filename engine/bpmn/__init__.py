"""The BPMN dialect: Camunda 7 attributes read into SpiffWorkflow specs."""
