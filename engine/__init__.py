"""kentei engine: the only package that imports SpiffWorkflow."""
