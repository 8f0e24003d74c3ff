"""One candidate's stage input, run through the stage that hit the limit: it fits, it overflows (by how much), or
it fails some other way. Verdicts are cached by the input's text, the stage, its options and the binaries."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from reducer.errors import ToolNotFound
from reducer.failure.outcome import Outcome
from reducer.failure.replay import Replay
from reducer.failure.resource import resource_limit
from reducer.fit.terms import FAILS, FITS, OVERFLOWS
from reducer.proc import atomic
from reducer.stage.options import Options
from reducer.stage.table import StageSpec, optional_flags


@dataclass(frozen=True)
class Verdict:
    status: str  # FITS, OVERFLOWS or FAILS
    outcome: str
    requires_bits: int | None = None
    available_bits: int | None = None
    kind: str | None = None
    title: str = ""
    seconds: float = 0.0
    # A capacity diagnostic printed by an attempt before the one that fitted (the tool retries other settings).
    overflowed_first: bool = False


# Bumped when a verdict says more than before (2: a fit's bits on A5; 3: entries carry a check, keys the binary's
# sha256): older entries are not reused.
CACHE_FORMAT = 3

# What the A5 binary prints with `--enable-print-memory-allocated-size` (one line per attempt).
_ALLOCATED = re.compile(r"Allocated (\w+) size = (\d+) bits")


def judge(stage: StageSpec, options: Options, text: str, timeout: float) -> Verdict:
    if options.compile_on_910_95 and "print_ub_bits" in optional_flags():  # the one binary that prints its usage
        options = replace(options, extra={**options.extra, "print_ub_bits": "True"})
    obs = Replay(stage, options, timeout=timeout).observe(text)
    limit = resource_limit(obs.run.stderr)
    seconds = round(obs.run.seconds, 3)
    if obs.outcome in (Outcome.PASSED, Outcome.PASSED_MLIR):
        used = _ALLOCATED.findall(f"{obs.run.stdout}\n{obs.run.stderr}")  # printed on stdout
        return Verdict(FITS, obs.outcome.value, int(used[-1][1]) if used else None, None,
                       used[-1][0].lower() if used else None, seconds=seconds, overflowed_first=limit is not None)
    if limit is not None and not obs.outcome.is_crash and obs.outcome is not Outcome.TIMEOUT:
        return Verdict(OVERFLOWS, obs.outcome.value, limit.requires_bits, limit.available_bits, limit.kind,
                       seconds=seconds)
    title = obs.signature.message if obs.signature is not None and obs.signature.message else obs.outcome.label
    return Verdict(FAILS, obs.outcome.value, title=title[:200], seconds=seconds)


class VerdictCache:
    """Verdicts by key, in memory and in an append-only JSON-lines file (a later run or unit reuses them).

    The file is believed only as far as it can be: one another user owns, or its group or everyone may write, is
    not read or written (`refused` says why); an entry is used only when its check binds its verdict to its key
    (the key already names the input, options, tool versions and the binary's sha256), so an entry edited by
    hand, or copied under another key, is measured again instead."""

    def __init__(self, path: Path | None, identity: dict[str, str]) -> None:
        self.path = path
        self.salt = json.dumps({**identity, "format": CACHE_FORMAT}, sort_keys=True)
        self.lock = threading.Lock()
        self.known: dict[str, Verdict] = {}
        self.hits = 0
        self.refused: str | None = None
        if path is not None:
            self.refused = _untrusted(path)
            if self.refused is not None:
                self.path = None
            else:
                self._load(path)

    def _load(self, path: Path) -> None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        except OSError:
            return
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES)  # past that, older entries are measured again
        for line in data.decode("utf-8", "replace").splitlines():
            try:
                entry = json.loads(line)
                verdict = _verdict(entry["verdict"])
                if verdict is not None and entry["check"] == _check(entry["key"], entry["verdict"]):
                    self.known[entry["key"]] = verdict
            except (ValueError, KeyError, TypeError, RecursionError):
                continue  # a torn last line from an interrupted run, or not an entry of ours

    def key(self, stage: StageSpec, options: Options, text: str) -> str:
        opts = json.dumps(options.as_dict(), sort_keys=True, default=str)
        tool = _tool_sha256(stage)
        return hashlib.sha1(f"{self.salt}\0{stage.name}\0{tool}\0{opts}\0{text}".encode()).hexdigest()

    def judge(self, stage: StageSpec, options: Options, text: str, timeout: float) -> Verdict:
        key = self.key(stage, options, text)
        with self.lock:
            if key in self.known:
                self.hits += 1
                return self.known[key]
        verdict = judge(stage, options, text, timeout)
        with self.lock:
            self.known[key] = verdict
            if self.path is not None:
                stored = asdict(verdict)
                _create_private(self.path)
                atomic.append_line(self.path, json.dumps({"key": key, "verdict": stored, "check": _check(key, stored)}))
        return verdict


# A verdict file past this is read up to here: every entry is a few hundred bytes.
MAX_FILE_BYTES = 64 * 1024 * 1024
_FIELDS = {"status": (str,), "outcome": (str,), "requires_bits": (int, type(None)), "available_bits": (int, type(None)),
           "kind": (str, type(None)), "title": (str,), "seconds": (int, float), "overflowed_first": (bool,)}


def _check(key: str, stored: object) -> str:
    """Binds a stored verdict to its key (no secret: it catches edits and moved entries, not a forger who can
    write the cache, which `_untrusted` keeps to the user alone)."""
    return hashlib.sha256(json.dumps([CACHE_FORMAT, key, stored], sort_keys=True).encode()).hexdigest()


def _verdict(stored: object) -> Verdict | None:
    """A stored verdict with exactly the fields and types a Verdict has, else None."""
    if not isinstance(stored, dict) or set(stored) != set(_FIELDS):
        return None
    if any(not isinstance(stored[k], t) or (t == (int, float) and isinstance(stored[k], bool))
           for k, t in _FIELDS.items()):
        return None
    return Verdict(**stored) if stored["status"] in (FITS, OVERFLOWS, FAILS) else None


def _untrusted(path: Path) -> str | None:
    """Why the cache file may not be believed (a link, not a regular file, another user's, writable by others);
    None when it may (or does not exist yet)."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as err:
        return f"{path}: cannot be read ({err.strerror})"
    if not stat.S_ISREG(st.st_mode):
        return f"{path}: not a regular file"
    if st.st_uid != os.geteuid():
        return f"{path}: owned by uid {st.st_uid}, not by you"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{path}: writable by {'everyone' if st.st_mode & stat.S_IWOTH else 'its group'}"
    return None


def _create_private(path: Path) -> None:
    """The cache file made 0600 before the first append (append_line would make it as the umask says)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
        except FileExistsError:
            pass


def _tool_sha256(stage: StageSpec) -> str:
    """The sha256 of the binary the stage runs (hashed once per process): a rebuilt binary is another key."""
    from reducer.release.releases import file_sha256
    from reducer.stage.toolchain import locate

    try:
        return file_sha256(locate(stage).path)
    except (ToolNotFound, OSError):
        return "not found"
