"""reproduce.sh: the bundle's script that needs only the wheel, not reducer."""

from __future__ import annotations

import shlex

from reducer.failure.outcome import Outcome
from reducer.report.facts import ReportFacts
from reducer.repro.suite import dies_of_signal


def reproduce_script(facts: ReportFacts) -> str:
    """A bash script that needs only the wheel (no reducer): exit 0 when the failure reproduces."""
    stage, sig = facts.stage, facts.sig
    package, rel, override = stage.package, stage.path_in_package, stage.override_env
    wheel = stage.wheel
    tool_name = stage.tool
    args = " ".join(shlex.quote(a) for a in stage.args(facts.options))
    outcome = Outcome(sig.outcome)
    must_crash = "1" if dies_of_signal(sig, facts.obs.run.stderr) else "0"
    checks = "\n".join(f"  {shlex.quote(n)}" for n in facts.needles)
    title = shlex.quote(f"{sig.id}: {sig.title}")
    timeout_cmd = ""
    if outcome is Outcome.TIMEOUT:
        timeout_cmd = f"timeout {max(10, int(facts.obs.run.seconds) + 1)} "
    pass_check = _pass_check(facts, timeout_cmd, args)
    # The knobs the bug needs (a heap bug that hides without MALLOC_PERTURB_...): the script sets them too.
    knobs = "".join(f"{shlex.quote(f'{k}={v}')} " for k, v in facts.env.variables().items())
    return f"""#!/usr/bin/env bash
# Reproduces {sig.id}: {sig.title}
# Needs the {wheel} wheel ({facts.versions.get(wheel, 'unknown')} was used), or {override}=<binary>.
# Exit 0: reproduced; 1: did not; 2: {tool_name} not found.
set -u
here=$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)
python=${{PYTHON:-$(command -v python3 || command -v python || true)}}

tool=${{{override}:-}}
if [ -z "$tool" ] && [ -n "$python" ]; then
  # find_spec locates the package without importing it (importing triton is slow and needs pybind11).
  tool=$("$python" -c '
import importlib.util, os, sys
spec = importlib.util.find_spec(sys.argv[1])
if spec and spec.submodule_search_locations:
    print(os.path.join(list(spec.submodule_search_locations)[0], sys.argv[2]))
' {package} {rel} 2>/dev/null || true)
fi
if [ -z "$tool" ] || [ ! -x "$tool" ]; then
  tool=$(command -v {tool_name} || true)
fi
if [ -z "$tool" ]; then
  echo "reproduce.sh: {tool_name} not found (pip install {wheel}, or set {override})" >&2
  exit 2
fi

# Kept after the run, so the whole stderr can be read: reproduce-run/stderr.txt.
work=${{REPRODUCE_RUN:-$here/reproduce-run}}
rm -rf "$work" && mkdir -p "$work"
cp "$here/repro.mlir" "$work/{stage.input_name}"
cd "$work"
# A clean environment, like the backend's subprocess; no in-process symbolization (crashes stay fast).
env -i PATH="$PATH" LANG=C LC_ALL=C LLVM_DISABLE_SYMBOLIZATION=1 {knobs}\\
  {timeout_cmd}"$tool" {stage.input_name} {args} >stdout.txt 2>stderr.txt
status=$?
# The key message is whitespace-normalized: compare against a squeezed copy of stderr.
tr -s '[:space:]' ' ' <stderr.txt >flat.txt

must_crash={must_crash}
needles=(
{checks}
)
ok=1
if [ "$status" -eq 0 ]; then
  echo "{tool_name} exited 0: the failure did not happen"
  ok=0
elif [ "$must_crash" = 1 ] && [ "$status" -lt 128 ]; then
  echo "{tool_name} exited $status, but this bug is a crash (death by a signal)"
  ok=0
fi
for needle in ${{needles[@]+"${{needles[@]}}"}}; do
  if ! grep -qF -- "$needle" flat.txt; then
    echo "key message missing from stderr: $needle"
    ok=0
  fi
done
{pass_check}
echo "--- first lines of stderr (status $status; all of it: $work/stderr.txt) ---"
head -n 8 stderr.txt
if [ "$ok" = 1 ]; then
  echo "REPRODUCED "{title}
  exit 0
fi
echo "NOT REPRODUCED "{title}
exit 1
"""


def _pass_check(facts: ReportFacts, timeout_cmd: str, args: str) -> str:
    """A crash with no message is told apart by the pass it dies in: MLIR's crash reproducer names it."""
    stage, sig = facts.stage, facts.sig
    if Outcome(sig.outcome) is not Outcome.SIGNAL or sig.message or not sig.failing_pass:
        return ""
    if stage.pass_from_local_reproducer:
        return ""  # the tool prints no "failed while executing" note to check
    flag = "--mlir-pass-pipeline-crash-reproducer=crash-reproducer.mlir"
    note = shlex.quote(f"Pipeline failed while executing [`{sig.failing_pass}`")
    return f"""# A crash with no message: it must be this pass that crashes (the crash reproducer names it).
env -i PATH="$PATH" LANG=C LC_ALL=C LLVM_DISABLE_SYMBOLIZATION=1 \\
  {timeout_cmd}"$tool" {stage.input_name} {args} {flag} >/dev/null 2>pass.txt
if ! grep -qF -- {note} pass.txt; then
  echo "the crash is not in {sig.failing_pass}: see pass.txt"
  ok=0
fi
"""
