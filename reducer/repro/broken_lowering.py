"""Is a pass's diagnostic one it means to give, or a lowering that is known to be broken?

Upstream checks a diagnostic a pass means to give with `-verify-diagnostics` (a PASSing negative test), and
marks a broken lowering `XFAIL`. Two kinds of diagnostic are never meant:

- the verifier's, on IR the pass produced: with verification off (`--verify-each=false`) the same pass
  succeeds, so the message is the verifier rejecting the pass's output, not the pass refusing its input;
- the dialect conversion framework's own consistency failures (a materialization left live), which say the
  pass's type converter is incomplete.
"""

from __future__ import annotations

from reducer.failure.signature import Signature
from reducer.stage.run_env import DEFAULT_ENV, RunEnv
from reducer.stage.runner import execute
from reducer.stage.toolchain import Invocation

# Messages of the conversion driver that only an incomplete lowering produces.
_FRAMEWORK = ("unresolved materialization", "failed to materialize conversion", "remained live after conversion")
_VERIFY_OFF = "--verify-each=false"


def broken_lowering(
    tool: str, flags: tuple[str, ...], ir: str, sig: Signature, timeout: float, env: RunEnv = DEFAULT_ENV
) -> str | None:
    """Why the diagnostic of `tool flags` on `ir` is a broken lowering, or None when the pass means it.
    `tool` is the path of the binary to run."""
    message = f"{sig.message} {sig.detail}"
    if any(words in message for words in _FRAMEWORK):
        return "leaves a type conversion it cannot legalize"
    run = execute(Invocation([tool, "input.mlir", *flags, _VERIFY_OFF, "-o", "out.mlir"], "input.mlir", ir),
                  timeout=timeout, env=env)
    if run.returncode == 0 and run.signal is None and not run.timed_out:
        return "produces IR that does not verify (with --verify-each=false the pass succeeds)"
    return None
