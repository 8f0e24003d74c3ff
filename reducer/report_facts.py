"""What a report is built from: the re-observed failure, redacted, shared by the issue and the bundle script."""

from __future__ import annotations

from dataclasses import dataclass

from reducer.replay import Observation
from reducer.signature import Signature
from reducer.toolchain import Stage, StageOptions

TRACKERS = {
    Stage.ADAPTER: "triton-ascend",
    Stage.BISHENGIR: "AscendNPU-IR",
}
WHEELS = {Stage.ADAPTER: "triton-ascend", Stage.BISHENGIR: "ascendnpu-ir"}
# Where each wheel keeps its binary, relative to the package folder found by `importlib.util.find_spec`.
WHEEL_LAYOUT = {
    Stage.ADAPTER: ("triton", "backends/ascend/triton-adapter-opt", "TRITON_ADAPTER_OPT"),
    Stage.BISHENGIR: ("ascendnpuir", "bin/bishengir-compile", "BISHENGIR_COMPILE"),
}


@dataclass
class ReportFacts:
    """Everything issue.md and reproduce.sh say, re-observed on this machine and redacted once."""

    stage: Stage
    options: StageOptions
    sig: Signature
    obs: Observation
    ir: str  # redacted, as replayed
    kernel: str | None
    original_name: str | None
    original_text: str | None
    sidecar: dict | None
    versions: dict[str, str]
    environment: list[tuple[str, str]]
    needles: list[str]
