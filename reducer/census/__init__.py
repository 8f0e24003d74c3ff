"""`reducer census`: the compatibility tracker people keep by hand, made from a corpus of projects. Each project is
run as written under capture for each target, swept (checks, signatures, one repro per cause, fit search, release
matrix), each compiler bug exported as an upstream test and written up as an issue; the results are merged into
`SITE/census.json` (the contract) and a static site (`SITE/index.html`, one page per bug).

census.json (paths relative to SITE):
    {"format": "reducer-census/1", "generated": ISO-8601 UTC, "toolchain": {name: version or sha256},
     "projects": [{"name", "version", "command", "targets": {TARGET: {"units", "passed", "failed", "frontend",
                   "resource", "incompatible", "other", "bugs": [id], "run": folder, "reused": bool,
                   "seconds": float}}}],
     "bugs": [{"id", "title", "class" ("compiler-bug" | "resource-limit" | "frontend" | "incompatibility"),
               "stage", "projects": [name], "units": int, "kernels": [{"project", "target", "kernel", "source",
               "triggered_by": [line]}], "repro", "releases", "verdict", "upstream_test", "issue", "problems", "fit",
               "causes": [{"project", "target", "kernels", "repro", "ops"}], "page"}]}
"""
