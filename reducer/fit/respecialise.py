"""The driver's side of the worker: start it for one unit, ask for candidates' stage inputs, stop it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from reducer.fit.recipe import NoSource, Recipe

# Importing torch, Triton and the user's module: generous, a big library takes a while.
READY_SECONDS = 180.0


class Respecialiser:
    """One worker process for one unit. `compile` is thread-safe (one request at a time)."""

    def __init__(self, recipe: Recipe, out: Path, job: dict[str, Any] | None = None) -> None:
        self.recipe = recipe
        self.job = {**recipe.to_job(), **(job or {})}
        self.out = out.resolve()  # the worker runs in the captured process's folder
        self.lock = threading.Lock()
        self.count = 0
        self.configs: list[dict[str, Any]] = []
        self.src = ""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reducer.fit.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            cwd=recipe.cwd if recipe.cwd and Path(recipe.cwd).is_dir() else None,
        )

    def start(self) -> None:
        """Send the job; NoSource when the kernel cannot be imported again."""
        ready = self._ask(self.job, READY_SECONDS)
        if not ready.get("ready"):
            self.close()
            raise NoSource(f"{self.recipe.kernel}: its module cannot be imported again ({ready.get('error')})")
        self.configs = list(ready.get("configs") or [])
        self.src = str(ready.get("src") or "")

    def compile(self, constants: dict[str, Any], options: dict[str, Any] | None = None,
                variant: str | None = None) -> tuple[Path | None, str | None]:
        """(the stage's input, None), or (None, why the candidate did not reach the stage)."""
        return self._request({"constants": constants, "options": options or {}, "variant": variant})

    def compile_file(self, module: Path) -> tuple[Path | None, str | None]:
        """The stage's input of the kernel of another module file (a script candidate), as `compile` answers."""
        return self._request({"file": str(module.resolve())})

    def _request(self, fields: dict[str, Any]) -> tuple[Path | None, str | None]:
        with self.lock:
            self.count += 1
            out = self.out / f"candidate-{self.count:04d}.{self.recipe.stage.input_kind}"
            answer = self._ask({"id": self.count, **fields, "out": str(out)}, READY_SECONDS)
        if answer.get("absent"):
            return None, "absent"
        if "path" in answer:
            return Path(answer["path"]), None
        return None, str(answer.get("error") or "no answer")

    def _ask(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return {"error": "the worker ended"}
        answer: list[str] = []
        reader = threading.Thread(target=lambda: answer.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not answer or not answer[0]:
            self.close()
            return {"error": "the worker ended or did not answer in time"}
        try:
            return json.loads(answer[0])
        except ValueError:
            return {"error": "the worker answered garbage"}

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Respecialiser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
