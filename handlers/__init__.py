"""Service-task handlers by topic, and the adapters they call. Never imports engine or SpiffWorkflow."""
