"""Problems found in content, and the error that carries all of them at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one content file, in words an editor can act on."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContentError(Exception):
    """Raised when content has problems; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        """All problems, one a line, with a count of files."""
        files = {p.path for p in self.problems}
        head = (
            f"{len(self.problems)} problem{'s' * (len(self.problems) != 1)} "
            f"in {len(files)} file{'s' * (len(files) != 1)}:"
        )
        return "\n".join([head, *(f"  {p}" for p in self.problems)])
