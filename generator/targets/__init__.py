"""Output kinds. Each target is a pure function of the IR: `plan(contract, options) -> [FileSpec]`."""
