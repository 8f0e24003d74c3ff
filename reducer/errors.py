"""Typed errors of the library. The CLI maps them to one-line messages and exit codes."""

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


class InputError(ReducerError):
    """The input file is missing, empty, binary, not MLIR, or for another stage."""


class ToolNotFound(ReducerError):
    """A compiler binary could not be located."""

    hint = "install the compiler wheels (`pip install -e .` brings them), or point the stage's variable at the binary"


class UsageError(ReducerError):
    """Options that contradict each other or name unknown things."""


class NotInteresting(ReducerError):
    """The input does not show the failure the reduction was asked to preserve."""


class FlakyFailure(ReducerError):
    """The failure reproduces too rarely to reduce reliably."""


class CommandLineRejected(UsageError):
    """The compiler refused its own command line (an option value it does not take): not a compiler bug."""


class UnknownPass(UsageError):
    """A pass name that is not in the registry."""


class SignatureFileError(InputError):
    """An `--expect` argument that is neither a signature id nor a readable signature file."""


class ClusterError(ReducerError):
    """Ray is missing, the cluster cannot be reached, or a worker cannot run the sweep's tasks as this machine."""
