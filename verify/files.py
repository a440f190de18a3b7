"""Reading the files a user names: only regular files, and only up to a size.

A stream such as ``/dev/zero`` or a terminal behind ``/dev/stdin`` must not be
read into memory to find out that it is not a model or a trace, so what is
not a regular file is refused before it is read, and no more than the limit
is ever read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from verify.errors import UsageProblem, VerifyError

# Models and specs larger than this are refused before they are read (the
# largest shipped model is a few kilobytes), and so are traces larger than
# MAX_TRACE_BYTES (a counterexample is a shortest run; the longest shipped
# trace is a few tens of kilobytes).
MAX_SOURCE_BYTES = 10 * 1024 * 1024
MAX_TRACE_BYTES = 100 * 1024 * 1024

_FILE_KINDS = [(stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISSOCK, "a socket")]


def read_regular_file(path: Path, limit: int, what: str,
                      problem: type[VerifyError] = UsageProblem) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, reading at most ``limit + 1``.

    ``what`` names the kind of file in messages ("a model or spec file");
    every refusal is a ``problem`` (a usage error unless the caller says otherwise)."""
    try:
        _refuse_unless_regular(path, path.stat(), limit, what, problem)
        # Non-blocking, so that a file swapped for a FIFO after stat() cannot hang the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise problem(f"no such file: {path}") from None
    except OSError as exc:
        raise problem(f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        try:
            _refuse_unless_regular(path, os.fstat(f.fileno()), limit, what, problem)
            data = f.read(limit + 1)  # the size stat() gave may be out of date, or 0 (files in /proc)
        except OSError as exc:
            raise problem(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise _too_large(path, limit, what, problem)
    return data


def _refuse_unless_regular(path: Path, info: os.stat_result, limit: int, what: str,
                           problem: type[VerifyError]) -> None:
    """Refuse a folder, a device, a pipe or a socket (naming which it is), and a regular file over ``limit``."""
    if stat.S_ISDIR(info.st_mode):
        raise problem(f"{path} is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for is_kind, name in _FILE_KINDS if is_kind(info.st_mode)), "not a regular file")
        raise problem(f"{path} is {kind}, not a regular file",
                      hint=f"{what} is read from a regular file: save the text to one")
    if info.st_size > limit:
        raise _too_large(path, limit, what, problem)


def _too_large(path: Path, limit: int, what: str, problem: type[VerifyError]) -> VerifyError:
    return problem(f"{path} is too large for {what}: it has more than {limit:,} bytes",
                   hint=f"the limit is {limit // (1024 * 1024)} MiB")


__all__ = ["MAX_SOURCE_BYTES", "MAX_TRACE_BYTES", "read_regular_file"]
