"""kentei: the command line, outermost layer (may import web, engine and handlers)."""
