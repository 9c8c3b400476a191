"""Contract readers: the only code that knows a contract format (see ARCHITECTURE.md, section 1)."""
