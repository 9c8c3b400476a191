"""Options every target receives: where the package goes and what it is called."""

from __future__ import annotations

from dataclasses import dataclass

from generator.ir.names import PythonIdentifier, distribution_name


@dataclass(frozen=True)
class TargetOptions:
    package: PythonIdentifier
    contract_file_name: str
    targets: tuple[str, ...] = ()

    @property
    def distribution(self) -> str:
        return distribution_name(self.package)

    @property
    def package_dir(self) -> str:
        return f"src/{self.package}"

    @property
    def generated_dir(self) -> str:
        return f"src/{self.package}/_generated"
