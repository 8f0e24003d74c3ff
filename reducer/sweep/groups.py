"""Failures grouped by signature, and a group's reductions merged into causes (one per distinct repro)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reducer.failure.evidence import common_frames, frames_agree
from reducer.failure.outcome import Outcome
from reducer.failure.signature import Expectation, Signature

# A group's (or a cause's) status in the triage: what its reduction came to.
NEW = "new"
KNOWN = "known"
FIXED = "fixed"
NOT_REDUCED = "not reduced"


@dataclass
class Cause:
    """The kernels of one signature whose reductions ended in one repro (the same op skeleton)."""

    kernels: list[str]
    example: dict[str, Any]  # the input whose reduction shows it
    skeleton: list[str] = field(default_factory=list)
    status: str = NOT_REDUCED
    repro: str | None = None
    reduced: str | None = None
    note: str = ""
    ops: str | None = None
    tests: int | None = None
    seconds: float | None = None
    triggered_by: list[str] = field(default_factory=list)  # the kernel's lines behind the repro (`reduce.sources`)


@dataclass
class Group:
    """All checked files that showed one signature."""

    id: str
    title: str
    outcome: str
    stage: str
    kernels: set[str] = field(default_factory=set)
    files: int = 0
    example: dict[str, Any] | None = None  # the smallest failing input
    status: str = NOT_REDUCED
    repro: str | None = None
    reduced: str | None = None
    note: str = ""
    ops: str | None = None
    tests: int | None = None  # predicate runs the reduction spent
    seconds: float | None = None  # the reduction's wall time
    releases: str = ""  # the version matrix's verdict (sweep --matrix), e.g. "fixed in 1.1.0"
    by_kernel: dict[str, dict[str, Any]] = field(default_factory=dict)  # each kernel's smallest failing input
    causes: list[Cause] = field(default_factory=list)  # after reduction: one per distinct repro
    sig_id: str = ""  # the signature id when `id` is a refined key (`ID.2`); else `id` is it
    signature: Signature | None = None  # a bare crash's: its frames are those every unit of the group shared
    anomaly: str | None = None  # a resource limit the fit search found anomalous: why it is a bug candidate
    triggered_by: list[str] = field(default_factory=list)  # its biggest cause's source lines

    def expectation(self) -> Expectation:
        """This group's bug: a bare crash by its pass and the frames its units shared, else by its id."""
        if self.signature is not None:
            return Expectation.of(self.signature)
        return Expectation(self.sig_id or self.id)

    def representatives(self, limit: int) -> list[dict[str, Any]]:
        """The inputs to reduce: one per kernel, smallest first, at most `limit`."""
        return sorted(self.by_kernel.values(), key=lambda e: (e["bytes"], e["path"]))[: max(1, limit)]


def group_checks(entries: list[dict[str, Any]]) -> list[Group]:
    """One group per signature id; its example is the smallest failing file (and the options it failed with).

    Bare crashes of one id (one pass, one signal) whose frames share nothing are distinct bugs: each set of units
    whose frames overlap is a group of its own, keyed `ID`, `ID.2`... (units that printed no frames join the
    largest). Frames only refine: they never split a group whose units share a frame."""
    failing = [e for e in entries if e.get("failure") and e.get("id") and is_bug(e)]
    keys = _refined_keys(failing)
    groups: dict[str, Group] = {}
    stacks: dict[str, list[tuple[str, ...]]] = {}  # a bare-crash group's units' stacks
    for e in failing:
        key = keys.get(id(e), e["id"])
        if key != e["id"]:
            e["group"] = key  # the unit rows name the group the unit is in
        g = groups.get(key)
        if g is None:
            g = groups[key] = Group(key, e["title"], e["outcome"], e["stage"], sig_id=e["id"])
            if e.get("signature"):
                g.signature = Signature.from_dict(e["signature"])
        if g.signature is not None:
            stacks.setdefault(key, []).append(_stack(e))
        g.anomaly = g.anomaly or e.get("anomaly")
        g.kernels.add(e["kernel"])
        g.files += 1
        example = {"kernel": e["kernel"], "path": e["path"], "bytes": e["bytes"], "options": e.get("options") or {}}
        if g.example is None or (e["bytes"], e["path"]) < (g.example["bytes"], g.example["path"]):
            g.example = example
        own = g.by_kernel.get(e["kernel"])
        if own is None or (e["bytes"], e["path"]) < (own["bytes"], own["path"]):
            g.by_kernel[e["kernel"]] = example
    for key, seen in stacks.items():
        g = groups[key]
        assert g.signature is not None
        g.signature = replace(g.signature, frames=common_frames(seen))
    return sorted(groups.values(), key=lambda g: (-len(g.kernels), g.id))


