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
        path = self.path if self.path.isprintable() else repr(self.path)[1:-1]  # a newline in a name stays on one line
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def masked(problem: Problem) -> Problem:
    """The problem with anything that looks like patient data masked, in its path and message:
    messages go to public logs (a pull request's checks), so none may repeat an identifier."""
    from .privacy import mask_identifiers

    path, message = mask_identifiers(problem.path), mask_identifiers(problem.message)
    if path == problem.path and message == problem.message:
        return problem
    return Problem(path, problem.line, problem.field, message)


@dataclass(frozen=True)
class Allowed:
    """A reviewed privacy false positive, allowed on one line with a reason."""

    path: str
    line: int
    kind: str
    reason: str


class ContentError(Exception):
    """Raised when content has problems; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(masked(p) for p in problems))
        super().__init__(self.report())

    def report(self) -> str:
        """All problems, one a line, with a count of files."""
        files = {p.path for p in self.problems}
        head = (
            f"{len(self.problems)} problem{'s' * (len(self.problems) != 1)} "
            f"in {len(files)} file{'s' * (len(files) != 1)}:"
        )
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def unexpected(exc: BaseException) -> str:
    """What an editor is told when the site's own code fails on content: no traceback, what to do."""
    import traceback

    frame = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (in {frame[0].name}, {frame[0].filename.rsplit('/', 1)[-1]}:{frame[0].lineno})" if frame else ""
    return ("The site's checks stopped on an unexpected error while reading the content: "
            f"{exc.__class__.__name__}{where}. This is a fault in the site's code, not in your file: "
            "please report it to the site's maintainers with the last file you changed. "
            "Set CLN_DEBUG=1 to see the full details.")
