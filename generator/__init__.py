"""contractgen: contract-first code generation for Python services."""

__version__ = "0.1.0"
