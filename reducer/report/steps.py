"""The issue's "Steps to reproduce": blocks a maintainer pastes into a clean shell, in order, and sees the bug.

The first block needs only a venv with the wheels installed: it puts the wheels' own tool folders on PATH
(found with `importlib.util.find_spec`, which imports nothing, so no path of this machine is written down)
and writes the inputs with quoted here-documents (nothing in them is expanded). Every later block is one
command on those files. An input too large for an issue body is the bundle's, named instead.
"""

from __future__ import annotations

import posixpath

from reducer.report.facts import ReportFacts
from reducer.report.issue import ISSUE_LIMIT, details, fence
from reducer.safety.shell import shell_line
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV, RunEnv
from reducer.stage.table import StageSpec

# An input longer than this many lines is folded away (it was probably not reduced).
FOLD_IR_LINES = 200
_FIND_FOLDER = (
    "import importlib.util as u, os, sys; "
    "print(os.path.join(list(u.find_spec(sys.argv[1]).submodule_search_locations)[0], sys.argv[2]))"
)


def command_line(
    stage: StageSpec, options: Options, input_name: str = "repro.mlir", env: RunEnv = DEFAULT_ENV
) -> str:
    """The exact command with a bare tool name, one flag per line (after the knobs the bug needs)."""
    args = [shell_line([a]) for a in stage.args(options)]
    lines = [shell_line([stage.tool, input_name], env.variables())] + args[:-2] + [" ".join(args[-2:])]
    return " \\\n  ".join(lines)


def path_setup(stage: StageSpec) -> str:
    """`export PATH=...` with the folder of the wheel that holds the stage's tools (and its parser)."""
    folder = posixpath.dirname(stage.path_in_package)
    found = shell_line(["python3", "-c", _FIND_FOLDER, stage.package, folder or "."])
    return f'export PATH="$({found})":"$PATH"'


def heredoc(name: str, text: str) -> str:
    """`cat > name <<'END'` ... `END`, with a terminator no line of `text` is (quoted: nothing expands)."""
    lines = set(text.splitlines())
    end, n = "END_OF_INPUT", 1
    while end in lines:
        n += 1
        end = f"END_OF_INPUT_{n}"
    return f"cat > {shell_line([name])} <<'{end}'\n{text.rstrip(chr(10))}\n{end}"


def _fits(text: str) -> bool:
    return len(text) <= ISSUE_LIMIT // 2


def _setup(facts: ReportFacts, files: dict[str, str]) -> list[str]:
    stage = facts.stage
    wheels = " ".join(f"{w}=={v}" for w, v in facts.versions.items())
    pasted = {name: text for name, text in files.items() if _fits(text)}
    block = [path_setup(stage)] + [heredoc(name, text) for name, text in pasted.items()]
    big = [name for name in files if name not in pasted]
    out = [
        "1. In a shell with the wheels installed (`python3 -m venv venv && . venv/bin/activate && "
        f"pip install {wheels}`), put their compilers on `PATH` and write the input"
        + ("s" if len(pasted) > 1 else "") + ":",
        "",
    ]
    if big:
        out += [f"   ({', '.join(f'`{n}`' for n in big)} is too large for an issue body: copy it from the bundle.)", ""]
    text = fence("\n".join(block), "sh")
    if sum(len(t.splitlines()) for t in pasted.values()) > FOLD_IR_LINES:
        text = details(f"the set-up block ({sum(len(t.splitlines()) for t in pasted.values())} lines of input)", text)
    return out + [text, ""]


def steps(facts: ReportFacts) -> list[str]:
    """The numbered steps: set-up, the failing pass alone (when one shows it), the whole stage, reproduce.sh."""
    stage, test = facts.stage, facts.test
    files = {"repro.mlir": facts.ir}
    if test is not None and test.single.ir != facts.ir:
        files["pass-level.mlir"] = test.single.ir
    out = _setup(facts, files)
    step = 2
    if test is not None:
        same = test.single.ir == facts.ir
        kind = "PASSes while the diagnostic is emitted" if test.style == "verify-diagnostics" else "XFAIL until fixed"
        out += [
            f"{step}. The failing pass alone"
            + ("" if same else f", on {test.single.how} (`pass-level.mlir`)")
            + f", as a test for the suite: `upstream/{test.relative}` in the bundle ({kind}):",
            "",
            fence(f"{test.command} {'repro.mlir' if same else 'pass-level.mlir'}", "sh"),
            "",
        ]
        step += 1
    out += [
        f"{step}. The whole stage, exactly as the Triton backend runs it, on `repro.mlir`:",
        "",
        fence(command_line(stage, facts.options, env=facts.env), "sh"),
        "",
    ]
    return out + [
        f"{step + 1}. Or run the bundle's `reproduce.sh`: it finds `{stage.tool}` in the installed `{stage.wheel}` "
        "wheel (or on `PATH`), runs step "
        f"{step}, exits 0 when the failure reproduces and keeps its full stderr in `reproduce-run/`.",
    ]
