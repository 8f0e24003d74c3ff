"""reproduce.sh: the bundle's script that needs only the wheel, not reducer.

The script is a template (`templates/reproduce.sh.j2`). Shell has no autoescaping, so the template gets no raw
value: every value is quoted here for where it lands (a word, inside double quotes, a comment), and the template
environment refuses anything that was not.
"""

from __future__ import annotations

import shlex
from functools import cache

import jinja2

from reducer.failure.outcome import Outcome
from reducer.report.facts import ReportFacts
from reducer.repro.suite import dies_of_signal
from reducer.safety.shell import shell_line


class _Shell(str):
    """Text made safe for its place in the script."""


def _word(value: object) -> _Shell:
    return _Shell(shlex.quote(str(value)))


def _in_double_quotes(value: object) -> _Shell:
    """A value inside a double-quoted string: as it is when plain, else the string is closed around its quoting."""
    text = str(value)
    quoted = shlex.quote(text)
    return _Shell(text if quoted == text else f'"{quoted}"')


def _comment(value: object) -> _Shell:
    """A value in a comment line: one line, so nothing after it is a command, and no control byte reaches the
    terminal of whoever reads the script."""
    from reducer.safety.names import terminal_line

    return _Shell(terminal_line(value))


def _only_quoted(value: object) -> object:
    if not isinstance(value, _Shell):
        raise TypeError(f"reproduce.sh template got an unquoted value: {value!r}")
    return value


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reducer.report", "templates"),
        autoescape=False,  # shell, not HTML: the values come quoted (see `_only_quoted`)
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_only_quoted,
    )
    return env.get_template("reproduce.sh.j2")


def reproduce_script(facts: ReportFacts) -> str:
    """A bash script that needs only the wheel (no reducer): exit 0 when the failure reproduces."""
    stage, sig = facts.stage, facts.sig
    outcome = Outcome(sig.outcome)
    timeout_cmd = f"timeout {max(10, int(facts.obs.run.seconds) + 1)} " if outcome is Outcome.TIMEOUT else ""
    # The knobs the bug needs (a heap bug that hides without MALLOC_PERTURB_...): the script sets them too.
    knobs = shell_line([], facts.env.variables())
    argv = [stage.input_name, *stage.args(facts.options)]
    context = {
        "title_comment": _comment(f"{sig.id}: {sig.title}"),
        "title": _word(f"{sig.id}: {sig.title}"),
        "wheel": _word(stage.wheel),
        "wheel_dq": _in_double_quotes(stage.wheel),
        "version": _comment(facts.versions.get(stage.wheel, "unknown")),
        "override": _word(stage.override_env),
        "override_dq": _in_double_quotes(stage.override_env),
        "tool_name": _word(stage.tool),
        "tool_name_dq": _in_double_quotes(stage.tool),
        "package": _word(stage.package),
        "rel": _word(stage.path_in_package),
        "input_name_dq": _in_double_quotes(stage.input_name),
        "knobs": _Shell(knobs + " " if knobs else ""),
        "timeout_cmd": _Shell(timeout_cmd),
        "command": _Shell(shell_line(argv)),
        "must_crash": _Shell("1" if dies_of_signal(sig, facts.obs.run.stderr) else "0"),
        "checks": _Shell("\n".join(f"  {_word(n)}" for n in facts.needles)),
        "pass_note": None,
    }
    if _checks_pass(facts):
        flag = "--mlir-pass-pipeline-crash-reproducer=crash-reproducer.mlir"
        context["pass_note"] = _word(f"Pipeline failed while executing [`{sig.failing_pass}`")
        context["failing_pass_dq"] = _in_double_quotes(sig.failing_pass)
        context["command_crash_reproducer"] = _Shell(shell_line([*argv, flag]))
    return _template().render(context)


def _checks_pass(facts: ReportFacts) -> bool:
    """A crash with no message is told apart by the pass it dies in: MLIR's crash reproducer names it (unless the
    tool prints no "failed while executing" note to check)."""
    sig = facts.sig
    if Outcome(sig.outcome) is not Outcome.SIGNAL or sig.message or not sig.failing_pass:
        return False
    return not facts.stage.pass_from_local_reproducer
