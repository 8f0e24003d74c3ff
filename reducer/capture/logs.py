"""The MLIRCompilationErrors in a pytest or console log: which stage failed, which kernel, and its IR."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.capture.discovery import CapturedIR, discover
from reducer.stage import table as stages
from reducer.stage.table import StageSpec

_PYTEST_PREFIX = re.compile(r"^E {2,}|^E\t", re.M)
_CACHE_DIR = re.compile(r"The compiled kernel cache is in (\S+)")
_LAUNCH = re.compile(r"\b([A-Za-z_]\w*)\s*\[\s*[^\]\n]*\]\s*\(")
_SOURCE_LOC = re.compile(r"([^\s:\"']+\.py):(\d+):\d+: (?:error|remark|note|warning)")
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


def looks_like_log(text: str) -> bool:
    return bool(_tag_pattern().search(text)) or "MLIRCompilationError" in text


def parse_log(text: str) -> list[LogFailure]:
    """Each stage-tagged block (`[ConvertTritonIRToLinalgIR]`, ...) with what it tells about the kernel."""
    tag = _tag_pattern()
    text = _PYTEST_PREFIX.sub("", text)
    lines = text.splitlines()
    failures = []
    covered = -1
    for i, line in enumerate(lines):
        m = tag.search(line)
        if not m or i <= covered:
            continue
        end = next((j for j in range(i, min(len(lines), i + 5000)) if _END in lines[j]), min(len(lines), i + 400))
        covered = end
        block = lines[i : end + 1]
        window = "\n".join(lines[max(0, i - 200) : i])
        failures.append(
            LogFailure(
                stage=stages.for_log_tag(m.group(1)),  # type: ignore[arg-type]
                line=i + 1,
                message=_first_error(block),
                kernel=_launched_kernel(window),
                cache_dir=next((c.group(1) for b in lines[i : end + 20] if (c := _CACHE_DIR.search(b))), None),
                locations=_dedup((f, int(n)) for f, n in _SOURCE_LOC.findall("\n".join(block))),
            )
        )
    return failures


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
    """Point each failure at the IR its stage replays: same kernel name, cache folder, or source lines in loc()."""
    candidates: list[CapturedIR] = []
    for folder in dumps:
        candidates += discover(folder)
    for failure in failures:
        if failure.cache_dir:
            cache = Path(failure.cache_dir)
            local = [c for c in candidates if cache.name and _under(c, cache.name)]
            if cache.is_dir() and not local:
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
                score += 2 * _loc_hits(c.path, failure.locations)
            if score:
                scored.append((score, c))
        scored.sort(key=lambda sc: (-sc[0], sc[1].size))
        failure.matches = [c for _, c in scored[:5]]
        if failure.kernel is None and failure.matches:
            failure.kernel = failure.matches[0].kernel


def _under(ir: CapturedIR, folder_name: str) -> bool:
    return any(folder_name in p.parts for p in (ir.path, *ir.duplicates))


def _loc_hits(path: Path, locations: list[tuple[str, int]]) -> int:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return 0
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
