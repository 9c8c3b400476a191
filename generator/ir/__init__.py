"""Protocol-neutral intermediate representation of a contract."""
