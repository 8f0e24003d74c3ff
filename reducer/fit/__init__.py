"""`reducer fit`: for a unit that hit a resource limit (`ub overflow`...), the configs of the user's kernel that fit.

- `recipe`: what the capture recorded to specialise the kernel again; `worker` (its own process) imports the
  kernel and compiles candidates up to the failing stage; `respecialise` drives it.
- `candidates`: the power-of-two parameters and the lattice of smaller specialisations, nearest first.
- `verdict`: one candidate's stage run (fits / overflows / fails otherwise), cached by its input.
- `search`: the search for one unit; `anomaly`: when a resource limit is a compiler-bug candidate after all;
  `result`: what triage.json's `resource` field holds; `search.fit_unit` is the entry point for a unit folder.
"""
