"""What a capture recorded of one compile unit that lets the kernel be specialised again in a process of its own:
where to import it from, its signature and constants, the options and target it was compiled for, and the stage
that hit the limit (whose input each candidate produces)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reducer.capture.record import RECORD
from reducer.errors import InputError
from reducer.stage import table as stages
from reducer.stage.table import StageSpec

_ATTRS = re.compile(r"from_dict\((\{.*\})\)\s*$", re.S)


class NoSource(InputError):
    """A unit whose kernel cannot be specialised again (no Python source was recorded, or it cannot be reached)."""

    hint = "capture the program with `reducer capture -- CMD` so each unit records where its kernel lives"


@dataclass(frozen=True)
class Recipe:
    folder: Path
    kernel: str
    module: str  # the kernel's module as its process named it (`__main__` for a script)
    fn_qualname: str  # the kernel inside that module
    file: str | None
    import_path: tuple[str, ...]  # sys.path of the captured process
    cwd: str | None
    signature: dict[str, str]
    constants: dict[str, Any]
    attrs: dict[str, Any] | None  # AttrsDescriptor.to_dict() of the launch's specialisation
    options: dict[str, Any]  # NPUOptions keywords the unit compiled with
    target: str
    stage: StageSpec  # the stage that hit the limit
    ir: Path  # the unit's own input to that stage
    autotune_index: int | None = None
    autotune_configs: int | None = None
    record: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def params(self) -> dict[str, Any]:
        """The unit's compile-time parameters as a user reads them (the autotune config's among them)."""
        return {k: v for k, v in self.constants.items() if isinstance(v, (int, float, str, bool))}

    def to_job(self) -> dict[str, Any]:
        """What the worker needs, as JSON."""
        return {
            "kernel": self.kernel, "module": self.module, "fn_qualname": self.fn_qualname, "file": self.file,
            "import_path": list(self.import_path), "cwd": self.cwd, "signature": self.signature,
            "constants": self.constants, "attrs": self.attrs, "options": self.options, "target": self.target,
            "stage": self.stage.name,
        }


def read_recipe(folder: Path) -> Recipe:
    """The recipe of a capture's unit (or launch) folder; NoSource when it cannot be specialised again."""
    path = folder / RECORD if folder.is_dir() else folder
    if path.name != RECORD or not path.is_file():
        raise NoSource(
            f"{folder}: not a capture unit (no {RECORD}); a unit from a dump or a log has no Python source to "
            "specialise again",
        )
    from reducer.safety.artifacts import RECORD as SCHEMA
    from reducer.safety.artifacts import RECORD_KIND, read

    record = read(path, RECORD_KIND, SCHEMA)  # BrokenArtifact (one line) for a record that fails its schema
    if record is None:
        raise InputError(f"{path}: cannot be read", "capture the program again")
    return recipe_of(path.parent, record)


def recipe_of(folder: Path, record: dict[str, Any]) -> Recipe:
    stage = stages.find(record.get("replay") or record.get("failed_stage") or "")
    if stage is None:
        raise InputError(f"{folder}: the unit did not fail in a compiler stage", "fit a unit that hit a resource limit")
    name = (record.get("files") or {}).get(stage.input_kind)
    if not name or not (folder / name).is_file():
        raise InputError(f"{folder}: the {stage.name} input is missing", "capture the program again")
    kernel = str(record.get("kernel") or "")
    module, qualname = _where(record, kernel)
    if not module or "<locals>" in f"{module}.{qualname}" or not record.get("signature"):
        raise NoSource(f"{folder}: kernel {kernel} cannot be imported again (defined inside a function, or no source)")
    options = {k: v for k, v in (record.get("npu_options") or {}).items() if k not in ("target", "extra")}
    params = set(record.get("constants") or {})
    # Launch keywords that are not the kernel's parameters are NPUOptions (num_warps, multibuffer, ...).
    launch = {k: v for k, v in (record.get("launch_options") or {}).items() if k not in params}
    return Recipe(
        folder=folder, kernel=kernel, module=module, fn_qualname=qualname, file=_file(record),
        import_path=tuple(record.get("import_path") or _derived_path(record, module)),
        cwd=record.get("cwd"), signature=dict(record["signature"]), constants=dict(record.get("constants") or {}),
        attrs=parse_attrs(record.get("attrs")), options={**launch, **options},
        target=str(record.get("target") or "Ascend910B3"), stage=stage, ir=folder / name,
        autotune_index=record.get("autotune_index"), autotune_configs=record.get("autotune_configs"), record=record,
    )


def _where(record: dict[str, Any], kernel: str) -> tuple[str, str]:
    """(module, qualname in it): recorded apart since fit support; an older record joined them with a dot."""
    if record.get("module") and record.get("fn_qualname"):
        return str(record["module"]), str(record["fn_qualname"])
    joined = str(record.get("qualname") or "")
    if kernel and joined.endswith("." + kernel):
        return joined[: -len(kernel) - 1], kernel
    return "", kernel


def _file(record: dict[str, Any]) -> str | None:
    source = record.get("source")
    return str(source).rsplit(":", 1)[0] if source else None


def _derived_path(record: dict[str, Any], module: str) -> list[str]:
    """An older record has no sys.path: the folder its module's top package sits in."""
    file = _file(record)
    if not file:
        return []
    depth = 1 if module == "__main__" else len(module.split("."))
    parents = Path(file).parents
    return [str(parents[depth - 1])] if depth - 1 < len(parents) else []


def parse_attrs(text: Any) -> dict[str, Any] | None:
    """The AttrsDescriptor a record spells as `AttrsDescriptor.from_dict({...})`, as its dict."""
    if not isinstance(text, str):
        return None
    match = _ATTRS.search(text)
    if match is None:
        return None
    try:
        value = ast.literal_eval(match.group(1))
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, dict) else None
