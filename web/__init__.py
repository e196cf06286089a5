"""The Flask web app (issue 5)."""
