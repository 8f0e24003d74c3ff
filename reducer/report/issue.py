"""issue.md for either kind of finding (a compiler bug, a launch the frontend rejected), and the one leak gate.

Each kind says what goes into its sections (`compiler_issue`, `frontend`); the writing, the size limit and
the refusal to write anything private are here, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reducer.errors import PrivateDataLeft
from reducer.report.forms import GITCODE_BUG
from reducer.safety.leaks import Leak
from reducer.safety.names import code_block, markdown_verbatim
from reducer.safety.redact import Redactor

# GitHub refuses issue bodies over 65,536 characters; the full log always stays in the bundle.
ISSUE_LIMIT = 60_000
# The default form's (gitcode's) title prefix and field labels, in its order (`forms`).
FORM_TITLE = GITCODE_BUG.title_prefix
FORM_FIELDS = tuple(GITCODE_BUG.labels())
CURRENT, ENVIRONMENT, STEPS, EXPECTED, LOG, NOTES = FORM_FIELDS
# Where the full log goes in a section's lines: it is cut to what room the rest of the issue leaves.
FULL_LOG = "{FULL_LOG}"


# Text outside code (`md_escape`) and fenced blocks (`fence`): the one markdown policy, in `safety/names`.
md_escape = markdown_verbatim
fence = code_block


def details(summary: str, body: str) -> str:
    # The blank lines let GitHub render the markdown inside the HTML block.
    return f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"


@dataclass(frozen=True)
class Issue:
    """An issue's content: a title, the lines before the first section, and the sections (heading, lines)."""

    title: str  # markdown, escaped by whoever built it
    intro: list[str]
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # ("### Heading", lines)
    log: str | None = None  # the full stderr, folded where a section holds FULL_LOG


def render_issue(issue: Issue) -> str:
    out = [f"# {issue.title}", "", *issue.intro, ""]
    for heading, lines in issue.sections:
        out += [heading, "", *lines, ""]
    text = "\n".join(out)
    if issue.log is None:
        return text
    room = ISSUE_LIMIT - len(text)
    log = issue.log
    if len(log) > room - 200:
        cut = max(0, room - 400)
        log = log[:cut] + f"\n... ({len(issue.log) - cut} more characters in stderr.txt)"
    return text.replace(FULL_LOG, details("Full stderr", fence(log, "text")))


def redacted(redactor: Redactor, texts: dict[str, str]) -> dict[str, str]:
    """`texts` (name -> text) redacted; PrivateDataLeft when anything private is still in one of them."""
    clean = {name: redactor.text(text) for name, text in texts.items()}
    leaks = [Leak(name, w) for name, text in clean.items() for w in redactor.leaks(text)]
    if leaks:
        listed = ", ".join(f"{lk.where}: {lk.text}" for lk in leaks[:5])
        raise PrivateDataLeft(
            f"redaction left private data ({listed}); nothing written",
            "report this reducer bug; pass the word with --secret meanwhile",
        )
    return clean
