"""The NPUOptions fields that change a stage's command line: one type, one parser, one serialisation.

Every artifact (capture record, reduce sidecar, repro header, triage.json, report bundle) stores
`Options.as_dict()` and every replay reads it back with `Options.from_mapping`, so a bug found with a
non-default option is replayed with that option wherever it travels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace

from reducer.errors import UsageError
from reducer.stage.boolean import parse_bool
from reducer.stage.targets import DEFAULT_TARGET, is_known, target_defaults

# An option value reaches a command line: plain words only (no spaces, quotes or shell syntax).
_VALUE_RE = re.compile(r"^[\w.+-]{1,64}$")


@dataclass(frozen=True)
class Options:
    """triton-ascend 3.2.0's defaults for A2/A3 (`for_target` gives any target's); `extra` holds the optional
    flags a stage passes only when set."""

    target: str = DEFAULT_TARGET
    compile_on_910_95: bool = False
    force_simt_template: bool = False
    enable_nd2nz_on_vector: bool = False
    enable_select_analysis: bool = False
    enable_linearize: bool = False
    named_ops: bool = True
    multibuffer: bool | None = True
    enable_auto_bind_sub_block: bool | None = True
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not is_known(self.target):
            raise UsageError(
                f"unknown target {self.target!r}",
                "use an Ascend910B1..B4, Ascend910_93xx, Ascend910_95xx or Ascend950 name",
            )

    @classmethod
    def for_target(cls, target: str) -> Options:
        """The backend's defaults where it compiles for `target` (A5 targets compile as 910_95)."""
        return cls(target=target, **target_defaults(target))  # type: ignore[arg-type]

    # --- the one parser ---------------------------------------------------------------------

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], *, ignore_unknown: bool = False) -> Options:
        """Options from any stored or typed form: a sidecar, a header, `KEY=VALUE` pairs, NPUOptions' dict.

        Unknown keys are an error (a typo must not silently replay the defaults) unless `ignore_unknown`,
        which a capture uses on the backend's full NPUOptions.
        """
        from reducer.stage.table import optional_flags

        typed = {f.name: f for f in fields(cls) if f.name != "extra"}
        known_extra = optional_flags()
        values: dict[str, object] = dict(target_defaults(str(data.get("target") or DEFAULT_TARGET)))
        extra: dict[str, str] = {}
        nested = data.get("extra")
        items = list(data.items()) + (list(nested.items()) if isinstance(nested, Mapping) else [])
        for key, value in items:
            if key == "extra":
                continue
            if key == "target":
                values["target"] = str(value)
            elif key in typed:
                values[key] = _boolean(key, value, nullable="None" in str(typed[key].type))
            elif key in known_extra:
                if value is not None and str(value).lower() not in ("none", "null"):
                    extra[key] = _typed(key, value, known_extra[key][1])
            elif not ignore_unknown:
                known = sorted([*typed, *known_extra])
                raise UsageError(f"unknown option {key!r}", "known: " + ", ".join(known))
        return cls(**values, extra=extra)  # type: ignore[arg-type]

    @classmethod
    def from_cli(cls, target: str | None, items: Iterable[str], base: Options | None = None) -> Options:
        """`--target` and `--option KEY=VALUE` on top of `base` (an artifact's own options) or the defaults."""
        data = (base or cls()).as_dict()
        if target is not None:
            data.update(_retargeted(data, target))
        for item in items:
            if "=" not in item:
                raise UsageError(f"--option {item}: expected KEY=VALUE")
            key, value = item.split("=", 1)
            data[key.strip()] = value.strip()
        return cls.from_mapping(data)

    # --- the one serialisation ----------------------------------------------------------------

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        data.update(sorted(self.extra.items()))
        return data

    def non_default(self) -> dict[str, object]:
        """What differs from the defaults (target included): how people should read an option set."""
        base = Options.for_target(self.target).as_dict()
        return {k: v for k, v in self.as_dict().items() if base.get(k, object()) != v}

    def variants(self, key: str) -> list[Options]:
        """This option set with `key` at every value it can take (set and unset, for an optional flag): a stage
        whose command line is the same for all of them ignores `key`."""
        from reducer.stage.table import optional_flags

        typed = {f.name: f for f in fields(self) if f.name != "extra"}
        if key in typed:
            values: list[bool | None] = [True, False] + ([None] if "None" in str(typed[key].type) else [])
            return [replace(self, **{key: v}) for v in values]
        sample = {bool: "True", int: "1"}.get(optional_flags()[key][1], "x")
        without = {k: v for k, v in self.extra.items() if k != key}
        return [replace(self, extra=without), replace(self, extra={**without, key: sample})]

    def describe(self) -> str:
        changed = {k: v for k, v in self.non_default().items() if k != "target"}
        return ", ".join(f"{k}={v}" for k, v in sorted(changed.items())) or "defaults"


def _retargeted(data: dict[str, object], target: str) -> dict[str, object]:
    """`target` with the defaults that follow it: a field still at the old target's default takes the new
    target's (what the backend would pick there); one set on purpose keeps its value."""
    old, new = target_defaults(str(data.get("target") or DEFAULT_TARGET)), target_defaults(target)
    changed: dict[str, object] = {"target": target}
    changed.update({key: new[key] for key in new if data.get(key) == old[key]})
    return changed


def _typed(key: str, value: object, kind: type) -> str:
    """An optional flag's value as the backend writes it (`True`, `4`, a plain word), or UsageError."""
    if kind is bool:
        return str(_boolean(key, value, nullable=False))
    text = str(value).strip()
    if kind is int:
        try:
            return str(int(text))
        except ValueError:
            raise UsageError(f"option {key}={value!r}: expected an integer", f"e.g. --option {key}=2") from None
    if not _VALUE_RE.match(text):
        raise UsageError(f"option {key}={value!r}: not a plain value", "use a word or a number")
    return text


def _boolean(key: str, value: object, nullable: bool) -> bool | None:
    parsed = parse_bool(value)
    if parsed is not None:
        return parsed
    if nullable and str(value).strip().lower() in ("none", "null", ""):
        return None
    raise UsageError(f"option {key}={value!r}: expected true or false", f"e.g. --option {key}=false")
