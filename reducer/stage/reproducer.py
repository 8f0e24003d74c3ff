"""MLIR crash-reproducer files: IR followed by a `{-# external_resources: { mlir_reproducer: ... } #-}` trailer.

Such a file (`--mlir-pass-pipeline-crash-reproducer=F`, or Triton's `TRITON_REPRODUCER_PATH`) records the exact
pass pipeline, options included, that failed on it: it is replayed with that pipeline, never the stage's default
flags, and the trailer travels with every file written from it so the result replays the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TRAILER = re.compile(r"\{-#\s*external_resources\s*:\s*\{\s*mlir_reproducer\s*:.*?#-\}\s*", re.S)
_PIPELINE = re.compile(r'pipeline:\s*"(?P<p>(?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Recorded:
    """What a reproducer's trailer says: the pipeline and how the pass manager ran it."""

    pipeline: str
    disable_threading: bool
    verify_each: bool
    trailer: str  # as written, re-attached to every file made from the input

    def flags(self) -> tuple[str, ...]:
        """The tool's arguments that run exactly the recorded pipeline (what `--run-reproducer` would)."""
        flags = [f"--pass-pipeline={self.pipeline}"]
        if self.disable_threading:
            flags.append("--mlir-disable-threading")
        if not self.verify_each:
            flags.append("--verify-each=false")
        return tuple(flags)

    def passes(self) -> list[str]:
        """The passes the pipeline runs, options included (`triton-to-linalg{named-ops=false ...}`), without the
        op anchors that nest them (`builtin.module(...)`, `func.func(...)`)."""
        return [_unnest(step) for step in self.steps()]

    def steps(self) -> list[str]:
        """The pipeline as single passes, each under the op anchors that nest it, in order (`builtin.module(a,
        func.func(b,c))` -> `a`, `func.func(b)`, `func.func(c)`): any prefix is a pipeline of its own."""
        found: list[str] = []
        anchors: list[str] = []
        braces, token = 0, ""
        for ch in self.pipeline:
            braces += {"{": 1, "}": -1}.get(ch, 0)
            if braces or ch not in "(),":
                token += ch
                continue
            name, token = token.strip(), ""
            if ch == "(":
                anchors.append(name)
                continue
            if name:
                found.append(_nest(anchors[1:], name))  # the outermost anchor is the module the tool runs on
            if ch == ")" and anchors:
                anchors.pop()
        return found

    def attach(self, text: str) -> str:
        """`text` (IR, with or without a trailer) ending in this trailer."""
        return strip(text).rstrip("\n") + "\n\n" + self.trailer.strip() + "\n"


def strip_options(pipeline: str) -> str:
    """A textual pipeline without its passes' `{...}` options (which may nest braces)."""
    while True:
        bare = re.sub(r"\{[^{}]*\}", "", pipeline)
        if bare == pipeline:
            return bare
        pipeline = bare


def step_pass(step: str) -> str:
    """`func.func(x{opt=1})` -> `x`: the pass one step of `Recorded.steps` runs, as a pipeline names it."""
    return _unnest(strip_options(step))


def _unnest(step: str) -> str:
    """`func.func(x{opt=1})` -> `x{opt=1}`: a step without the op anchors around it."""
    while (m := re.fullmatch(r"[\w.]+\((.*)\)", step.strip(), re.S)) is not None:
        step = m.group(1)
    return step.strip()


def _nest(anchors: list[str], name: str) -> str:
    for anchor in reversed(anchors):
        name = f"{anchor}({name})"
    return name


def pipeline_text(text: str) -> str | None:
    """The `pipeline:` string a reproducer records, as written in the trailer (escapes kept)."""
    m = _PIPELINE.search(text)
    return m.group("p") if m else None


def of(text: str) -> Recorded | None:
    """The reproducer trailer `text` ends in, None when it is plain IR."""
    m = _TRAILER.search(text)
    if m is None:
        return None
    body = m.group(0)
    written = pipeline_text(body)
    if written is None:
        return None
    return Recorded(
        pipeline=written.replace('\\"', '"'),
        disable_threading=_flag(body, "disable_threading"),
        verify_each=_flag(body, "verify_each", default=True),
        trailer=body,
    )


def strip(text: str) -> str:
    """The IR without its reproducer trailer (xdsl cannot parse external resources)."""
    return _TRAILER.sub("", text).rstrip() + "\n" if _TRAILER.search(text) else text


def pipeline_of(text: str) -> tuple[str, ...] | None:
    """The replay arguments a reproducer records, None for plain IR (the stage's own flags then)."""
    recorded = of(text)
    return recorded.flags() if recorded is not None else None


def _flag(body: str, key: str, default: bool = False) -> bool:
    m = re.search(rf"\b{key}\s*:\s*(true|false)", body)
    return default if m is None else m.group(1) == "true"
