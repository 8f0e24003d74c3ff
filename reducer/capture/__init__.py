"""Finding kernel IR: in dump folders, in a failure log, and by running the user's own launch code.

One concern per module, so the code that runs inside the user's process carries nothing else:

- `record`: the names a capture folder uses (files, record fields, outcomes), shared by all of them;
- `discovery`: TRITON_KERNEL_DUMP / TRITON_DEBUG folders, the Triton cache and capture folders -> `CapturedIR`;
- `logs`: the `MLIRCompilationError`s in a pytest or console log, each matched to dumped IR;
- `command`: runs the user's command with a `sitecustomize` that installs `hook`;
- `hook`: inside the user's process: every `kernel[grid](...)` compiles for the Ascend target and is recorded;
  `specialise` computes the launch's specialisation as Triton does, `compiled` is the kernel object it returns;
- `execute`: then the launch runs on the CPU tensors in Triton's interpreter, `bounds` guarding its memory;
- `aliases`: other triton-ascend releases' API spellings (`shims.ALIASES`), made before the user's imports.
"""
