"""The MLIRCompilationErrors in a pytest or console log: which stage failed, which kernel, and its IR."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.capture.discovery import CapturedIR, discover
from reducer.errors import InputError
from reducer.stage import table as stages
from reducer.stage.source import read_regular
from reducer.stage.table import StageSpec

# What one `capture LOG` reads: a log is read whole, so it is bounded like an IR file (about 5x its size in memory).
LOG_MAX_BYTES = 64 * 1024 * 1024
# The heuristics below look at this much of a line: a launch or a source location is never longer, and a hostile
# line of megabytes must cost no more than a short one.
LINE_MAX = 4096
# Stage errors matched to IR; a log with more is listed up to here (each one costs a pass over the dumps).
MAX_FAILURES = 100

_PYTEST_PREFIX = re.compile(r"^E {2,}|^E\t", re.M)
_CACHE_DIR = re.compile(r"The compiled kernel cache is in (\S+)")  # on lines cut to LINE_MAX
# `name[grid](`: the grid holds no bracket, so no start position rescans the rest of the line.
_LAUNCH = re.compile(r"\b([A-Za-z_]\w{0,200})[ \t]*\[[^\[\]\n]{0,400}\][ \t]*\(")
# Found by its tail, the file name taken back to the nearest delimiter: linear on any line.
_SOURCE_TAIL = re.compile(r"\.py:(\d+):\d+: (?:error|remark|note|warning)")
_NAME_DELIMS = " \t\n\r\f\v:\"'"
_END = "[ERROR][Triton][END]"
# How logs name a wheel's version: `pip list` columns, `pip freeze`, wheel file names, `pip show`.
_VERSION_AFTER_NAME = r"(?:\s*==\s*|[ \t]+|-)([0-9][\w.+]*|(?=[a-f]*[0-9])[0-9a-f]{7,40})\b"
_PIP_SHOW = re.compile(r"^Name:\s*(\S+)\s*\nVersion:\s*(\S+)", re.M)


@dataclass
class LogFailure:
    """One MLIRCompilationError found in a log."""

    stage: StageSpec
    line: int  # 1-based line in the log where the stage tag is
    message: str
    kernel: str | None
    cache_dir: str | None
    locations: list[tuple[str, int]] = field(default_factory=list)
    matches: list[CapturedIR] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage.name,
            "tag": self.stage.log_tag,
            "line": self.line,
            "kernel": self.kernel,
            "message": self.message,
            "cache_dir": self.cache_dir,
            "locations": [f"{f}:{n}" for f, n in self.locations],
            "matches": [m.to_dict() for m in self.matches],
        }


def _tag_pattern() -> re.Pattern[str]:
    """`[Tag]` of any registered stage, as the backend prints it in an MLIRCompilationError."""
    return re.compile(r"\[(" + "|".join(re.escape(s.log_tag) for s in stages.all_stages()) + r")\]")


def read_log(path: Path) -> str:
    """A log's text: a regular file of at most LOG_MAX_BYTES (a FIFO or a device is refused at once)."""
    data = read_regular(path, LOG_MAX_BYTES, "a log", "pass the part of the log around the failure, or its dump folder")
    return data.decode("utf-8", "replace")


def looks_like_log(text: str) -> bool:
    return bool(_tag_pattern().search(text)) or "MLIRCompilationError" in text


def parse_log(text: str) -> list[LogFailure]:
    """Each stage-tagged block (`[ConvertTritonIRToLinalgIR]`, ...) with what it tells about the kernel."""
    tag = _tag_pattern()
    text = _PYTEST_PREFIX.sub("", text)
    lines = text.splitlines()
    failures: list[LogFailure] = []
    covered = -1
    for i, line in enumerate(lines):
        m = tag.search(line[:LINE_MAX])
        if not m or i <= covered:
            continue
        if len(failures) == MAX_FAILURES:
            break
        end = next((j for j in range(i, min(len(lines), i + 5000)) if _END in lines[j][:LINE_MAX]),
                   min(len(lines), i + 400))
        covered = end
        block = [b[:LINE_MAX] for b in lines[i : end + 1]]
        window = "\n".join(b[:LINE_MAX] for b in lines[max(0, i - 200) : i])
        failures.append(
            LogFailure(
                stage=stages.for_log_tag(m.group(1)),  # type: ignore[arg-type]
                line=i + 1,
                message=_first_error(block),
                kernel=_launched_kernel(window),
                cache_dir=next((c.group(1) for b in lines[i : end + 20] if (c := _CACHE_DIR.search(b[:LINE_MAX]))),
                               None),
                locations=_dedup(source_locations("\n".join(block))),
            )
        )
    return failures


def source_locations(text: str) -> list[tuple[str, int]]:
    """`file.py:LINE:COL: error|remark|note|warning` in `text`, each file name read back from its `.py` tail."""
    found = []
    for m in _SOURCE_TAIL.finditer(text):
        before = text[max(0, m.start() - LINE_MAX) : m.start()]
        name = before[max(before.rfind(c) for c in _NAME_DELIMS) + 1 :]
        if name:
            found.append((name + ".py", int(m.group(1))))
    return found


