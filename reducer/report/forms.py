"""The trackers' bug-report forms, field by field, as pinned: an issue is written in its form's order.

Both projects send bug reports to gitcode with the same form (`.gitcode/ISSUE_TEMPLATE/bug-report.yml`:
five mandatory fields and one optional); that is the default. triton-ascend's GitHub repository takes issues
with Triton's generic form (`.github/ISSUE_TEMPLATE/bug.yml`: two mandatory fields), `--tracker github`.
AscendNPU-IR's GitHub repository has no form: its issues keep the gitcode form's sections.

A form names its fields by label only (no `id`s), so each field here is its label and the parts of our report
it holds, in the form's order. Re-pin when a form changes: the file and commit each was read at are below.
"""

from __future__ import annotations

from dataclasses import dataclass

# The parts of a compiler-bug report, filled by `compiler_issue`.
CURRENT, ENVIRONMENT, STEPS, EXPECTED, LOG, NOTES = "current", "environment", "steps", "expected", "log", "notes"
PART_TITLES = {
    CURRENT: "Current behaviour",
    ENVIRONMENT: "Environment",
    STEPS: "Steps to reproduce",
    EXPECTED: "Expected behaviour",
    LOG: "Log",
    NOTES: "Notes",
}
TRACKERS = ("gitcode", "github")


@dataclass(frozen=True)
class Field:
    label: str  # the form's label, verbatim: the heading it is pasted under
    required: bool
    parts: tuple[str, ...]  # what of the report it holds, in order


@dataclass(frozen=True)
class Form:
    name: str
    pinned: str  # repository, file and commit the fields were read at
    title_prefix: str
    fields: tuple[Field, ...]

    def labels(self, *, required_only: bool = False) -> list[str]:
        return [f.label for f in self.fields if f.required or not required_only]


# gitcode.com/Ascend/triton-ascend (release/3.2.x at ebf849866d937fba70b0518602abd5d1aef3ee25) and
# gitcode.com/Ascend/AscendNPU-IR (master at 52f96a130b52fa3d10a236aaa2e1f868f1578b88): the same form.
GITCODE_BUG = Form(
    name="Bug-Report|缺陷反馈",
    pinned=".gitcode/ISSUE_TEMPLATE/bug-report.yml (triton-ascend release/3.2.x @ ebf849866d93, "
           "AscendNPU-IR master @ 52f96a130b52)",
    title_prefix="[Bug-Report|缺陷反馈]: ",
    fields=(
        Field("Describe the current behavior / 问题描述 (Mandatory / 必填)", True, (CURRENT,)),
        Field("Environment / 环境信息 (Mandatory / 必填)", True, (ENVIRONMENT,)),
        Field("Steps to reproduce the issue / 重现步骤 (Mandatory / 必填)", True, (STEPS,)),
        Field("Describe the expected behavior / 预期结果 (Mandatory / 必填)", True, (EXPECTED,)),
        Field("Related log / screenshot / 日志 / 截图 (Mandatory / 必填)", True, (LOG,)),
        Field("Special notes for this issue/备注 (Optional / 选填)", False, (NOTES,)),
    ),
)

# github.com/triton-lang/triton-ascend main @ a84b1eb52b6215e2c171632f2df0892f1003cfc8 (the file unchanged since
# cbe4040f10ae, Triton's own form): no title prefix, two mandatory textareas.
GITHUB_TRITON_BUG = Form(
    name="Report a bug",
    pinned=".github/ISSUE_TEMPLATE/bug.yml (triton-lang/triton-ascend main @ a84b1eb52b62)",
    title_prefix="",
    fields=(
        Field("Describe the bug", True, (CURRENT, STEPS, EXPECTED, LOG, NOTES)),
        Field("Environment details", True, (ENVIRONMENT,)),
    ),
)

# github.com/Ascend/AscendNPU-IR master @ 52f96a130b52: no `.github/ISSUE_TEMPLATE`, so a blank issue, with the
# sections of the form its contributing guide points to (gitcode's).
GITHUB_BLANK = Form(
    name="none (a blank issue)",
    pinned="no .github/ISSUE_TEMPLATE (Ascend/AscendNPU-IR master @ 52f96a130b52)",
    title_prefix="",
    fields=GITCODE_BUG.fields,
)


@dataclass(frozen=True)
class Tracker:
    """Where one project's bugs are filed on one site, and with which form."""

    site: str  # "gitcode" or "github"
    url: str  # the page a reporter opens
    form: Form
    note: str = ""  # said in the first lines


_TRACKERS = {
    ("triton-ascend", "gitcode"): Tracker("gitcode", "https://gitcode.com/Ascend/triton-ascend/issues", GITCODE_BUG),
    ("triton-ascend", "github"): Tracker(
        "github", "https://github.com/triton-lang/triton-ascend/issues/new?template=bug.yml", GITHUB_TRITON_BUG,
        "triton-ascend's CONTRIBUTING sends bug reports to gitcode; this is its GitHub repository's form.",
    ),
    ("AscendNPU-IR", "gitcode"): Tracker("gitcode", "https://gitcode.com/Ascend/AscendNPU-IR/issues", GITCODE_BUG),
    ("AscendNPU-IR", "github"): Tracker(
        "github", "https://github.com/Ascend/AscendNPU-IR/issues/new", GITHUB_BLANK,
        "AscendNPU-IR's GitHub repository has no issue form; the sections are the gitcode form's, where its "
        "contributing guide sends bug reports.",
    ),
}


def tracker_for(project: str, site: str) -> Tracker:
    """The tracker of `project` (a stage's `tracker`) on `site`; KeyError for a pair no project has."""
    return _TRACKERS[(project, site)]
