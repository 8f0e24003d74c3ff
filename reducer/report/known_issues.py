"""Known upstream issues, by message: a report says "possibly a duplicate of ..." when it can know.

No tracker is reachable from where reports are written, so the table is a dated file shipped with the
package (`data/known_issues.json`), seeded by hand from offline copies of the public trackers and renewed by
`scripts/refresh_known_issues.py` where a network is. A report always says how old the table is.

An entry matches a signature when its stage, pass and outcome agree (each only when the entry names one) and
all the fragments of one of its messages occur in the signature's key message or detail. The relation is the
entry's: "duplicate" (the same failure) or "related" (same words elsewhere, a fork's copy, a fix nearby).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from reducer.failure.signature import Signature


@dataclass(frozen=True)
class KnownIssue:
    repo: str
    number: int
    kind: str  # "issue" or "pr"
    state: str  # "open", "closed", "merged"
    opened: str
    title: str
    url: str
    relation: str  # "duplicate" or "related"
    stage: str | None
    pass_name: str | None
    outcome: str | None
    messages: tuple[tuple[str, ...], ...]
    note: str = ""
    unreviewed: bool = False  # added by the refresh script, not yet read by a person

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"

    def matches(self, sig: Signature) -> bool:
        if self.stage and self.stage != sig.stage or self.outcome and self.outcome != sig.outcome:
            return False
        if self.pass_name and _pass_key(self.pass_name) != _pass_key(sig.failing_pass or ""):
            return False
        said = _squeeze(f"{sig.message} {sig.detail}")
        return any(all(_squeeze(piece) in said for piece in message) for message in self.messages)


@dataclass(frozen=True)
class KnownIssues:
    as_of: str  # ISO date of the newest thread the table was built from
    issues: tuple[KnownIssue, ...]

    def age_days(self, today: date | None = None) -> int:
        return ((today or date.today()) - date.fromisoformat(self.as_of)).days

    def matching(self, sig: Signature) -> list[KnownIssue]:
        """The entries that match `sig`, duplicates first."""
        found = [k for k in self.issues if k.matches(sig)]
        return sorted(found, key=lambda k: (k.relation != "duplicate", k.kind != "issue", k.repo, k.number))


_URL = re.compile(r"https://[A-Za-z0-9./_#?=&%-]+")


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _pass_key(name: str) -> str:
    """`TritonToLinalg`, `triton-to-linalg` and `triton_to_linalg` are one pass."""
    return re.sub(r"[-_\s]", "", name).lower()


def parse(doc: dict) -> KnownIssues:
    """The table from its JSON document; ValueError (KeyError, TypeError) on a malformed one."""
    issues = tuple(
        KnownIssue(
            repo=str(e["repo"]), number=int(e["number"]), kind=str(e["kind"]), state=str(e["state"]),
            opened=str(e["opened"]), title=str(e["title"]), url=str(e["url"]), relation=str(e["relation"]),
            stage=e.get("stage"), pass_name=e.get("pass"), outcome=e.get("outcome"),
            messages=tuple(tuple(str(p) for p in m) for m in e["messages"]), note=str(e.get("note", "")),
            unreviewed=bool(e.get("unreviewed", False)),
        )
        for e in doc["issues"]
    )
    date.fromisoformat(doc["as_of"])
    bad = [k.url for k in issues if not _URL.fullmatch(k.url)]
    if bad:  # a URL goes into issue.md as it is: nothing that could end it or start markup
        raise ValueError(f"not a plain https URL: {bad[0]!r}")
    return KnownIssues(str(doc["as_of"]), issues)


@cache
def shipped() -> KnownIssues:
    """The table this package ships."""
    text = resources.files("reducer.report").joinpath("data/known_issues.json").read_text(encoding="utf-8")
    return parse(json.loads(text))


def describe(found: KnownIssue, escape: Callable[[str], str] = str) -> str:
    """One line for a report: what it is, its state and date, its URL (`escape` for the table's words, a
    refreshed table's titles being the trackers' text)."""
    what = "pull request" if found.kind == "pr" else "issue"
    lead = "Possibly a duplicate of" if found.relation == "duplicate" else "Possibly related:"
    if found.kind == "pr" and found.state == "merged":
        lead = "Possibly fixed by" if found.relation == "duplicate" else "Possibly related fix:"
    note = f"; {escape(found.note)}" if found.note else ""
    if found.unreviewed:
        note += "; found by the table's refresh, not yet reviewed"
    return (f"{lead} {escape(found.ref)} ({what}, {escape(found.state)}, opened {escape(found.opened)}): "
            f"\"{escape(found.title)}\" {found.url}{note}")
