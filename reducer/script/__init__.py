"""`reducer script UNIT`: a captured launch as a standalone `repro.py`, what trackers ask a report to carry.

- `kernel_source`: the kernel, its jitted helpers and module-level names, cut from the user's file with `ast`.
- `render`: the script (tensors of the recorded layout, the grid, the config, the options; `torch_npu` and
  `device="npu"`, so it runs on an Ascend host as is, and anywhere under reducer's capture).
- `check`: capture a script and replay its failing stage: the unit's signature or not.
- `shrink`: statements, parameters and helpers deleted while the signature holds.
- `write`: the command's work: render, check, shrink, write atomically.
"""
