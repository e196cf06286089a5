"""Database schema and sessions."""