def is_bug(entry: dict[str, Any]) -> bool:
    """A check entry that is a compiler-bug candidate: any failure but a resource limit, which is one only when the
    fit search found it anomalous (the user's config is not to blame)."""
    return entry.get("outcome") != Outcome.RESOURCE_LIMIT or bool(entry.get("anomaly"))


def _stack(entry: dict[str, Any]) -> tuple[str, ...]:
    return tuple((entry.get("signature") or {}).get("stack") or ())


def _refined_keys(failing: list[dict[str, Any]]) -> dict[int, str]:
    """`id(entry)` -> group key for bare-crash entries whose id is shared by units with disjoint frames.

    Two units are one bug when either's stack agrees with the other's top frames (`frames_agree`: the frames near
    the crash; deeper ones are the pass manager's, common to every crash of the pass)."""
    by_id: dict[str, list[dict[str, Any]]] = {}
    for e in failing:
        if _stack(e):
            by_id.setdefault(e["id"], []).append(e)
    keys: dict[int, str] = {}
    for sig_id, members in by_id.items():
        clusters: list[list[dict[str, Any]]] = []
        for e in sorted(members, key=lambda m: m["path"]):
            touching = [c for c in clusters if any(_linked(e, m) for m in c)]
            apart = [c for c in clusters if all(c is not t for t in touching)]
            clusters = apart + [[e] + [m for c in touching for m in c]]
        if len(clusters) < 2:
            continue
        clusters.sort(key=lambda c: (-len(c), min(m["path"] for m in c)))
        for n, units in enumerate(clusters, 1):
            for e in units:
                keys[id(e)] = sig_id if n == 1 else f"{sig_id}.{n}"
    return keys


def _linked(a: dict[str, Any], b: dict[str, Any]) -> bool:
    top_a, top_b = list(a["signature"].get("frames") or ()), list(b["signature"].get("frames") or ())
    return bool(top_a and top_b) and (frames_agree(top_a, _stack(b)) or frames_agree(top_b, _stack(a)))


def _ops_after(entry: dict[str, Any]) -> int:
    try:
        return int(str(entry.get("ops")).split(" -> ")[-1])
    except ValueError:
        return 1 << 30


def _cause_key(entry: dict[str, Any]) -> str:
    """Reductions that ended in one repro, or in one op skeleton when not saved, are one cause."""
    if entry.get("repro"):
        return "repro:" + str(Path(entry["repro"]).resolve())
    if entry.get("skeleton"):
        return "skeleton:" + ",".join(entry["skeleton"])
    return "alone:" + str(entry.get("example"))


def _cause(group: Group, bucket: list[dict[str, Any]]) -> Cause:
    best = min(bucket, key=lambda e: (e.get("status") != NEW and e.get("status") != KNOWN, _ops_after(e)))
    statuses = {e.get("status", NOT_REDUCED) for e in bucket}
    return Cause(
        sorted({e.get("kernel") or group.example["kernel"] for e in bucket}),
        group.by_kernel.get(best.get("kernel") or "", group.example) or {},
        list(best.get("skeleton") or []),
        NEW if NEW in statuses else KNOWN if KNOWN in statuses else NOT_REDUCED,
        best.get("repro"),
        best.get("reduced"),
        best.get("note", ""),
        best.get("ops"),
        sum(e.get("tests") or 0 for e in bucket) or best.get("tests"),
        round(sum(e.get("seconds") or 0.0 for e in bucket), 2),
        list(best.get("triggered_by") or []),
    )


def apply_reductions(group: Group, entries: list[dict[str, Any]]) -> None:
    """What the group's reductions (now or in the state file) found, as causes; each cause names its kernels.
    The group shows its biggest cause."""
    buckets: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        buckets.setdefault(_cause_key(entry), []).append(entry)
    causes = [_cause(group, bucket) for bucket in buckets.values()]
    # A cause with a repro first: the group shows what it found, not a kernel whose reduction failed.
    causes.sort(key=lambda c: (c.status == NOT_REDUCED, -len(c.kernels), c.example.get("bytes", 0)))
    group.causes = causes
    if not causes:
        return
    first = causes[0]
    group.status, group.repro, group.reduced, group.note = first.status, first.repro, first.reduced, first.note
    group.ops, group.triggered_by = first.ops, first.triggered_by
    group.tests = sum(c.tests or 0 for c in causes)
    group.seconds = sum(c.seconds or 0.0 for c in causes)
    if any(c.status == NEW for c in causes):
        group.status = NEW
    left = sorted(set(group.by_kernel) - {k for c in causes for k in c.kernels})
    if left:
        group.note = " ".join(
            p for p in (group.note, f"not reduced on their own (the per-signature limit): {', '.join(left)}") if p
        )
