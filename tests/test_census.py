"""`reducer census`: the corpus read and checked, runs keyed and reused, findings merged across projects into one
entry per bug with units counted by class; end to end over the shipped example corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from reducer.census.corpus import Project, read_corpus
from reducer.census.model import collect, resource_id
from reducer.census.runs import KEY_FILE, Run, Settings, run_folder, run_key, run_one
from reducer.errors import InputError

from conftest import ROOT, run_cli

CORPUS = ROOT / "examples" / "census" / "corpus.toml"


def _corpus(tmp_path: Path, text: str) -> Path:
    (tmp_path / "proj").mkdir(exist_ok=True)
    path = tmp_path / "corpus.toml"
    path.write_text(text)
    return path


def test_the_shipped_corpus_reads() -> None:
    projects = read_corpus(CORPUS)
    assert [p.name for p in projects] == ["servingops", "example-kernels", "npu-tests"]
    assert projects[0].targets == ("Ascend910B3", "Ascend950PR_9579") and projects[1].targets == ("Ascend910B3",)
    assert projects[0].workdir == (ROOT / "examples" / "project").resolve()
    assert projects[2].argv[:3] == ["python", "-m", "pytest"]


@pytest.mark.parametrize(("text", "says"), [
    ("", "no [[project]] entries"),
    ("[[project]\nname=", "not a TOML corpus"),
    ('[[project]]\nname = "a"\nworkdir = "proj"\n', "`command` must be a non-empty string"),
    ('[[project]]\nname = "a"\ncommand = "python x.py"\n', "neither `workdir` nor `requirement`"),
    ('[[project]]\nname = "a"\nworkdir = "nowhere"\ncommand = "x"\n', "is not a folder"),
    ('[[project]]\nname = "a"\nworkdir = "proj"\ncommand = "x"\nbranch = "main"\n', "unknown key(s) branch"),
    ('[[project]]\nname = "a"\nworkdir = "proj"\ncommand = "x \'unclosed"\n', "cannot be split into words"),
    ('[[project]]\nname = "a"\nworkdir = "proj"\ncommand = "x"\ntargets = ["A; rm -rf /"]\n', "list of target"),
    ('[[project]]\nname = "a"\nworkdir = "proj"\ncommand = "x"\nenv = { A = 1 }\n', "`env` must map"),
    ('[[project]]\nname = "a"\nworkdir = "proj"\ncommand = "x"\ninstall = "six"\n', "`install` must be a list"),
    ('[[project]]\nname = "a"\nrequirement = "--pre"\ncommand = "x"\n', "looks like a pip option"),
    ('[[project]]\nname = "a"\nworkdir = "proj"\ncommand = "x"\ninstall = ["--index-url=http://evil"]\n',
     "`install` must be a list of requirements"),
    ('[[project]]\nname = "a"\nworkdir = "proj"\ncommand = "x"\n[[project]]\nname = "a"\nworkdir = "proj"\n'
     'command = "y"\n', "given twice: a"),
])
def test_a_bad_corpus_is_refused_naming_the_entry_and_key(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(InputError) as err:
        read_corpus(_corpus(tmp_path, text))
    assert says in str(err.value)


def test_a_bad_corpus_is_one_line_and_exit_3(tmp_path: Path) -> None:
    path = _corpus(tmp_path, '[[project]]\nname = "a"\ncommand = "x"\n')
    proc = run_cli("census", str(path), "-o", str(tmp_path / "site"), cwd=tmp_path)
    assert proc.returncode == 3 and proc.stderr.count("\n") == 1 and "neither `workdir`" in proc.stderr
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\x00\xff" * 100)
    proc = run_cli("census", str(binary), cwd=tmp_path)
    assert proc.returncode == 3 and "not a TOML corpus" in proc.stderr


def test_the_run_key_follows_what_the_outcome_depends_on() -> None:
    p = Project("a", "python x.py", "1.0", Path("/w"))
    tools = {"adapter": "LLVM 20 build1"}
    key = run_key(p, "Ascend910B3", Settings(), tools)
    assert key == run_key(p, "Ascend910B3", Settings(jobs=8, ray="auto"), tools)  # speed, not findings
    assert key != run_key(p, "Ascend950PR_9579", Settings(), tools)
    assert key != run_key(Project("a", "python x.py", "1.1", Path("/w")), "Ascend910B3", Settings(), tools)
    assert key != run_key(Project("a", "python y.py", "1.0", Path("/w")), "Ascend910B3", Settings(), tools)
    assert key != run_key(p, "Ascend910B3", Settings(), {"adapter": "LLVM 20 build2"})
    assert key != run_key(p, "Ascend910B3", Settings(fit=False), tools)


def test_a_run_whose_key_is_on_disk_is_reused_without_running(tmp_path: Path) -> None:
    p = Project("a", "false-command-that-does-not-exist", "1.0", tmp_path)
    folder = run_folder(tmp_path / "site", p, "Ascend910B3")
    (folder / "sweep").mkdir(parents=True)
    (folder / "sweep" / "triage.json").write_text("{}")
    key = run_key(p, "Ascend910B3", Settings(), {"t": "1"})
    (folder / KEY_FILE).write_text(json.dumps({"key": key}))
    run = run_one(tmp_path / "site", p, "Ascend910B3", Settings(), {"t": "1"})
    assert run.reused and run.returncode is None


def _triage(units, signatures=(), limits=(), frontend=()) -> dict:
    return {"units": list(units), "signatures": list(signatures), "resource_limits": list(limits),
            "frontend": list(frontend)}


def _run(site: Path, name: str, target: str, triage: dict) -> Run:
    p = Project(name, "python x.py", "1", site)
    folder = run_folder(site, p, target)
    (folder / "sweep").mkdir(parents=True)
    (folder / "sweep" / "triage.json").write_text(json.dumps(triage))
    return Run(p, target, folder, "k", False, 1.0, 0)


def test_findings_merge_into_one_entry_per_bug_across_projects(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "repros" / "adapter").mkdir(parents=True)
    repro = site / "repros" / "adapter" / "0001-x.mlir"
    repro.write_text("// repro\n")
    sig = {"id": "aaaaaaaaaaaa", "title": "t", "stage": "adapter", "repro": str(repro),
           "causes": [{"kernels": ["k1"], "triggered_by": [f"{site}/k.py:3 (1 op: tt.load)  x = tl.load(p)"]},
                      {"kernels": ["k2"], "triggered_by": []}]}
    front = {"id": "ffffffffffff", "title": "frontend", "incompatibility": "drop-maxnreg", "units": 1}
    limit = {"kind": "ub", "kernel": "big", "ratio": 4.0, "config": "B=4096", "suggestion": "B=1024",
             "folder": "units/big-2"}
    first = _run(site, "p1", "Ascend910B3", _triage(
        [{"kernel": "k1", "outcome": "failed", "ids": ["aaaaaaaaaaaa"], "source": f"{site}/k.py:1"},
         {"kernel": "k2", "outcome": "failed", "ids": ["aaaaaaaaaaaa"], "source": "k.py:9"},
         {"kernel": "ok", "outcome": "passed", "ids": []},
         {"kernel": "big", "outcome": "passed", "ids": [], "folder": "units/big-1", "source": "k.py:20"},
         {"kernel": "big", "outcome": "resource-limit", "ids": [], "folder": "units/big-2", "source": "k.py:40"},
         {"kernel": "v", "outcome": "frontend-error", "ids": ["ffffffffffff"]},
         {"kernel": "z", "outcome": "incomplete", "ids": []}], [sig], [limit], [front]))
    second = _run(site, "p2", "Ascend910B3", _triage(
        [{"kernel": "k9", "outcome": "failed", "ids": ["aaaaaaaaaaaa"]}], [sig]))
    rows, bugs = collect([first, second], site)
    t = rows[0]["targets"]["Ascend910B3"]
    assert (t["units"], t["passed"], t["failed"], t["resource"], t["incompatible"], t["frontend"], t["other"]) == \
        (7, 2, 2, 1, 1, 0, 1)
    assert sorted(bugs) == sorted(["aaaaaaaaaaaa", "ffffffffffff", resource_id("ub", "big")])
    bug = bugs["aaaaaaaaaaaa"]
    assert bug.projects == ["p1", "p2"] and bug.units == 3 and bug.repro == "repros/adapter/0001-x.mlir"
    # each cause's lines on its own kernel, named as the project names them (relative to its folder)
    assert bug.kernels[0]["triggered_by"] == ["k.py:3 (1 op: tt.load)  x = tl.load(p)"]
    assert bug.kernels[1]["triggered_by"] == [] and bug.kernels[0]["source"] == "k.py:1"
    assert bugs["ffffffffffff"].cls == "incompatibility"
    # the limit's own unit (its config overflows), not the kernel's first (which fits)
    assert [k["source"] for k in bugs[resource_id("ub", "big")].kernels] == ["k.py:40"]
    assert bugs[resource_id("ub", "big")].fit == [{"project": "p1", "target": "Ascend910B3", "kernel": "big",
                                                  "config": "B=4096", "suggestion": "B=1024"}]


def test_a_repro_outside_the_site_is_not_linked(tmp_path: Path) -> None:
    site = tmp_path / "site"
    outside = tmp_path / "elsewhere.mlir"
    outside.write_text("x")
    run = _run(site, "p", "Ascend910B3", _triage([], [{"id": "b" * 12, "repro": str(outside)}]))
    _rows, bugs = collect([run], site)
    assert bugs["b" * 12].repro is None


@pytest.mark.slow
def test_the_example_corpus_end_to_end(tmp_path: Path) -> None:
    """The shipped corpus (three of our example projects, one on two targets): every run swept, every compiler
    bug once with a repro that lit passes, a releases verdict, an upstream test and an issue; a second run
    reuses every run and compiles nothing; a new target runs only that."""
    site = tmp_path / "site"
    proc = run_cli("census", str(CORPUS), "-o", str(site), "-q", "-j", "2", cwd=tmp_path, timeout=3000)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    census = json.loads((site / "census.json").read_text())
    projects = {p["name"]: p for p in census["projects"]}
    assert set(projects) == {"servingops", "example-kernels", "npu-tests"}
    assert set(projects["servingops"]["targets"]) == {"Ascend910B3", "Ascend950PR_9579"}
    kernels = projects["example-kernels"]["targets"]["Ascend910B3"]
    assert kernels["units"] >= 6 and kernels["failed"] >= 4 and kernels["passed"] >= 2
    compiler = [b for b in census["bugs"] if b["class"] == "compiler-bug"]
    assert len({b["id"] for b in compiler}) == len(compiler) >= 3
    for bug in compiler:
        assert bug["repro"] and (site / bug["repro"]).is_file(), bug
        assert bug["verdict"] and bug["releases"], bug
        assert bug["upstream_test"] and (site / bug["upstream_test"]).is_file(), bug
        assert bug["issue"] and (site / bug["issue"]).is_file(), bug
        assert (site / bug["page"]).is_file()
    assert all(any(c["repro"] for c in bug["causes"]) for bug in compiler)
    _browse(site, census)
    # strides-must-not-be-zero: two kernels of example-kernels and one of servingops
    assert any(len(b["projects"]) >= 2 for b in compiler)
    lit = shutil.which("lit") or str(Path(__import__("sys").executable).with_name("lit"))
    done = __import__("subprocess").run([lit, "-q", str(site / "repros")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (site / "index.html").is_file() and json.loads((site / "history.json").read_text())[-1]["bugs"] == \
        len(compiler)
    again = run_cli("census", str(CORPUS), "-o", str(site), "-q", cwd=tmp_path, timeout=600)
    assert again.returncode == 0 and "0 swept, 4 reused (no compile)" in again.stdout, again.stdout
    assert f"0 bugs exported and written up, {len(compiler)} reused" in again.stdout
    # One more target for one project: only that run is swept (the same corpus, its folders made absolute).
    examples = CORPUS.parent.parent
    wider = tmp_path / "wider.toml"
    wider.write_text(CORPUS.read_text()
                     .replace('workdir = "../project"', f'workdir = "{examples / "project"}"')
                     .replace('workdir = ".."', f'workdir = "{examples}"')
                     .replace('command = "python launch_all.py"',
                              'command = "python launch_all.py"\ntargets = ["Ascend910B3", "Ascend910B4"]'))
    more = run_cli("census", str(wider), "-o", str(site), "-q", "-j", "2", cwd=tmp_path, timeout=1200)
    assert more.returncode == 0 and "1 swept, 4 reused (no compile)" in more.stdout, more.stdout
    assert "example-kernels on Ascend910B4" in more.stdout
    history = json.loads((site / "history.json").read_text())
    assert len(history) == 3 and history[-1]["units"] > history[-2]["units"]


def _browse(site: Path, census: dict) -> None:
    """The census's own site in headless Chromium: its header, bugs and bars are census.json's, every page opens
    without a console error and every link on it resolves."""
    from test_census_site import check_chart, check_header_and_bugs, chromium, open_page, unresolved

    with chromium() as driver:
        links, severe = open_page(driver, site / "index.html")
        assert not severe and not unresolved(links, site), (severe, unresolved(links, site))
        check_header_and_bugs(driver, census)
        check_chart(driver, census)
        for bug in census["bugs"]:
            links, severe = open_page(driver, site / bug["page"])
            assert not severe and not unresolved(links, site), (bug["page"], severe, unresolved(links, site))


@pytest.mark.slow
def test_a_requirement_is_installed_into_its_own_environment_and_run(tmp_path: Path) -> None:
    """A project given as a requirement (here a local package of ours): installed into a venv that still sees the
    compilers, its command run there; its kernels named from the package on; the second run installs nothing."""
    corpus = tmp_path / "corpus.toml"
    corpus.write_text('[[project]]\nname = "census-pkg"\nversion = "0.2.0"\n'
                      f'requirement = "{ROOT / "tests" / "data" / "census_pkg"}"\ncommand = "python -m census_pkg"\n'
                      'install = ["six==1.16.0"]\n')
    site = tmp_path / "site"
    proc = run_cli("census", str(corpus), "-o", str(site), "-q", "--no-matrix", cwd=tmp_path, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    census = json.loads((site / "census.json").read_text())
    target = census["projects"][0]["targets"]["Ascend910B3"]
    assert (target["units"], target["passed"], target["failed"]) == (2, 1, 1)
    (bug,) = [b for b in census["bugs"] if b["class"] == "compiler-bug"]
    assert bug["kernels"][0]["source"].startswith("census_pkg/__main__.py:"), bug["kernels"]
    installed = json.loads((site / "envs" / "census-pkg" / "installed.json").read_text())
    assert installed["install"] == ["six==1.16.0"]
    seen = subprocess.run([str(site / "envs" / "census-pkg" / "bin" / "python"), "-c", "import six, census_pkg"])
    assert seen.returncode == 0
    assert census["projects"][0]["setup"] == {"source": "a copy of the local folder census_pkg", "removed": []}
    # pip built in the copy: the package's own folder is as it was
    package = ROOT / "tests" / "data" / "census_pkg"
    assert not (package / "build").exists() and not list(package.glob("*.egg-info"))
    again = run_cli("census", str(corpus), "-o", str(site), "-q", "--no-matrix", cwd=tmp_path, timeout=600)
    assert again.returncode == 0 and "0 swept, 1 reused" in again.stdout


@pytest.mark.slow
def test_a_requirement_that_does_not_install_is_one_line(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.toml"
    corpus.write_text('[[project]]\nname = "nope"\nrequirement = "/nonexistent/package/dir"\ncommand = "python -V"\n')
    proc = run_cli("census", str(corpus), "-o", str(tmp_path / "site"), "-q", "--no-matrix", cwd=tmp_path,
                   timeout=600)
    assert proc.returncode == 3 and proc.stderr.count("\n") == 1, proc.stderr
    assert "pip could not install /nonexistent/package/dir" in proc.stderr


def test_a_run_without_a_triage_says_why_in_the_sweeps_own_words(tmp_path: Path) -> None:
    site = tmp_path / "site"
    p = Project("p", "python -m pytest test", "1", tmp_path / "checkout")
    folder = run_folder(site, p, "Ascend910B3")
    folder.mkdir(parents=True)
    (folder / "sweep.log").write_text(
        "ImportError while loading conftest\n"
        f"reducer: error: the command exited 4 before its first kernel launch: ImportError while loading conftest "
        f"'{tmp_path}/checkout/test/conftest.py'. (nothing was captured)\n")
    rows, bugs = collect([Run(p, "Ascend910B3", folder, "k", False, 1.0, 4)], site)
    assert not bugs
    assert rows[0]["targets"]["Ascend910B3"]["error"] == (
        "the command exited 4 before its first kernel launch: ImportError while loading conftest "
        "'test/conftest.py'. (nothing was captured) (see p-Ascend910B3/sweep.log)")


def test_a_bug_with_no_lit_repro_keeps_its_reduced_input_for_the_issue(tmp_path: Path) -> None:
    """A hang has no lit repro (no RUN line pins one): its reduced input stands in for the issue and the releases."""
    site = tmp_path / "site"
    p = Project("p", "python x.py", "1", tmp_path)
    folder = run_folder(site, p, "Ascend910B3")
    (folder / "sweep" / "reduced").mkdir(parents=True)
    reduced = folder / "sweep" / "reduced" / "dc24de37d0ea-k.mlir"
    reduced.write_text("module {}\n")
    group = {"id": "dc24de37d0ea", "title": "bishengir-compile: timeout", "stage": "bishengir", "repro": None,
             "reduced": "reduced/dc24de37d0ea-k.mlir", "note": f"{reduced}: a hang cannot be pinned by a lit RUN line"}
    (folder / "sweep" / "triage.json").write_text(json.dumps(_triage(
        [{"kernel": "k", "outcome": "failed", "ids": ["dc24de37d0ea"]}], [group])))
    _rows, bugs = collect([Run(p, "Ascend910B3", folder, "k", False, 1.0, 1, tmp_path)], site)
    bug = bugs["dc24de37d0ea"]
    assert bug.repro is None and bug.unpinned == reduced
    assert bug.reduced == "runs/p-Ascend910B3/sweep/reduced/dc24de37d0ea-k.mlir"
    assert bug.unpinned_why == f"{bug.reduced}: a hang cannot be pinned by a lit RUN line"  # no machine path


def test_an_unpinned_bug_gets_releases_and_an_issue_but_no_upstream_test(tmp_path: Path, monkeypatch) -> None:
    from reducer.census import upstream

    calls = []

    def fake(args, cwd, timeout):
        calls.append(args[0])
        if args[0] == "report":
            Path(args[args.index("-o") + 1]).mkdir(parents=True)
            (Path(args[args.index("-o") + 1]) / "issue.md").write_text("# hang\n")
        rows = [{"package": "ascendnpu-ir", "version": "1.0", "outcome": "same-bug", "id": "x", "same_bug": True}]
        return subprocess.CompletedProcess(args, 0, json.dumps(rows) if args[0] == "matrix" else "", "")

    monkeypatch.setattr(upstream, "_reducer", fake)
    site = tmp_path / "site"
    site.mkdir()
    reduced = site / "x.mlir"
    reduced.write_text("module {}\n")
    up = upstream.upstream_for("dc24de37d0ea", reduced, site, {"t": "1"}, stage_timeout=60,
                               unpinned="a hang cannot be pinned by a lit RUN line")
    assert calls == ["matrix", "report"]
    assert up.issue == "issues/dc24de37d0ea/issue.md" and up.upstream_test is None
    assert up.releases == {"1.0": "same-bug"}
    assert up.problems == ("export-test: not made: a hang cannot be pinned by a lit RUN line",)