def _first_error(block: list[str]) -> str:
    keys = ("error:", "Assertion", "UNREACHABLE", "LLVM ERROR", "Stack dump")
    for line in block[1:]:
        if any(k in line for k in keys) and "hivmc" not in line:
            return line.strip()[:300]
    return ""


def _launched_kernel(traceback: str) -> str | None:
    """The last `name[grid](` in the traceback above the error: the launch that failed."""
    names = [m.group(1) for m in _LAUNCH.finditer(traceback) if m.group(1) not in ("self", "kwargs", "args")]
    return names[-1] if names else None


def _dedup(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    seen: dict[tuple[str, int], None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def match_log(failures: list[LogFailure], dumps: Sequence[Path]) -> None:
    """Point each failure at the IR its stage replays: same kernel name, cache folder, or source lines in loc().

    Only `dumps` (what the user named) are walked, and a cache folder the log names only when it lies inside
    Triton's own cache: a log is text anyone can write, and "the cache is in /" must not walk the disk."""
    candidates: list[CapturedIR] = []
    for folder in dumps:
        candidates += discover(folder)
    texts: dict[Path, str] = {}  # each candidate read once, however many failures score it
    for failure in failures:
        if failure.cache_dir:
            cache = Path(failure.cache_dir)
            local = [c for c in candidates if cache.name and _under(c, cache.name)]
            if not local and in_triton_cache(cache):
                local = discover(cache)
            for c in local:
                if c.stage is failure.stage and failure.kernel is None:
                    failure.kernel = c.kernel
        scored = []
        for c in candidates:
            if c.stage is not failure.stage:
                continue
            score = 0
            if failure.kernel and c.kernel == failure.kernel:
                score += 4
            if failure.cache_dir and _under(c, Path(failure.cache_dir).name):
                score += 8
            if failure.locations:
                score += 2 * _loc_hits(_text_of(c.path, texts), failure.locations)
            if score:
                scored.append((score, c))
        scored.sort(key=lambda sc: (-sc[0], sc[1].size))
        failure.matches = [c for _, c in scored[:5]]
        if failure.kernel is None and failure.matches:
            failure.kernel = failure.matches[0].kernel


def search_folders(log: Path, dumps: Sequence[Path]) -> list[Path]:
    """Where `capture LOG` looks for IR: the --dump folders, else the log's own folder (never a file system's
    root: a log saved at `/` names no dump folder)."""
    if dumps:
        return list(dumps)
    folder = log.absolute().parent
    return [folder] if folder.is_dir() and not os.path.ismount(folder) else []


def triton_cache_root() -> Path:
    """Where Triton keeps compiled kernels here: TRITON_CACHE_DIR, else `.triton/cache` in TRITON_HOME or home."""
    env = os.environ.get("TRITON_CACHE_DIR")
    return Path(env) if env else Path(os.environ.get("TRITON_HOME") or Path.home()) / ".triton" / "cache"


def in_triton_cache(folder: Path) -> bool:
    """Whether a folder a log names is an existing folder inside Triton's cache (after resolving links and `..`)."""
    try:
        resolved, root = folder.resolve(), triton_cache_root().resolve()
        return resolved.is_dir() and resolved.is_relative_to(root)
    except (OSError, ValueError, RuntimeError):  # a name too long, a NUL byte, a link loop: not a folder to walk
        return False


def _under(ir: CapturedIR, folder_name: str) -> bool:
    return any(folder_name in p.parts for p in (ir.path, *ir.duplicates))


def _text_of(path: Path, texts: dict[Path, str]) -> str:
    if path not in texts:
        try:
            texts[path] = read_regular(path).decode("utf-8", "replace")
        except (InputError, OSError):  # swapped for a FIFO or removed since it was found
            texts[path] = ""
    return texts[path]


def _loc_hits(text: str, locations: list[tuple[str, int]]) -> int:
    hits = 0
    for file, line in locations:
        if f'{Path(file).name}":{line}:' in text:
            hits += 1
    return min(hits, 3)


def log_versions(text: str) -> dict[str, str]:
    """The version of each stage's wheel that the log itself states (first mention), by wheel name."""
    found: dict[str, str] = {}
    for spec in stages.all_stages():
        name = re.escape(spec.wheel).replace(r"\-", "[-_]")
        m = re.search(rf"(?<![\w-]){name}{_VERSION_AFTER_NAME}", text, re.I)
        if m:
            found[spec.wheel] = m.group(1)
    for name, version in _PIP_SHOW.findall(text):
        wheel = name.lower().replace("_", "-")
        if wheel in {s.wheel for s in stages.all_stages()}:
            found.setdefault(wheel, version)
    return found


def version_mismatches(text: str, installed: dict[str, str]) -> list[str]:
    """One line per wheel whose version in the log differs from the installed one (the IR may differ)."""
    out = []
    for wheel, logged in log_versions(text).items():
        here = installed.get(wheel)
        if here and here != logged:
            out.append(
                f"the log was made with {wheel} {logged}, {here} is installed: the IR found may not be what "
                f"failed; install that build, or recapture the IR with this one"
            )
    return out
