"""What a file the tool wrote says about how to replay it: its stage, its options, the bug it shows.

Three artifacts carry that, read here and nowhere else: a repro's first line (`// REDUCER-SIGNATURE: {...}`),
a reduction's sidecar (`OUT.mlir.json`), and a capture's `record.json` beside the dumped IR. A command reads
the file once into an `Artifact` and hands that down; every command that replays a file starts from what it
was found with (`FoundWith`), so an option the bug needs travels with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from reducer.capture.record import RECORD
from reducer.errors import ReducerError
from reducer.failure.signature import Signature
from reducer.proc import atomic
from reducer.safety import artifacts
from reducer.safety.lit_safe import json_line
from reducer.stage import table as stages
from reducer.stage.options import Options
from reducer.stage.run_env import DEFAULT_ENV, RunEnv
from reducer.stage.source import read_text
from reducer.stage.table import StageSpec
from reducer.stage.toolchain import locate, versions

HEADER = "// REDUCER-SIGNATURE: "
_HEADER_LINE = re.compile(r"^// (?:REDUCER-SIGNATURE|RUN|REQUIRES|CHECK[\w-]*|FIXED[\w-]*|PINNED|NOTE):.*\n?", re.M)


@dataclass(frozen=True)
class FoundWith:
    """What a bug was found with: the stage, its options and knobs, the compiler versions, the releases tried.

    Every artifact that carries it (repro header, reduce sidecar, report's signature.json, upstream test's
    sidecar) writes it with `fields` and reads it with `from_fields`; each artifact names the fields it holds.
    """

    stage: StageSpec | None = None
    options: Options | None = None
    env: RunEnv | None = None  # the knobs the bug was found under (MALLOC_PERTURB_...)
    versions: dict[str, str] | None = None  # wheel -> version installed when it was found
    tool_version: str | None = None  # the stage tool's own version string
    releases: dict[str, str] | None = None  # release -> outcome (`reducer matrix --record`)
    verdict: str = ""

    @classmethod
    def here(cls, stage: StageSpec, options: Options, env: RunEnv = DEFAULT_ENV) -> FoundWith:
        """Found on this machine, now: the installed wheels and the stage tool's version."""
        return cls(stage, options, env, versions(), locate(stage).version)

    def fields(self, *keys: str) -> dict[str, Any]:
        """The block as JSON fields, in the order of `keys`; each field is always spelled the same way."""
        stage, options = self.stage, self.options
        spelled = {
            "stage": lambda: stage.name if stage else None,
            "target": lambda: options.target if options else None,
            "options": lambda: options.as_dict() if options else None,
            "env": lambda: (self.env or DEFAULT_ENV).as_dict(),
            "versions": lambda: self.versions,
            "tool_version": lambda: self.tool_version,
            "tool": lambda: {"name": stage.tool if stage else None, "version": self.tool_version},
            "releases": lambda: self.releases,
            "verdict": lambda: self.verdict,
        }
        return {key: spelled[key]() for key in keys}

    @classmethod
    def from_fields(
        cls, data: dict[str, Any], where: object, kind: str = "artifact", *, key: str = "options"
    ) -> FoundWith:
        """The block from the fields of the artifact `where` (of `kind`); a repro header's `target` alone is an
        older form. A field the tool cannot use (an unknown option) makes the artifact broken."""
        try:
            stage = stages.find(str(data.get("stage") or ""))
            raw = data.get(key)
            if isinstance(raw, dict):
                options = Options.from_mapping(raw)
            elif data.get("target"):
                options = Options(target=str(data["target"]))
            else:
                options = None
            env = RunEnv.from_mapping(data["env"]) if isinstance(data.get("env"), dict) else None
        except ReducerError as err:
            raise artifacts.BrokenArtifact(where, kind, str(err)) from None
        return cls(
            stage, options, env,
            versions=data["versions"] if isinstance(data.get("versions"), dict) else None,
            tool_version=str(data["tool_version"]) if data.get("tool_version") else None,
            releases=data["releases"] if isinstance(data.get("releases"), dict) else None,
            verdict=str(data.get("verdict", "")),
        )


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def read_json(path: Path, kind: str, schema: Any) -> dict[str, Any] | None:
    """The artifact at `path` checked against its schema, None when absent; a one-line BrokenArtifact (an
    InputError naming the file and why) when it fails it."""
    return artifacts.read(path, kind, schema)


def header_of(text: str, path: object = "REDUCER-SIGNATURE header") -> dict[str, Any] | None:
    """The JSON of a repro's first line, None when the text has no such line; BrokenArtifact (naming `path`)
    when it fails the header's schema."""
    first = text.split("\n", 1)[0]
    if not first.startswith(HEADER):
        return None
    return artifacts.parse(first[len(HEADER) :], path, artifacts.HEADER_KIND, artifacts.HEADER)


def strip_header(text: str) -> str:
    """The IR without the comment lines a repro's header block holds."""
    return _HEADER_LINE.sub("", text).lstrip("\n")


