"""`reducer sweep`: classify every captured kernel, group failures by signature, reduce one per group, triage.

- `run`: the orchestration. Phase 1 replays every IR file (each with its own capture options), `jobs` at a
  time; phase 2 reduces the smallest failing input per signature (several groups at once, the -j budget
  split between them, each capped by `max_time_per_bug`) and saves it with `save_repro`; a signature that
  already has a repro under `repros/` is "known" and not reduced again.
- `executor`: where the tasks run, one interface: threads here (default) or `ray_executor` (Ray tasks on a
  cluster, `--ray`); `tasks`: the check and the reduction as those tasks, plain data in and out.
- `state`: one append-only JSONL file (a line per finished check or reduction): a rerun resumes from it.
- `groups`: failures grouped by signature, reductions merged into causes; `rows`: one row per compile unit and
  per kernel; `triage`: the triage document built from those; `render`: one renderer per format in one table
  (triage.json/.md, and triage.html from `templates/`).
"""
