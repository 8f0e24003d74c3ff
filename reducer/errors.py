"""Typed errors of the library, all of them here. The CLI maps each to one line and an exit code
(`reducer.cli.guard.EXIT_CODES`, the one table of the contract in `reducer.cli.exitcodes`).

A leaf module: it imports nothing from the package, so any module may raise these.
"""

from __future__ import annotations


class ReducerError(Exception):
    """Base class: `str(err)` is the one-line message, `hint` says what to do about it."""

    hint: str = ""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint

    def one_line(self) -> str:
        return f"{self} ({self.hint})" if self.hint else str(self)


# --- the user's input or setup: they can fix it --------------------------------------------


class InputError(ReducerError):
    """The input file is missing, empty, binary, not MLIR, or for another stage."""


class ParseError(InputError):
    """The text is not MLIR that xdsl can hold (generic form expected)."""

    hint = "convert it with the stage tool's `--mlir-print-op-generic` first"


class NotACompilerBug(InputError):
    """A resource limit (the kernel's config does not fit the target) given to a command that files compiler bugs."""


class SignatureFileError(InputError):
    """An `--expect` argument that is neither a signature id nor a readable signature file."""


class ToolNotFound(ReducerError):
    """A compiler binary could not be located."""

    hint = "install the compiler wheels (`pip install -e .` brings them), or point the stage's variable at the binary"


class UsageError(ReducerError):
    """Options that contradict each other or name unknown things."""


class CommandLineRejected(UsageError):
    """The compiler refused its own command line (an option value it does not take): not a compiler bug."""


class UnknownPass(UsageError):
    """A pass name that is not in the registry."""


class NotInteresting(ReducerError):
    """The input does not show the failure the reduction was asked to preserve."""


class FlakyFailure(ReducerError):
    """The failure reproduces too rarely to reduce reliably."""


class DeadlineReached(ReducerError):
    """--max-time ran out before there was anything to keep."""


class ReleaseUnavailable(ReducerError):
    """A release cannot be listed or fetched (registry unreachable, no such version)."""


class ProjectSetupFailed(ReducerError):
    """A census project could not be prepared (its requirement does not install): that project's to fix."""


class ClusterError(ReducerError):
    """Ray is missing, the cluster cannot be reached, or a worker cannot run the sweep's tasks as this machine."""


# --- our bug: the user can only report it ---------------------------------------------------


class InternalError(ReducerError):
    """Something reducer guarantees did not hold: a bug in reducer, not in the input or the compiler."""

    # What the command line adds to the message: the user cannot fix it, only report it.
    how_to_report = "a reducer bug: rerun with REDUCER_DEBUG=1 for the traceback and report it to reducer's maintainers"


class Slipped(InternalError):
    """The final result no longer shows the original signature under the full pipeline."""


class PrivateDataLeft(InternalError):
    """Redaction left something private in a file meant for upstream: nothing was written."""
