"""Finding kernel IR: in dump folders, in a failure log, and by running the user's own launch code.

One concern per module, so the code that runs inside the user's process carries nothing else:

- `record`: the names a capture folder uses (files, record fields, outcomes), shared by all of them;
- `discovery`: TRITON_KERNEL_DUMP / TRITON_DEBUG folders, the Triton cache and capture folders -> `CapturedIR`;
- `logs`: the `MLIRCompilationError`s in a pytest or console log, each matched to dumped IR;
- `command`: runs the user's command with a `sitecustomize` that installs `hook`;
- `hook`: inside the user's process: every `kernel[grid](...)` compiles for the Ascend target and is recorded.
"""
