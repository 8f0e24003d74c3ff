"""Every typed error ends a command with the contract's exit code, and a reducer bug says how to report it."""

from __future__ import annotations

import inspect

import pytest

from reducer import errors
from reducer.cli import exitcodes
from reducer.cli.guard import EXIT_CODES, exit_code, run_guarded

INTENDED = {
    errors.ReducerError: exitcodes.BAD_INPUT,
    errors.InputError: exitcodes.BAD_INPUT,
    errors.ParseError: exitcodes.BAD_INPUT,
    errors.SignatureFileError: exitcodes.BAD_INPUT,
    errors.NotACompilerBug: exitcodes.BAD_INPUT,  # a resource limit given to report or export-test
    errors.NotInteresting: exitcodes.BAD_INPUT,
    errors.FlakyFailure: exitcodes.BAD_INPUT,
    errors.DeadlineReached: exitcodes.BAD_INPUT,
    errors.ReleaseUnavailable: exitcodes.BAD_INPUT,
    errors.ClusterError: exitcodes.BAD_INPUT,
    errors.ProjectSetupFailed: exitcodes.BAD_INPUT,
    errors.ToolNotFound: exitcodes.TOOL_MISSING,
    errors.UsageError: exitcodes.USAGE,
    errors.CommandLineRejected: exitcodes.USAGE,
    errors.UnknownPass: exitcodes.USAGE,
    errors.InternalError: exitcodes.INTERNAL,
    errors.Slipped: exitcodes.INTERNAL,
    errors.PrivateDataLeft: exitcodes.INTERNAL,
}


def test_every_error_class_lives_in_errors_and_has_an_intended_code():
    defined = {cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, errors.ReducerError)}
    assert defined == set(INTENDED), "a new error class needs its exit code decided here and in cli/guard.py"


@pytest.mark.parametrize("cls", list(INTENDED), ids=lambda cls: cls.__name__)
def test_each_error_maps_to_its_code(cls):
    assert exit_code(cls("message")) == INTENDED[cls]


def test_errors_outside_the_library():
    assert exit_code(KeyboardInterrupt()) == exitcodes.INTERRUPTED
    assert exit_code(FileNotFoundError(2, "No such file", "x.mlir")) == exitcodes.BAD_INPUT
    assert exit_code(ValueError("oops")) == exitcodes.INTERNAL  # anything unexpected is our bug
    assert all(code in vars(exitcodes).values() for code in EXIT_CODES.values())


def test_the_old_homes_still_name_the_same_classes():
    from reducer.mlir.module import ParseError
    from reducer.reduce.reduction import DeadlineReached, Slipped
    from reducer.release.releases import ReleaseUnavailable
    from reducer.report.compiler import PrivateDataLeft

    assert (Slipped, DeadlineReached, PrivateDataLeft, ReleaseUnavailable, ParseError) == (
        errors.Slipped, errors.DeadlineReached, errors.PrivateDataLeft, errors.ReleaseUnavailable, errors.ParseError
    )


def _guarded(err: BaseException, capsys) -> tuple[int, str]:
    def fail() -> int:
        raise err

    with pytest.raises(SystemExit) as done:
        run_guarded(fail)
    return done.value.code, capsys.readouterr().err


@pytest.mark.parametrize("err", [
    errors.Slipped("the reduced IR no longer shows signature abc", "kept at out.mlir"),
    errors.PrivateDataLeft("redaction left private data (issue.md: zoe); nothing written"),
    RuntimeError("unexpected"),
], ids=["Slipped", "PrivateDataLeft", "untyped"])
def test_an_internal_error_says_how_to_report_it(err, capsys, monkeypatch):
    monkeypatch.delenv("REDUCER_DEBUG", raising=False)
    code, stderr = _guarded(err, capsys)
    assert code == exitcodes.INTERNAL
    assert stderr.count("\n") == 1 and stderr.startswith("reducer: internal error: ")
    assert str(err) in stderr
    assert "REDUCER_DEBUG=1" in stderr and "report it to reducer's maintainers" in stderr


def test_reducer_debug_shows_an_internal_error_s_traceback(monkeypatch):
    monkeypatch.setenv("REDUCER_DEBUG", "1")
    with pytest.raises(errors.Slipped):
        run_guarded(lambda: (_ for _ in ()).throw(errors.Slipped("slipped")))


def test_a_user_error_is_one_plain_line(capsys, monkeypatch):
    monkeypatch.setenv("REDUCER_DEBUG", "1")  # only reducer bugs show a traceback
    code, stderr = _guarded(errors.NotInteresting("x.mlir: does not fail (passed)", "pass a failing kernel"), capsys)
    assert code == exitcodes.BAD_INPUT
    assert stderr == "reducer: error: x.mlir: does not fail (passed) (pass a failing kernel)\n"
