"""The one exception root of verify, and source spans for user errors.

Every error a user can cause (bad model text, bad spec, bad CLI usage, a corrupt
trace file) is a :class:`VerifyError`. Its ``str()`` is a single line of the
form ``file:line:col: error: message``; ``render()`` adds the offending source
line and a caret. The CLI turns any VerifyError into exit code 2 and never
shows a Python traceback for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Span:
    """A place in a source file: 1-based line and column, plus the end column.

    A span with line 0 stands for a whole file (a trace file that is valid
    JSON but not a valid trace has no better place to point at)."""

    file: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    @classmethod
    def whole_file(cls, file: str) -> Span:
        return cls(str(file), 0, 0)

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


class VerifyError(Exception):
    """Root of every error verify reports to a user."""

    kind = "error"

    def __init__(self, message: str, span: Span | None = None, hint: str | None = None,
                 source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint
        self.source = source

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span else ""
        hint = f" ({self.hint})" if self.hint else ""
        text = f"{where}{self.kind}: {self.message}{hint}"
        # One line, always: a message quoting user text must not break it.
        return text.replace("\r", " ").replace("\n", " ")

    def render(self) -> str:
        """The one-line message, then the source line with a caret under the column."""
        text = str(self)
        line = self._source_line()
        if line is None or self.span is None:
            return text
        width = 1
        if self.span.end_line == self.span.line and self.span.end_column > self.span.column:
            width = self.span.end_column - self.span.column
        column = max(1, self.span.column)
        if len(line) > 100:  # show a window of a very long line around the column
            left = max(0, column - 60)
            line = ("..." if left else "") + line[left:left + 100] + ("..." if left + 100 < len(line) else "")
            column = column - left + (3 if left else 0)
            width = min(width, 40)
        caret = " " * (column - 1) + "^" * max(1, width)
        return f"{text}\n    {line}\n    {caret}"

    def _source_line(self) -> str | None:
        if self.span is None or self.span.line <= 0:
            return None
        source = self.source
        if source is None:
            try:
                source = Path(self.span.file).read_text(encoding="utf-8-sig")  # as read_source reads it
            except (OSError, UnicodeDecodeError):
                return None
        lines = source.split("\n")  # as the parser counts lines: only "\n" ends one
        if 1 <= self.span.line <= len(lines):
            line = lines[self.span.line - 1].rstrip("\r").expandtabs(1)
            # Other control characters would garble the terminal line.
            return "".join(ch if ch.isprintable() else " " for ch in line)
        return None


class SyntaxProblem(VerifyError):
    """The text does not follow the grammar."""

    kind = "syntax error"


class TypeProblem(VerifyError):
    """Names, types or domains are wrong; found before any search."""

    kind = "type error"


class SpecProblem(VerifyError):
    """A check (spec file) is inconsistent with its model."""

    kind = "spec error"


class UsageProblem(VerifyError):
    """The command line is wrong: unknown flag, bad value, missing file."""

    kind = "usage error"


class TraceProblem(VerifyError):
    """A trace file is unreadable or does not fit the model."""

    kind = "trace error"


class ModelRuntimeError(VerifyError):
    """A model did something illegal while being executed (a value out of its
    domain, a full channel, a failed assert). Engines attach the trace leading
    to it; the span points at the offending statement."""

    kind = "model error"
