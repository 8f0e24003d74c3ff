"""CANN's Python package `tbe`, as far as Ascend Triton code asks it for the chip's figures: a kernel library
sizes its blocks from `tbe.common.platform.get_soc_spec("UB_SIZE")` (bytes) after
`set_current_compile_soc_info(torch.npu.get_device_name())`. The figures are the target's own, from the installed
compiler's device spec (`target.spec`, in bits there). Any other key or module is refused in one line.
"""

from __future__ import annotations

import re
import types
from typing import Any

from reducer.npu import Unsupported, target
from reducer.npu.served import module_from

# get_soc_spec's memory keys (bytes) and the device spec's (bits)
_MEMORY = {"UB_SIZE": "UB_SIZE", "L1_SIZE": "L1_SIZE", "L0A_SIZE": "L0A_SIZE", "L0B_SIZE": "L0B_SIZE",
           "L0C_SIZE": "L0C_SIZE", "UB_BLOCK_SIZE": "UB_ALIGN_SIZE"}
_COUNTS = {"CORE_NUM": "AI_CORE_COUNT", "CUBE_CORE_CNT": "CUBE_CORE_COUNT", "VECTOR_CORE_CNT": "VECTOR_CORE_COUNT"}
_SHORT = re.compile(r"^(Ascend910B|Ascend910_93|Ascend950|Ascend310P|Ascend310B|Ascend\d+)")

_current: dict[str, str] = {}


def _soc() -> str:
    return _current.get("soc") or target.name()


def get_soc_spec(key: str) -> Any:
    soc = _soc()
    if key in ("SOC_VERSION", "FULL_SOC_VERSION"):
        return soc
    if key == "SHORT_SOC_VERSION":
        found = _SHORT.match(soc)
        return found.group(1) if found else soc
    if key == "AICORE_TYPE":
        return "AiCore"
    spec = target.spec(soc)
    if key in _MEMORY and _MEMORY[key] in spec:
        return int(spec[_MEMORY[key]]) // 8
    if key in _COUNTS and _COUNTS[key] in spec:
        return int(spec[_COUNTS[key]])
    raise Unsupported(f"tbe.common.platform.get_soc_spec({key!r})")


def set_current_compile_soc_info(soc_version: str, core_type: str = "AiCore", *_: Any, **__: Any) -> str:
    _current["soc"] = str(soc_version)
    return "success"


def _platform() -> dict[str, Any]:
    return {"get_soc_spec": get_soc_spec, "set_current_compile_soc_info": set_current_compile_soc_info,
            "te_set_version": set_current_compile_soc_info}


_MODULES = {"tbe": dict, "tbe.common": dict, "tbe.common.platform": _platform,
            "tbe.common.platform.platform_info": _platform}


def make(name: str) -> types.ModuleType:
    return module_from(name, _MODULES, frozenset(_MODULES),
                       doc="CANN's tbe, under reducer's NPU stand-in (no CANN on this machine)")