def signature_fields(text: str) -> dict[str, Any] | None:
    """The signature JSON a text carries, however the tool wrote it: a repro's header line, a report's
    signature.json or `check --json` (nested under "signature"), or a bare signature; None when it has none."""
    for candidate in [text] + [line.lstrip("/ ").split(":", 1)[-1] for line in text.splitlines()[:5]]:
        try:
            data = json.loads(candidate)
        except (ValueError, RecursionError):
            continue
        if artifacts.shape_problem(data):
            continue
        if isinstance(data, dict) and "signature" in data and isinstance(data["signature"], dict):
            data = data["signature"]
        if isinstance(data, dict) and "stage" in data and "outcome" in data:
            return data
    return None


class Artifact:
    """A file to replay, read once: its text, and what it (or the files beside it) says it was found with.

    Its header is parsed when it is read (a bad one is an InputError then); the sidecar and the capture record
    beside it are read when first asked for, once.
    """

    def __init__(self, path: Path, text: str, *, neighbours: bool = True) -> None:
        self.path = path
        self.text = text
        self._neighbours = neighbours  # False: the header alone speaks (a repro suite scan)
        self.header = header_of(text, path)

    @property
    def ir(self) -> str:
        return strip_header(self.text)

    @cached_property
    def sidecar(self) -> dict[str, Any] | None:
        """The `<file>.json` that `reducer reduce` writes next to its output."""
        if not self._neighbours:
            return None
        return read_json(sidecar_path(self.path), artifacts.SIDECAR_KIND, artifacts.SIDECAR)

    @cached_property
    def _said(self) -> tuple[FoundWith, Signature | None]:
        if self.header is not None:
            found = FoundWith.from_fields(self.header, self.path, artifacts.HEADER_KIND)
            try:
                return found, Signature.from_dict(self.header)
            except ReducerError as err:
                raise artifacts.BrokenArtifact(self.path, artifacts.HEADER_KIND, str(err)) from None
        if self.sidecar is not None:
            return FoundWith.from_fields(self.sidecar, sidecar_path(self.path), artifacts.SIDECAR_KIND), None
        record = None
        if self._neighbours:
            record = read_json(self.path.parent / RECORD, artifacts.RECORD_KIND, artifacts.RECORD)
        if record is not None:
            # One capture folder holds every stage's input: the file's suffix tells which one this is.
            found = FoundWith.from_fields(record, self.path.parent / RECORD, artifacts.RECORD_KIND, key="npu_options")
            return FoundWith(stages.for_file(self.path.name), found.options, found.env), None
        return FoundWith(), None

    @property
    def found(self) -> FoundWith:
        return self._said[0]

    @property
    def expected(self) -> Signature | None:
        """The bug a repro header names: the file must show it."""
        return self._said[1]

    # What a replay takes from the file (`replay_setup`): the artifact stands for its own provenance.
    @property
    def stage(self) -> StageSpec | None:
        return self.found.stage

    @property
    def options(self) -> Options | None:
        return self.found.options

    @property
    def env(self) -> RunEnv | None:
        return self.found.env


def load(path: Path) -> Artifact:
    """`path` read once (an IR file, else a one-line InputError), with its header parsed."""
    return Artifact(path, read_text(path))


def provenance(path: Path, text: str | None = None) -> Artifact:
    """What `path` (or the artifacts beside it) says about how it fails; empty when nothing does."""
    if text is None:
        try:
            text = path.read_text(errors="replace")
        except OSError:
            text = ""
    return Artifact(path, text)


def rewrite_header(artifact: Artifact, fields: dict[str, object]) -> None:
    """The header line with `fields` changed; every other byte of the file (RUN lines, IR) stays as it is."""
    assert artifact.header is not None
    _, _, rest = artifact.text.partition("\n")
    atomic.write_text(artifact.path, HEADER + json_line({**artifact.header, **fields}) + "\n" + rest)


def refresh_ids(path: Path, sig: Signature, write: bool, seen: Signature | None = None) -> tuple[str, str] | None:
    """(the id a repro's header holds, why it changed) when this reducer computes another from the same fields
    (`signature.stale_id`), else None; with `write`, the header gets today's ids and outcome, and a resource
    limit's figures from `seen` (the replay that showed the same bug) or from the header."""
    artifact = Artifact(path, path.read_text(errors="replace"), neighbours=False)
    header = artifact.header or {}
    stored = header.get("id")
    if not stored or stored == sig.id:
        return None
    if header.get("outcome") != sig.outcome:
        why = f"an older reducer filed a {sig.outcome} as a {header.get('outcome')}"
    else:
        why = "an older reducer hashed a bare crash's frames"
    if write:
        fields: dict[str, object] = {"id": sig.id, "strict_id": sig.strict_id, "title": sig.title,
                                     "outcome": sig.outcome}
        if header.get("outcome") != sig.outcome and sig.resource is not None:
            fields["class"] = "compiler-bug" if header.get("anomaly") else "resource-limit"
        resource = (seen.resource if seen is not None else None) or sig.resource
        if resource is not None:
            fields["resource"] = resource.to_dict()
        rewrite_header(artifact, fields)
    return str(stored), why
