#!/usr/bin/env python3
"""Renew the known-issues table (`reducer/report/data/known_issues.json`) where a network is.

Needs a network (never run in tests or CI): no tracker is reachable from the machines reports are written on.

For every entry, the thread's state is read again (GitHub's REST API; a merged pull request says `merged`).
Then each message the table and the shipped repros know is searched for in the trackers (GitHub's issue search
over the projects' repositories); a thread not yet in the table is added as `related`, with
`"unreviewed": true`, for a person to keep (and raise to `duplicate`) or drop. The table's `as_of` becomes
today. Nothing is written with --dry-run; the file is replaced atomically otherwise.

    python scripts/refresh_known_issues.py [--dry-run] [--token-env GITHUB_TOKEN]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "reducer" / "report" / "data" / "known_issues.json"
API = "https://api.github.com"
# Where each stage's bugs are reported on GitHub (and forks whose threads name the same passes).
SEARCHED = {
    "adapter": ("triton-lang/triton-ascend", "flagos-ai/FlagTree"),
    "bishengir": ("triton-lang/triton-ascend", "Ascend/AscendNPU-IR"),
}
PAUSE = 2.5  # GitHub's search API allows 30 requests a minute with a token, 10 without


def _get(url: str, token: str | None) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.github+json",
                                                   "User-Agent": "reducer-known-issues"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (a fixed https host)
        return json.loads(response.read(4_000_000))


def _state(entry: dict, token: str | None) -> str:
    thread = _get(f"{API}/repos/{entry['repo']}/issues/{int(entry['number'])}", token)
    if "pull_request" in thread:
        merged = (thread["pull_request"] or {}).get("merged_at")
        return "merged" if merged else thread["state"]
    return thread["state"]


def _messages(table: dict) -> dict[str, set[str]]:
    """stage -> the message fragments to search for: the table's, and the shipped repros' key messages."""
    found: dict[str, set[str]] = {stage: set() for stage in SEARCHED}
    for entry in table["issues"]:
        for stage in [entry.get("stage")] if entry.get("stage") else list(SEARCHED):
            found.setdefault(stage, set()).update(m[0] for m in entry["messages"] if m and len(m[0]) >= 12)
    sys.path.insert(0, str(ROOT))
    from reducer.repro.suite import all_repros  # a checkout's repros, when run from one

    for repro in all_repros(ROOT / "repros"):
        sig = repro.signature
        words = sig.headline.replace("<N>", " ").replace("<sym>", " ")
        longest = max((p.strip() for p in words.split("'") if len(p.strip()) >= 12), key=len, default="")
        if longest:
            found.setdefault(sig.stage, set()).add(longest[:120])
    return found


def _search(stage: str, fragment: str, token: str | None) -> list[dict]:
    repos = " ".join(f"repo:{r}" for r in SEARCHED.get(stage, ()))
    query = urllib.parse.quote(f'"{fragment}" {repos}')
    time.sleep(PAUSE)
    return _get(f"{API}/search/issues?q={query}&per_page=20", token).get("items", [])


def _new_entry(item: dict, stage: str, fragment: str) -> dict:
    repo = item["repository_url"].split("/repos/", 1)[1]
    return {
        "repo": repo, "number": item["number"], "kind": "pr" if "pull_request" in item else "issue",
        "state": item["state"], "opened": item["created_at"][:10], "title": item["title"][:200],
        "url": item["html_url"], "stage": stage, "pass": None, "outcome": None, "relation": "related",
        "messages": [[fragment]], "unreviewed": True,
    }


def refresh(table: dict, token: str | None) -> tuple[dict, list[str]]:
    said: list[str] = []
    for entry in table["issues"]:
        state = _state(entry, token)
        if state != entry["state"]:
            said.append(f"{entry['repo']}#{entry['number']}: {entry['state']} -> {state}")
            entry["state"] = state
    known = {(e["repo"], int(e["number"])) for e in table["issues"]}
    for stage, fragments in sorted(_messages(table).items()):
        for fragment in sorted(fragments):
            for item in _search(stage, fragment, token):
                entry = _new_entry(item, stage, fragment)
                if (entry["repo"], entry["number"]) not in known:
                    known.add((entry["repo"], entry["number"]))
                    table["issues"].append(entry)
                    said.append(f"new: {entry['repo']}#{entry['number']} ({fragment[:50]}): {entry['title'][:60]}")
    table["as_of"] = date.today().isoformat()
    return table, said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    parser.add_argument("--token-env", default="GITHUB_TOKEN", help="variable holding a GitHub token (optional)")
    args = parser.parse_args()
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    try:
        table, said = refresh(table, os.environ.get(args.token_env) or None)
    except OSError as err:  # no network, a refused request, a rate limit
        print(f"refresh_known_issues: cannot reach GitHub ({err}); the table is unchanged", file=sys.stderr)
        return 1
    for line in said:
        print(line)
    print(f"{len(table['issues'])} entries, as of {table['as_of']}; {len(said)} changes")
    if args.dry_run:
        return 0
    fd, tmp = tempfile.mkstemp(dir=TABLE.parent, prefix=".known_issues.")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(table, out, indent=1, ensure_ascii=False)
        out.write("\n")
    os.replace(tmp, TABLE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
